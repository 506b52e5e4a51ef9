/** Counts of filtered events on SQLite: EventCountStore. */
import type Database from 'better-sqlite3';
import type { EventCountStore } from '../port.js';
import { buildEventCount } from './sqlite-event-query.js';
import { translateSqliteError } from './sqlite-errors.js';

export function createSqliteEventCount(db: Database.Database): EventCountStore {
  return {
    async countEvents(tenantId, filters) {
      try {
        const { sql, params } = buildEventCount(tenantId, filters);
        return db.prepare<unknown[], { n: number }>(sql).get(...params)?.n ?? 0;
      } catch (error) {
        throw translateSqliteError(error);
      }
    },
  };
}
