/** Counts of filtered events on SQLite: EventCountStore. */
import type Database from 'better-sqlite3';
import type { EventCountStore } from '../port.js';
import { buildEventCount } from './sqlite-event-query.js';
import type { SqliteGate } from './sqlite-gate.js';
import { createStatementCache } from './sqlite-statements.js';

export function createSqliteEventCount(db: Database.Database, gate: SqliteGate): EventCountStore {
  const prepared = createStatementCache(db);
  return {
    countEvents: (tenantId, filters) =>
      gate.run(() => {
        const { sql, params } = buildEventCount(tenantId, filters);
        return prepared<{ n: number }>(sql).get(...params)?.n ?? 0;
      }),
  };
}
