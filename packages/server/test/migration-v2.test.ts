import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../src/storage/sqlite/sqlite-migrations.js';
import { createSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { makeTempDir } from './helpers/temp-dir.js';

const temp = makeTempDir();
afterEach(() => temp.remove());

/** A database as version 1 left it, with one event whose sealed body carries context.vm_id. */
function versionOneDatabase(path: string): void {
  const db = new Database(path);
  db.exec(SQLITE_MIGRATIONS[0]!.sql);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  db.prepare("INSERT INTO schema_migrations VALUES (1, 'v1', '2024-01-01T00:00:00.000Z')").run();
  db.prepare("INSERT INTO tenants VALUES ('acme', 'Acme', NULL, 'localhost/t/acme', '2024-01-01T00:00:00.000Z')").run();
  db.prepare(`INSERT INTO log_heads VALUES ('acme', 1, '${'1'.repeat(64)}', '2024-01-01T00:00:00.000Z')`).run();
  const sealed = JSON.stringify({ id: 'old', action: 'vm.start', context: { vm_id: 'vm-3' } });
  db.prepare(
    `INSERT INTO events (tenant_id, seq, id, received_at, occurred_at, action, outcome, actor_type,
       request_digest, body_digest, sealed_body, disclosures, entry, leaf_hash)
     VALUES ('acme', 1, 'old', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'vm.start', 'success', 'user',
       'd', 'b', ?, '{}', '{}', '${'1'.repeat(64)}')`,
  ).run(sealed);
  db.close();
}

describe('SQLite migration 2', () => {
  it('adds the vm_id column, filled from existing sealed bodies, and the registry tables', async () => {
    const path = join(temp.dir, 'v1.db');
    versionOneDatabase(path);
    const store = createSqliteStore({ path });
    try {
      const found = await store.queryEvents({ tenantId: 'acme', filters: { vmId: 'vm-3' }, order: 'desc', limit: 10 });
      expect(found.map((e) => e.id)).toEqual(['old']);
      expect(await store.countEvents('acme', { vmId: 'vm-3' })).toBe(1);
      expect(await store.listApplications('acme')).toEqual([]);
      expect(await store.numberTargetTypes('acme', ['document', 'invoice', 'document'])).toEqual(
        new Map([
          ['document', 1],
          ['invoice', 2],
        ]),
      );
      expect(await store.targetTypeByNumber('acme', 2)).toBe('invoice');
    } finally {
      await store.close();
    }
  });
});
