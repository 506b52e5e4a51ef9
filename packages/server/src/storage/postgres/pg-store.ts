/**
 * The PostgreSQL driver (pg). Several server processes may share one database: appends serialize
 * per tenant on the log head row (pg-event-writer.ts), commits are flushed (synchronous_commit on)
 * before any request they acknowledge is answered, and schema changes run under an advisory lock.
 */
import { TrailkeepError } from '../../domain/errors.js';
import { planAppend, type AppendResult } from '../../domain/log-append.js';
import type { ApiKeyRecord, Tenant } from '../../domain/tenancy.js';
import type { AuditStore, TenantAppend } from '../port.js';
import { createPgApplications } from './pg-applications.js';
import { createPgErasure } from './pg-erasure.js';
import { buildEventCount, buildEventQueryPlans } from './pg-event-query.js';
import { beginAppend, finishAppend } from './pg-event-writer.js';
import { applyPgMigrations, withSchemaLock } from './pg-migrate.js';
import { ensureEventPartitions } from './pg-partitions.js';
import { translatePgError } from './pg-errors.js';
import { createStatementRunner, type SqlStatement } from './pg-prepared.js';
import { createPool, inOwnTransaction, inTransaction, withClient, type PgClient, type PgPool } from './pg-pool.js';
import { createPgTargetTypes } from './pg-target-types.js';
import { createPgTree } from './pg-tree.js';
import {
  EVENT_COLUMNS,
  encodeText,
  toApiKey,
  toLogHead,
  toStoredEvent,
  toTenant,
  type ApiKeyRow,
  type EventRow,
  type HeadRow,
  type TenantRow,
} from './pg-rows.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /** Most connections this process holds (TRAILKEEP_DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** How often partitions for the coming months are checked; 0 disables (tests). Default 1 h. */
  maintenanceIntervalMs?: number;
  /** How soon a failed partition check (at start or later) is tried again. Default 1 min. */
  maintenanceRetryMs?: number;
  /** Told of each failed partition check, which is retried; default: a process warning. */
  onMaintenanceError?: (error: TrailkeepError) => void;
}

/** What one migration run did. */
export interface PostgresMigration {
  /** Schema versions applied by this run; empty when the schema was up to date. */
  applied: number[];
  /** Event partitions created by this run. */
  partitions: string[];
  /**
   * Set when partitions could not be created because another session held a lock too long: the
   * server starts anyway (rows of a month without partition wait in events_default) and its
   * maintenance retries.
   */
  partitionsDeferred: TrailkeepError | undefined;
}

const HEAD_SQL =
  'SELECT h.tenant_id, t.log_origin, h.size, h.head_hash, h.last_received_at FROM log_heads h JOIN tenants t ON t.id = h.tenant_id WHERE h.tenant_id = $1';

/** SQLSTATEs of a lock wait given up (lock_timeout) or broken (deadlock): busy now, not broken. */
const LOCK_BUSY = new Set(['55P03', '40P01']);

/**
 * Creates the coming months' partitions, or reports why not when a lock was busy. Partition DDL
 * waits at most its 2 s lock_timeout for running queries; at start that must not keep a server
 * from starting, since nothing needs the partition yet (events_default takes the rows).
 */
async function ensurePartitionsOrDefer(
  client: PgClient,
): Promise<Pick<PostgresMigration, 'partitions' | 'partitionsDeferred'>> {
  try {
    return { partitions: await ensureEventPartitions(client), partitionsDeferred: undefined };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !LOCK_BUSY.has(code)) throw error;
    return { partitions: [], partitionsDeferred: translatePgError(error) };
  }
}

/**
 * Applies migrations and creates the coming months' partitions, under the schema lock. No
 * statement timeout here: a migration on a large table, or waiting for another instance's, may
 * take longer than a request would be allowed to. Migrations wait for their locks as long as it
 * takes; partition creation does not (see ensurePartitionsOrDefer).
 */
export async function migratePostgres(pool: PgPool): Promise<PostgresMigration> {
  return withClient(pool, async (client) => {
    await client.query('SET statement_timeout = 0');
    try {
      return await withSchemaLock(client, async () => {
        const applied = await applyPgMigrations(client);
        return { applied, ...(await ensurePartitionsOrDefer(client)) };
      });
    } finally {
      await client.query('RESET statement_timeout');
    }
  });
}

/** Migrates a database on a connection of its own, then closes it (`trailkeep migrate`). */
export async function migratePostgresDatabase(connectionString: string): Promise<PostgresMigration> {
  const pool = createPool({ connectionString, poolSize: 1 });
  try {
    return await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}

function appendAll(pool: PgPool, groups: readonly TenantAppend[]): Promise<AppendResult[][]> {
  if (groups.length === 0) return Promise.resolve([]);
  // Two round trips: begin, lock and look up; insert, move the heads and commit. Each costs the
  // event loop's latency under load, and the tenant's lock is held across them (seven took 8 ms).
  return inOwnTransaction(pool, async (client) => {
    const { heads, existing } = await beginAppend(client, groups);
    // A tenant may appear in several groups: each plans on the head the previous one left.
    const plans = groups.map((group) => {
      const plan = planAppend(heads.get(group.tenantId)!, existing.get(group.tenantId)!, group.items);
      heads.set(group.tenantId, plan.head);
      for (const row of plan.rows) existing.get(group.tenantId)!.set(row.id, row);
      return plan;
    });
    const rows = plans.flatMap((p) => p.rows);
    await finishAppend(client, rows, [
      ...new Map(plans.filter((p) => p.rows.length > 0).map((p) => [p.head.tenantId, p.head])).values(),
    ]);
    return plans.map((p) => p.results);
  });
}

function warnMaintenance(error: TrailkeepError): void {
  process.emitWarning(`event partition maintenance failed and will be retried: ${error.message}`, {
    code: 'TRAILKEEP_PARTITIONS',
  });
}

/**
 * Checks the coming months' partitions every `maintenanceIntervalMs`, and sooner after a failure
 * (a lock timeout behind a long query): the default partition takes rows meanwhile, so nothing is
 * lost by waiting, but rows there must be moved before they pile up. Returns the stop function.
 */
function startMaintenance(pool: PgPool, options: PostgresStoreOptions, retrySoon: boolean): () => void {
  const intervalMs = options.maintenanceIntervalMs ?? 3_600_000;
  if (intervalMs <= 0) return () => undefined;
  const retryMs = Math.min(options.maintenanceRetryMs ?? 60_000, intervalMs);
  const report = options.onMaintenanceError ?? warnMaintenance;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number): void => {
    if (stopped) return;
    timer = setTimeout(check, ms);
    timer.unref();
  };
  const check = (): void => {
    withClient(pool, (client) => withSchemaLock(client, () => ensureEventPartitions(client))).then(
      () => schedule(intervalMs),
      (error: unknown) => {
        if (stopped) return; // the pool was closed under it
        report(translatePgError(error));
        schedule(retryMs);
      },
    );
  };
  schedule(retrySoon ? retryMs : intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<AuditStore> {
  const pool = createPool({ connectionString: options.connectionString, poolSize: options.poolSize ?? 10 });
  let migration: PostgresMigration;
  try {
    migration = await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  if (migration.partitionsDeferred) (options.onMaintenanceError ?? warnMaintenance)(migration.partitionsDeferred);
  const stopMaintenance = startMaintenance(pool, options, migration.partitionsDeferred !== undefined);
  const runStatement = createStatementRunner();
  const run = <R extends object>(statement: SqlStatement): Promise<R[]> =>
    withClient(pool, (client) => runStatement<R>(client, statement));
  const query = <R extends object>(text: string, values: unknown[] = []): Promise<R[]> => run<R>({ text, values });
  const one = async <R extends object>(text: string, values: unknown[]): Promise<R | undefined> =>
    (await query<R>(text, values))[0];

  return {
    ...createPgApplications(pool),
    ...createPgTargetTypes(pool),
    ...createPgTree(pool),
    ...createPgErasure(pool),
    capabilities: { name: 'postgres', concurrentWriters: true, appendsInFlight: 1 },
    appendBatches: (groups) => appendAll(pool, groups),
    getLogHead: async (tenantId) => {
      const row = await one<HeadRow>(HEAD_SQL, [tenantId]);
      return row && toLogHead(row);
    },
    getEventById: async (tenantId, id) => {
      const [row] = await run<EventRow>({
        text: `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = $1 AND e.id = $2`,
        values: [tenantId, id],
        prepared: true,
      });
      return row && toStoredEvent(row);
    },
    getEventsBySequence: async (tenantId, from, to) =>
      (
        await query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = $1 AND e.seq BETWEEN $2 AND $3 ORDER BY e.seq`,
          [tenantId, from, to],
        )
      ).map(toStoredEvent),
    queryEvents: async (q) => {
      let rows: EventRow[] = [];
      for (const plan of buildEventQueryPlans(q)) {
        rows = await run<EventRow>(plan);
        if (rows.length >= q.limit) break;
      }
      return rows.map(toStoredEvent);
    },
    countEvents: async (tenantId, filters) => {
      const { text, values } = buildEventCount(tenantId, filters);
      return (await one<{ n: number }>(text, values))?.n ?? 0;
    },
    createTenant: (tenant: Tenant) =>
      inTransaction(pool, async (client) => {
        const exists = await client.query('SELECT 1 FROM tenants WHERE id = $1', [tenant.id]);
        if (exists.rowCount) {
          throw new TrailkeepError('TK_ERR_TENANT_EXISTS', `tenant ${tenant.id} already exists`, { field: 'id' });
        }
        if (tenant.parentId !== null) {
          const parent = await client.query('SELECT 1 FROM tenants WHERE id = $1', [tenant.parentId]);
          if (!parent.rowCount) {
            throw new TrailkeepError('TK_ERR_PARENT_NOT_FOUND', `parent tenant ${tenant.parentId} does not exist`, {
              field: 'parent_id',
            });
          }
        }
        // A concurrent creation of the same id fails on tenants_pkey: TK_ERR_TENANT_EXISTS (pg-errors.ts).
        await client.query(
          'INSERT INTO tenants (id, name, parent_id, log_origin, created_at) VALUES ($1, $2, $3, $4, $5)',
          [tenant.id, encodeText(tenant.name), tenant.parentId, tenant.logOrigin, tenant.createdAt],
        );
        await client.query(
          'INSERT INTO log_heads (tenant_id, size, head_hash, last_received_at) VALUES ($1, 0, $2, NULL)',
          [tenant.id, '0'.repeat(64)],
        );
      }),
    getTenant: async (id) => {
      const row = await one<TenantRow>('SELECT * FROM tenants WHERE id = $1', [id]);
      return row && toTenant(row);
    },
    listTenants: async () => (await query<TenantRow>('SELECT * FROM tenants ORDER BY created_at, id')).map(toTenant),
    createApiKey: async (key: ApiKeyRecord) => {
      await query(
        'INSERT INTO api_keys (id, tenant_id, name, display_prefix, key_hash, scopes, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [
          key.id,
          key.tenantId,
          encodeText(key.name),
          key.displayPrefix,
          key.keyHash,
          JSON.stringify(key.scopes),
          key.createdAt,
          key.revokedAt,
        ],
      );
    },
    findApiKeyByHash: async (hash) => {
      const row = await one<ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = $1', [hash]);
      return row && toApiKey(row);
    },
    getApiKey: async (id) => {
      const row = await one<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
      return row && toApiKey(row);
    },
    listApiKeys: async (tenantId) =>
      (tenantId === undefined
        ? await query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')
        : await query<ApiKeyRow>('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId])
      ).map(toApiKey),
    revokeApiKey: async (id, revokedAt) =>
      (
        await query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING id', [
          revokedAt,
          id,
        ])
      ).length > 0,
    countActiveApiKeys: async () =>
      (await one<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL', []))?.n ?? 0,
    ping: async () => {
      await query('SELECT 1');
    },
    close: async () => {
      stopMaintenance();
      await pool.end();
    },
  };
}
