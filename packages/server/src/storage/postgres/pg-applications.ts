/** The applications registry (seed 001) on PostgreSQL: ApplicationStore. */
import type { Application, ApplicationRecord } from '../../domain/application.js';
import type { ApplicationStore } from '../port.js';
import { inTransaction, withClient, type PgClient, type PgPool } from './pg-pool.js';
import { decodeText, encodeText } from './pg-rows.js';

interface ApplicationRow {
  tenant_id: string;
  key: string;
  id: string;
  name: string;
  description: string | null;
  accent_color: string | null;
  created_at: Date;
  updated_at: Date;
  param_count: number;
}

const SELECT_APPLICATION = `SELECT a.tenant_id, a.key, a.id, a.name, a.description, a.accent_color, a.created_at, a.updated_at,
  (SELECT count(*)::int FROM application_params p WHERE p.tenant_id = a.tenant_id AND p.application_key = a.key) AS param_count
  FROM applications a`;

function toApplication(row: ApplicationRow): Application {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    key: row.key,
    name: decodeText(row.name),
    description: decodeText(row.description),
    accentColor: row.accent_color,
    paramCount: row.param_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function select(client: PgClient, where: string, values: unknown[]): Promise<Application[]> {
  const { rows } = await client.query<ApplicationRow>(`${SELECT_APPLICATION} WHERE ${where}`, values);
  return rows.map(toApplication);
}

async function stored(client: PgClient, tenantId: string, key: string): Promise<Application> {
  const [application] = await select(client, 'a.tenant_id = $1 AND a.key = $2', [tenantId, key]);
  if (!application) throw new Error(`application ${key} vanished inside its transaction`);
  return application;
}

/** Inserts unless the key exists (another server may insert it at the same time). True if inserted. */
async function insertIfAbsent(client: PgClient, a: ApplicationRecord): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO applications (tenant_id, key, id, name, description, accent_color, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, key) DO NOTHING`,
    [a.tenantId, a.key, a.id, encodeText(a.name), encodeText(a.description), a.accentColor, a.createdAt, a.updatedAt],
  );
  return (rowCount ?? 0) > 0;
}

export function createPgApplications(pool: PgPool): ApplicationStore {
  return {
    listApplications: (tenantId) => withClient(pool, (c) => select(c, 'a.tenant_id = $1 ORDER BY a.key', [tenantId])),
    getApplication: async (tenantId, key) =>
      (await withClient(pool, (c) => select(c, 'a.tenant_id = $1 AND a.key = $2', [tenantId, key])))[0],
    getApplicationById: async (tenantId, id) =>
      (await withClient(pool, (c) => select(c, 'a.tenant_id = $1 AND a.id = $2', [tenantId, id])))[0],
    putApplication: (a) =>
      inTransaction(pool, async (client) => {
        const created = await insertIfAbsent(client, a);
        if (!created) {
          await client.query(
            'UPDATE applications SET name = $1, description = $2, accent_color = $3, updated_at = $4 WHERE tenant_id = $5 AND key = $6',
            [encodeText(a.name), encodeText(a.description), a.accentColor, a.updatedAt, a.tenantId, a.key],
          );
        }
        return { application: await stored(client, a.tenantId, a.key), created };
      }),
    registerApplicationUse: (a, paramNames) =>
      inTransaction(pool, async (client) => {
        await insertIfAbsent(client, a);
        if (paramNames.length > 0) {
          await client.query(
            `INSERT INTO application_params (tenant_id, application_key, name, first_seen_at)
             SELECT $1, $2, n, $4 FROM unnest($3::text[]) AS n ON CONFLICT DO NOTHING`,
            [a.tenantId, a.key, paramNames.map((n) => encodeText(n)), a.createdAt],
          );
        }
        return stored(client, a.tenantId, a.key);
      }),
  };
}
