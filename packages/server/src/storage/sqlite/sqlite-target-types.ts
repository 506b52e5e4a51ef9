/** Stable per-tenant numbers of target types (seed 003's content_type) on SQLite: TargetTypeStore. */
import type Database from 'better-sqlite3';
import type { TargetTypeStore } from '../port.js';
import type { SqliteGate } from './sqlite-gate.js';

export function createSqliteTargetTypes(db: Database.Database, gate: SqliteGate): TargetTypeStore {
  const stmt = {
    numberOf: db.prepare<[string, string], { number: number }>(
      'SELECT number FROM target_types WHERE tenant_id = ? AND type = ?',
    ),
    typeOf: db.prepare<[string, number], { type: string }>(
      'SELECT type FROM target_types WHERE tenant_id = ? AND number = ?',
    ),
    // The next number is read and written in the same IMMEDIATE transaction, so it cannot be taken twice.
    assign: db.prepare(
      `INSERT INTO target_types (tenant_id, type, number)
       SELECT @tenant, @type, coalesce(max(number), 0) + 1 FROM target_types WHERE tenant_id = @tenant
       ON CONFLICT (tenant_id, type) DO NOTHING`,
    ),
  };

  const numberAll = db.transaction((tenantId: string, types: readonly string[]) => {
    const numbers = new Map<string, number>();
    for (const type of types) {
      if (numbers.has(type)) continue;
      let row = stmt.numberOf.get(tenantId, type);
      if (!row) {
        stmt.assign.run({ tenant: tenantId, type });
        row = stmt.numberOf.get(tenantId, type);
      }
      if (row) numbers.set(type, row.number);
    }
    return numbers;
  });

  return {
    numberTargetTypes: (tenantId, types) => gate.runDurably(() => numberAll.immediate(tenantId, types)),
    targetTypeByNumber: (tenantId, number) => gate.run(() => stmt.typeOf.get(tenantId, number)?.type),
  };
}
