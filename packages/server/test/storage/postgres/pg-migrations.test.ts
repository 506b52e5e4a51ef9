/** PostgreSQL schema migrations: applied on open and by `trailkeep migrate`, once, even when instances race. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { PG_MIGRATIONS } from '../../../src/storage/postgres/pg-migrations.js';
import { SQLITE_MIGRATIONS } from '../../../src/storage/sqlite/sqlite-migrations.js';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../../helpers/pg-database.js';
import { BIN } from '../../helpers/server-process.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const run = promisify(execFile);

async function appliedVersions(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    return rows.map((r) => r.version);
  } finally {
    await client.end();
  }
}

const ALL_VERSIONS = PG_MIGRATIONS.map((m) => m.version);

describe.skipIf(!hasPostgres())('PostgreSQL migrations', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('mirrors every SQLite migration: same versions, same names', () => {
    const names = (list: readonly { version: number; name: string }[]) => list.map((m) => [m.version, m.name]);
    expect(names(PG_MIGRATIONS)).toEqual(names(SQLITE_MIGRATIONS));
  });

  it('applies each migration exactly once when several instances open an empty database at once', async () => {
    const url = (db = await createTestDatabase({ empty: true })).url;
    const stores = await Promise.all(
      Array.from({ length: 4 }, () =>
        createPostgresStore({ connectionString: url, poolSize: 2, maintenanceIntervalMs: 0 }),
      ),
    );
    for (const store of stores) await store.close();
    expect(await appliedVersions(url)).toEqual(ALL_VERSIONS);
  });

  it('migration 2 fills vm_id of existing events from their sealed bodies', async () => {
    const { url } = (db = await createTestDatabase({ empty: true }));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(PG_MIGRATIONS[0]!.sql);
      await client.query(
        'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
      );
      await client.query("INSERT INTO schema_migrations VALUES (1, 'v1', now())");
      await client.query(
        "CREATE TABLE events_old PARTITION OF events FOR VALUES FROM ('2024-01-01T00:00:00Z') TO ('2024-02-01T00:00:00Z')",
      );
      for (const [seq, vm] of [
        [1, 'vm-3'],
        [2, 'vm\\4'],
      ] as const) {
        const sealed = JSON.stringify({ id: `old${seq}`, action: 'vm.start', context: { vm_id: vm } });
        await client.query(
          `INSERT INTO events (tenant_id, seq, id, received_at, occurred_at, action, outcome, actor_type,
             request_digest, body_digest, sealed_body, disclosures, entry, leaf_hash, search)
           VALUES ('acme', $1, $2, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z', 'vm.start', 'success', 'user',
             'd', 'b', $3, '{}', '{}', $4, '')`,
          [seq, `old${seq}`, sealed, '1'.repeat(64)],
        );
      }
    } finally {
      await client.end();
    }
    const store = await createPostgresStore({ connectionString: url, maintenanceIntervalMs: 0 });
    try {
      for (const [vmId, id] of [
        ['vm-3', 'old1'],
        ['vm\\4', 'old2'],
      ] as const) {
        const found = await store.queryEvents({ tenantId: 'acme', filters: { vmId }, order: 'desc', limit: 10 });
        expect(found.map((e) => e.id)).toEqual([id]);
      }
    } finally {
      await store.close();
    }
    expect(await appliedVersions(url)).toEqual(ALL_VERSIONS);
  });

  it('`trailkeep migrate` migrates the database TRAILKEEP_DATABASE_URL names, says what it applied, and again is a no-op', async () => {
    const { url } = (db = await createTestDatabase({ empty: true }));
    const temp = makeTempDir();
    try {
      const env = { ...process.env, TRAILKEEP_DATABASE_URL: url, TRAILKEEP_DATA_DIR: temp.dir };
      const migrate = async () => JSON.parse((await run(process.execPath, [BIN, 'migrate'], { env })).stdout);
      expect(await migrate()).toMatchObject({ storage: 'postgres', status: 'migrated', applied: ALL_VERSIONS });
      expect(await appliedVersions(url)).toEqual(ALL_VERSIONS);
      expect(await migrate()).toMatchObject({ storage: 'postgres', status: 'up to date', applied: [] });
      expect(await appliedVersions(url)).toEqual(ALL_VERSIONS);
    } finally {
      temp.remove();
    }
  });
});
