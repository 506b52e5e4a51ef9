/** The applications registry (seed 001) on SQLite: ApplicationStore. */
import type Database from 'better-sqlite3';
import type { Application, ApplicationRecord } from '../../domain/application.js';
import type { ApplicationStore } from '../port.js';
import type { SqliteGate } from './sqlite-gate.js';

interface ApplicationRow {
  tenant_id: string;
  key: string;
  id: string;
  name: string;
  description: string | null;
  accent_color: string | null;
  created_at: string;
  updated_at: string;
  param_count: number;
}

const SELECT_APPLICATION = `SELECT a.tenant_id, a.key, a.id, a.name, a.description, a.accent_color, a.created_at, a.updated_at,
  (SELECT count(*) FROM application_params p WHERE p.tenant_id = a.tenant_id AND p.application_key = a.key) AS param_count
  FROM applications a`;

function toApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    key: row.key,
    name: row.name,
    description: row.description,
    accentColor: row.accent_color,
    paramCount: row.param_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function createSqliteApplications(db: Database.Database, gate: SqliteGate): ApplicationStore {
  const stmt = {
    list: db.prepare<[string], ApplicationRow>(`${SELECT_APPLICATION} WHERE a.tenant_id = ? ORDER BY a.key`),
    byKey: db.prepare<[string, string], ApplicationRow>(`${SELECT_APPLICATION} WHERE a.tenant_id = ? AND a.key = ?`),
    byId: db.prepare<[string, string], ApplicationRow>(`${SELECT_APPLICATION} WHERE a.tenant_id = ? AND a.id = ?`),
    insertIfAbsent: db.prepare(
      `INSERT INTO applications (tenant_id, key, id, name, description, accent_color, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING`,
    ),
    update: db.prepare(
      'UPDATE applications SET name = ?, description = ?, accent_color = ?, updated_at = ? WHERE tenant_id = ? AND key = ?',
    ),
    insertParam: db.prepare(
      `INSERT INTO application_params (tenant_id, application_key, name, first_seen_at)
       VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
  };

  const stored = (tenantId: string, key: string): Application => {
    const row = stmt.byKey.get(tenantId, key);
    if (!row) throw new Error(`application ${key} vanished inside its transaction`);
    return toApplication(row);
  };

  const insertIfAbsent = (a: ApplicationRecord): boolean =>
    stmt.insertIfAbsent.run(a.tenantId, a.key, a.id, a.name, a.description, a.accentColor, a.createdAt, a.updatedAt)
      .changes > 0;

  const put = db.transaction((a: ApplicationRecord) => {
    const created = insertIfAbsent(a);
    if (!created) stmt.update.run(a.name, a.description, a.accentColor, a.updatedAt, a.tenantId, a.key);
    return { application: stored(a.tenantId, a.key), created };
  });

  const register = db.transaction((a: ApplicationRecord, paramNames: readonly string[]) => {
    insertIfAbsent(a);
    for (const name of paramNames) stmt.insertParam.run(a.tenantId, a.key, name, a.createdAt);
    return stored(a.tenantId, a.key);
  });

  return {
    listApplications: (tenantId) => gate.run(() => stmt.list.all(tenantId).map(toApplication)),
    getApplication: (tenantId, key) =>
      gate.run(() => {
        const row = stmt.byKey.get(tenantId, key);
        return row && toApplication(row);
      }),
    getApplicationById: (tenantId, id) =>
      gate.run(() => {
        const row = stmt.byId.get(tenantId, id);
        return row && toApplication(row);
      }),
    putApplication: (application) => gate.runDurably(() => put.immediate(application)),
    registerApplicationUse: (application, paramNames) =>
      gate.runDurably(() => register.immediate(application, paramNames)),
  };
}
