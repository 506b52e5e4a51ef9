/**
 * TRAILKEEP_DATABASE_POOL_SIZE bounds the connections a process opens, however much work it has:
 * the store's pool, a real server process under concurrent load, and `trailkeep migrate`.
 * Connections are counted by the server itself (pg_stat_activity, application_name 'trailkeep').
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { createTestDatabase, hasPostgres } from '../../helpers/pg-database.js';
import { BIN, api, startServerProcess, tenantKey } from '../../helpers/server-process.js';
import { createTestStorage } from '../../helpers/test-storage.js';
import { addTenant, appendMany } from '../conformance/fixtures.js';

const run = promisify(execFile);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Polls pg_stat_activity on its own connection (no application_name, so not counted) for the
 * connections Trailkeep holds to one database; `stop` returns the most seen at once.
 */
function watchConnections(url: string) {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new pg.Client({ connectionString: url });
  let stopped = false;
  let peak = 0;
  let samples = 0;
  const ready = client.connect();
  const loop = (async () => {
    await ready;
    while (!stopped) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'trailkeep'",
        [database],
      );
      peak = Math.max(peak, rows[0]!.n);
      samples++;
    }
    await client.end();
  })();
  return {
    ready,
    stop: async () => {
      stopped = true;
      await loop;
      return { peak, samples };
    },
  };
}

/** Runs `count` operations all at once; returns how many were in flight at most. */
async function allAtOnce(count: number, operation: (i: number) => Promise<unknown>): Promise<number> {
  let inFlight = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        await operation(i);
      } finally {
        inFlight--;
      }
    }),
  );
  return most;
}

describe.skipIf(!hasPostgres())('PostgreSQL pool size', () => {
  it('a store with pool size 2 never holds more than 2 connections under 60 concurrent operations', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const watch = watchConnections(db.url);
    await watch.ready;
    const store = await createPostgresStore({ connectionString: db.url, poolSize: 2, maintenanceIntervalMs: 0 });
    try {
      const tenants = ['a', 'b', 'c', 'd'];
      for (const id of tenants) await addTenant(store, id);
      const most = await allAtOnce(60, async (i) => {
        const tenantId = tenants[i % tenants.length]!;
        if (i % 3 === 0) return appendMany(store, tenantId, 5);
        if (i % 3 === 1) return store.countEvents(tenantId, {});
        return store.getLogHead(tenantId);
      });
      expect(most).toBe(60);
      const heads = await Promise.all(tenants.map((id) => store.getLogHead(id)));
      expect(heads.reduce((sum, h) => sum + h!.size, 0)).toBe(20 * 5);
    } finally {
      await store.close();
    }
    const { peak, samples } = await watch.stop();
    expect(samples).toBeGreaterThan(5);
    // At the bound, not below it: the watch did see the pool in full use.
    expect(peak).toBe(2);
  });

  it('a server process started with TRAILKEEP_DATABASE_POOL_SIZE=2 stays within 2 connections under load', async () => {
    const storage = await createTestStorage('postgres');
    cleanups.push(() => storage.remove());
    const watch = watchConnections(storage.databaseUrl!);
    await watch.ready;
    const server = await startServerProcess(storage, { TRAILKEEP_DATABASE_POOL_SIZE: '2' });
    cleanups.push(() => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
    const key = await tenantKey(server.url, 'acme');
    const statuses = new Map<number, number>();
    await allAtOnce(200, async (i) => {
      const res =
        i % 2 === 0
          ? await api(server.url, key, 'POST', '/v1/events?sync=true', { action: 'pool.test', actor: { id: `u${i}` } })
          : await api(server.url, key, 'GET', `/v1/events?limit=5&q=pool`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    expect(Object.fromEntries(statuses)).toEqual({ 200: 100, 201: 100 });
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const { peak } = await watch.stop();
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(peak).toBeLessThanOrEqual(2);
  }, 60_000);

  it('`trailkeep migrate` uses one connection', async () => {
    const db = await createTestDatabase({ empty: true });
    cleanups.push(() => db.drop());
    const watch = watchConnections(db.url);
    await watch.ready;
    const env = { ...process.env, TRAILKEEP_DATABASE_URL: db.url, TRAILKEEP_DATABASE_POOL_SIZE: '2' };
    const { stdout } = await run(process.execPath, [BIN, 'migrate'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ status: 'migrated' });
    const { peak } = await watch.stop();
    expect(peak).toBeLessThanOrEqual(1);
  });
});
