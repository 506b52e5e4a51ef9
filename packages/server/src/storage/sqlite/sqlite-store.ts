/**
 * The embedded SQLite driver (better-sqlite3). WAL; a commit is on disk before any request it
 * acknowledges is answered, and survives power loss: every acknowledged write (appends, tenants,
 * keys, applications, erasures) syncs the WAL off the event loop before it resolves
 * (sqlite-gate.ts). The connection's default stays synchronous=FULL for anything else (migrations).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoredEvent } from '../../domain/event.js';
import { TrailkeepError } from '../../domain/errors.js';
import { planAppend, type AppendResult, type LogHead } from '../../domain/log-append.js';
import type { EventQuery } from '../../domain/query.js';
import type { ApiKeyRecord, Tenant } from '../../domain/tenancy.js';
import type { AuditStore, TenantAppend } from '../port.js';
import { buildEventQueryPlans } from './sqlite-event-query.js';
import { applyMigrations } from './sqlite-migrate.js';
import {
  EVENT_COLUMNS,
  toApiKey,
  toLogHead,
  toStoredEvent,
  toTenant,
  type ApiKeyRow,
  type EventRow,
  type HeadRow,
  type TenantRow,
} from './sqlite-rows.js';
import { createCheckpointer } from './sqlite-checkpointer.js';
import { createSqliteGate, type SyncFile } from './sqlite-gate.js';
import { createEventWriter } from './sqlite-event-writer.js';
import { createSqliteApplications } from './sqlite-applications.js';
import { createSqliteEventCount } from './sqlite-event-count.js';
import { createSqliteTargetTypes } from './sqlite-target-types.js';
import { createSqliteTree } from './sqlite-tree.js';
import { createSqliteErasure } from './sqlite-erasure.js';
import { createStatementCache } from './sqlite-statements.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  path: string;
  /** Page cache in MiB; a larger cache cuts pages rewritten per batch (DESIGN §5). */
  cacheMiB?: number;
  /** How the WAL is flushed to disk after an append (tests observe or fail it). */
  syncFile?: SyncFile;
  /** The WAL checkpoint worker's file; null for SQLite's own checkpoints (sqlite-checkpointer.ts). */
  checkpointWorker?: URL | null;
}

/** Page size of databases this version creates. */
export const NEW_DATABASE_PAGE_BYTES = 8192;

/** The largest map SQLite allows by default (SQLITE_MAX_MMAP_SIZE); a bigger request is clamped to it. */
const MMAP_BYTES = 0x7fff0000;

function openDatabase(options: SqliteStoreOptions): Database.Database {
  mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  // New databases only (an existing file keeps the size it was made with). An event row is ~1.5 KB:
  // 4 KiB pages held two and wasted a quarter of the file; at 8 KiB the file is ~16 % smaller and
  // a commit writes half the WAL frames (two write() calls each), which cut the append path's CPU
  // by ~20 % (batch inserts on this kind of machine).
  db.pragma(`page_size = ${NEW_DATABASE_PAGE_BYTES}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
  db.pragma('temp_store = MEMORY');
  // Reads of the database file through a memory map instead of a read() per page: a page of 50
  // events fetches 50 rows from 50 pages spread over the file, and this halves what that costs.
  // SQLite caps the map (2 GiB in this build); pages past it are read as before.
  db.pragma(`mmap_size = ${MMAP_BYTES}`);
  return db;
}

/** Query-planner statistics: sampled (fast even at millions of rows), refreshed hourly as data grows. */
const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;
function keepStatisticsFresh(db: Database.Database): NodeJS.Timeout {
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
  const timer = setInterval(() => db.pragma('optimize'), OPTIMIZE_EVERY_MS);
  timer.unref();
  return timer;
}

export function createSqliteStore(options: SqliteStoreOptions): AuditStore {
  const db = openDatabase(options);
  applyMigrations(db);
  const statistics = keepStatisticsFresh(db);
  const writer = createEventWriter(db);
  const checkpointer = createCheckpointer(db, { workerFile: options.checkpointWorker });
  const gate = createSqliteGate(db, { syncFile: options.syncFile, checkpointer });
  const prepared = createStatementCache(db);
  const stmt = {
    head: db.prepare<[string], HeadRow>(
      'SELECT h.tenant_id, t.log_origin, h.size, h.head_hash, h.last_received_at FROM log_heads h JOIN tenants t ON t.id = h.tenant_id WHERE h.tenant_id = ?',
    ),
    eventById: db.prepare<[string, string], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = ? AND e.id = ?`,
    ),
    eventsBySeq: db.prepare<[string, number, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq`,
    ),
    insertTenant: db.prepare(
      'INSERT INTO tenants (id, name, parent_id, log_origin, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertHead: db.prepare(
      'INSERT INTO log_heads (tenant_id, size, head_hash, last_received_at) VALUES (?, 0, ?, NULL)',
    ),
    tenant: db.prepare<[string], TenantRow>('SELECT * FROM tenants WHERE id = ?'),
    tenants: db.prepare<[], TenantRow>('SELECT * FROM tenants ORDER BY created_at, id'),
    insertKey: db.prepare(
      'INSERT INTO api_keys (id, tenant_id, name, display_prefix, key_hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    keyByHash: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?'),
    keyById: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    keys: db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'),
    keysOfTenant: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id'),
    revokeKey: db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    countKeys: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL'),
  };

  function lockedHead(tenantId: string): LogHead {
    const row = stmt.head.get(tenantId);
    if (!row) throw new TrailkeepError('TK_ERR_TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`);
    return toLogHead(row);
  }

  // One IMMEDIATE transaction for every tenant in the batch: one fsync acknowledges them all.
  const appendAll = db.transaction((groups: readonly TenantAppend[]): AppendResult[][] =>
    groups.map((group) => {
      const head = lockedHead(group.tenantId);
      const existing = writer.findExisting(group.tenantId, group.items);
      const planned = planAppend(head, existing, group.items);
      writer.insertRows(planned.rows);
      writer.updateHead(planned.head);
      return planned.results;
    }),
  );

  const run = <T>(fn: () => T): Promise<T> => gate.run(fn);

  return {
    ...createSqliteApplications(db, gate),
    ...createSqliteTargetTypes(db, gate),
    ...createSqliteEventCount(db, gate),
    ...createSqliteTree(db, gate),
    ...createSqliteErasure(db, gate),
    capabilities: { name: 'sqlite', concurrentWriters: false, appendsInFlight: 2 },
    appendBatches: (groups) => gate.runDurably(() => appendAll.immediate(groups)),
    getLogHead: (tenantId) =>
      run(() => {
        const row = stmt.head.get(tenantId);
        return row && toLogHead(row);
      }),
    getEventById: (tenantId, id) =>
      run(() => {
        const row = stmt.eventById.get(tenantId, id);
        return row && toStoredEvent(row);
      }),
    getEventsBySequence: (tenantId, from, to) => run(() => stmt.eventsBySeq.all(tenantId, from, to).map(toStoredEvent)),
    queryEvents: (query: EventQuery) =>
      run((): StoredEvent[] => {
        let rows: EventRow[] = [];
        for (const { sql, params } of buildEventQueryPlans(query)) {
          rows = prepared<EventRow>(sql).all(...params);
          if (rows.length >= query.limit) break;
        }
        return rows.map(toStoredEvent);
      }),
    createTenant: (tenant: Tenant) =>
      gate.runDurably(() => {
        db.transaction(() => {
          if (stmt.tenant.get(tenant.id))
            throw new TrailkeepError('TK_ERR_TENANT_EXISTS', `tenant ${tenant.id} already exists`, { field: 'id' });
          if (tenant.parentId !== null && !stmt.tenant.get(tenant.parentId)) {
            throw new TrailkeepError('TK_ERR_PARENT_NOT_FOUND', `parent tenant ${tenant.parentId} does not exist`, {
              field: 'parent_id',
            });
          }
          stmt.insertTenant.run(tenant.id, tenant.name, tenant.parentId, tenant.logOrigin, tenant.createdAt);
          stmt.insertHead.run(tenant.id, '0'.repeat(64));
        }).immediate();
      }),
    getTenant: (id) =>
      run(() => {
        const row = stmt.tenant.get(id);
        return row && toTenant(row);
      }),
    listTenants: () => run(() => stmt.tenants.all().map(toTenant)),
    createApiKey: (key: ApiKeyRecord) =>
      gate.runDurably(() => {
        stmt.insertKey.run(
          key.id,
          key.tenantId,
          key.name,
          key.displayPrefix,
          key.keyHash,
          JSON.stringify(key.scopes),
          key.createdAt,
          key.revokedAt,
        );
      }),
    findApiKeyByHash: (hash) =>
      run(() => {
        const row = stmt.keyByHash.get(hash);
        return row && toApiKey(row);
      }),
    getApiKey: (id) =>
      run(() => {
        const row = stmt.keyById.get(id);
        return row && toApiKey(row);
      }),
    listApiKeys: (tenantId) =>
      run(() => (tenantId === undefined ? stmt.keys.all() : stmt.keysOfTenant.all(tenantId)).map(toApiKey)),
    revokeApiKey: (id, revokedAt) => gate.runDurably(() => stmt.revokeKey.run(revokedAt, id).changes > 0),
    countActiveApiKeys: () => run(() => stmt.countKeys.get()?.n ?? 0),
    ping: () => run(() => void db.prepare('SELECT 1').get()),
    close: async () => {
      await run(() => clearInterval(statistics));
      await checkpointer.close();
      gate.close();
      db.close();
    },
  };
}
