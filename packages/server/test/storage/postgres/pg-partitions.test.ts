/**
 * Monthly partitions of the events table: created ahead when the store opens, and an insert
 * never fails for lack of one (the default partition takes the row; maintenance then moves it,
 * losing nothing that was acknowledged meanwhile).
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isTrailkeepError } from '../../../src/domain/errors.js';
import type { AuditStore } from '../../../src/storage/port.js';
import { ensureEventPartitions, monthRange, MONTHS_AHEAD } from '../../../src/storage/postgres/pg-partitions.js';
import type { PgClient } from '../../../src/storage/postgres/pg-pool.js';
import { createPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, allEvents, append, appendMany, expectChain, sealed } from '../conformance/fixtures.js';

async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times each of the tenant's ids is stored, and how many of its rows sit in events_default. */
async function storedCopies(
  url: string,
  tenantId: string,
): Promise<{ copies: Map<string, number>; inDefault: number }> {
  const rows = await sql<{ id: string; n: number }>(
    url,
    'SELECT id, count(*)::int AS n FROM events WHERE tenant_id = $1 GROUP BY id',
    [tenantId],
  );
  const [left] = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM events_default WHERE tenant_id = $1', [
    tenantId,
  ]);
  return { copies: new Map(rows.map((r) => [r.id, r.n])), inDefault: left!.n };
}

/** Every acknowledged id is stored exactly once, nothing else is, and none is left in events_default. */
async function expectExactlyOnce(
  url: string,
  tenantId: string,
  acknowledged: readonly string[],
  message = tenantId,
): Promise<void> {
  const { copies, inDefault } = await storedCopies(url, tenantId);
  const wrong = acknowledged.filter((id) => copies.get(id) !== 1).map((id) => `${id} stored ${copies.get(id) ?? 0}×`);
  expect(wrong, `${message}: acknowledged ids not stored exactly once`).toEqual([]);
  expect(copies.size, `${message}: stored ids`).toBe(acknowledged.length);
  expect(inDefault, `${message}: rows left in events_default`).toBe(0);
}

/** Puts the tenant's log clock inside `month`: its appends then get received_at there (planAppend never goes back). */
async function clockInto(url: string, tenantId: string, month: { from: string }): Promise<void> {
  const inside = new Date(Date.parse(month.from) + 86_400_000).toISOString();
  await sql(url, 'UPDATE log_heads SET last_received_at = $1 WHERE tenant_id = $2', [inside, tenantId]);
}

/**
 * A maintenance connection that, after its statement number `at`, lets a concurrent append try to
 * commit (for up to `waitMs`) before the next statement is sent: the interleaving a busy server
 * produces by chance, made certain. Records the statements so a failure can name the gap.
 */
function interleaved(client: pg.Client, at: number, between: () => Promise<void>) {
  const statements: string[] = [];
  const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
  const proxy = Object.create(client) as pg.Client;
  proxy.query = (async (text: string, values?: unknown[]) => {
    statements.push(text);
    try {
      return await query(text, values);
    } finally {
      if (statements.length - 1 === at) await between();
    }
  }) as typeof client.query;
  return { client: proxy as unknown as PgClient, statements, reached: () => statements.length > at };
}

/**
 * Appends of single events, each recorded once its commit returned. With client ids an append
 * first looks its id up in every partition; with server ids it goes straight to the insert, whose
 * row PostgreSQL routes to a partition before it waits for that partition's lock.
 */
function appender(store: AuditStore, tenantId: string, clientIds: boolean) {
  const acknowledged: string[] = [];
  const failed: Array<{ id: string | undefined; error: unknown }> = [];
  const pending: Array<Promise<void>> = [];
  let n = 0;
  const start = (): Promise<void> => {
    const id = clientIds ? `${tenantId}_${n++}` : undefined;
    const done = append(store, tenantId, [sealed(id === undefined ? {} : { id })]).then(
      (results) => {
        if (results[0]?.kind === 'created') acknowledged.push(results[0].event.id);
      },
      (error: unknown) => void failed.push({ id, error }),
    );
    pending.push(done);
    return done;
  };
  return { acknowledged, failed, start, settled: () => Promise.all(pending) };
}

/** Failures a client may see while a partition moves: retryable ones only, never a 500. */
function expectOnlyRetryable(failed: ReadonlyArray<{ error: unknown }>): void {
  expect(
    failed.filter(({ error }) => !isTrailkeepError(error) || error.code !== 'TK_ERR_UNAVAILABLE').map((f) => f.error),
  ).toEqual([]);
}

const partitionsOf = async (url: string): Promise<string[]> =>
  (
    await sql<{ name: string }>(
      url,
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1",
    )
  ).map((r) => r.name);

describe.skipIf(!hasPostgres())('PostgreSQL event partitions', () => {
  let storage: TestStorage;
  afterEach(() => storage.remove());

  it('has the current month and the next ones, plus a default partition, once the store is open', async () => {
    storage = await createTestStorage('postgres');
    const store = await storage.openStore();
    await store.close();
    const expected = Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => monthRange(new Date(), i).name);
    expect(await partitionsOf(storage.databaseUrl!)).toEqual([...expected, 'events_default'].sort());
  });

  it('stores events of a month without partition in the default one, then moves them into their new month', async () => {
    storage = await createTestStorage('postgres');
    const url = storage.databaseUrl!;
    const month = monthRange(new Date());
    let store = await storage.openStore();
    // As if maintenance had not run: the current month has no partition.
    await sql(url, `ALTER TABLE events DETACH PARTITION ${month.name}`);
    await sql(url, `DROP TABLE ${month.name}`);
    const t = await addTenant(store, 'acme');
    expect(await appendMany(store, 'acme', 3)).toEqual([1, 2, 3]);
    const where = async () =>
      (await sql<{ part: string }>(url, 'SELECT DISTINCT tableoid::regclass::text AS part FROM events')).map(
        (r) => r.part,
      );
    expect(await where()).toEqual(['events_default']);
    await store.close();

    // Opening runs maintenance: the month is created and its rows leave the default partition.
    store = await storage.openStore();
    expect(await where()).toEqual([month.name]);
    expect(await partitionsOf(url)).toContain(month.name);
    expect(await appendMany(store, 'acme', 1)).toEqual([4]);
    expectChain(await allEvents(store, 'acme'), t.logOrigin);
    const byId = await store.queryEvents({
      tenantId: 'acme',
      filters: { sequence: { gte: 2 } },
      order: 'asc',
      limit: 9,
    });
    expect(byId.map((e) => e.sequence)).toEqual([2, 3, 4]);
    await store.close();
  });

  it('moves rows out of the default partition without losing an append that commits between any two of its statements', async () => {
    storage = await createTestStorage('postgres');
    const url = storage.databaseUrl!;
    const store = await storage.openStore();
    const maintenance = new pg.Client({ connectionString: url });
    await maintenance.connect();
    let round = 0;
    try {
      // One round per statement of the maintenance run: round `at` lets an append commit right
      // after statement `at`. Each round uses its own tenant and a month of its own, far ahead.
      for (const clientIds of [true, false]) {
        for (let at = 0; ; at++, round++) {
          const tenantId = `t${round}`;
          const month = monthRange(new Date(), 3 + 2 * round);
          const t = await addTenant(store, tenantId);
          await clockInto(url, tenantId, month);
          const appends = appender(store, tenantId, clientIds);
          for (let i = 0; i < 3; i++) await appends.start();
          const run = interleaved(maintenance, at, async () => {
            // The append may be blocked by the maintenance's locks: then it commits after them.
            await Promise.race([appends.start(), delay(250)]);
          });
          const created = await ensureEventPartitions(run.client, new Date(month.from));
          await appends.settled();
          const where = `${clientIds ? 'client' : 'server'} ids, append after statement ${at} (${run.statements[at] ?? 'none'})`;
          expect(created, where).toContain(month.name);
          expectOnlyRetryable(appends.failed);
          // A client retries what was refused: it is stored once.
          for (const { id } of appends.failed) {
            const [retried] = await append(store, tenantId, [sealed(id === undefined ? {} : { id })]);
            expect(retried?.kind, where).toBe('created');
            if (retried?.kind === 'created') appends.acknowledged.push(retried.event.id);
          }
          expect(appends.acknowledged.length, where).toBe(run.reached() ? 4 : 3);
          await expectExactlyOnce(url, tenantId, appends.acknowledged, where);
          expectChain(await allEvents(store, tenantId), t.logOrigin);
          if (!run.reached()) break; // every position has been tried
        }
        round++;
      }
    } finally {
      await maintenance.end();
      await store.close();
    }
  }, 90_000);

  it('a server starting while another ingests into the default partition keeps every acknowledged row exactly once', async () => {
    storage = await createTestStorage('postgres');
    const url = storage.databaseUrl!;
    const month = monthRange(new Date());
    const store = await storage.openStore();
    let second: AuditStore | undefined;
    try {
      // As if maintenance had not run: this month's rows go to events_default.
      await sql(url, `ALTER TABLE events DETACH PARTITION ${month.name}`);
      await sql(url, `DROP TABLE ${month.name}`);
      const tenants = ['acme', 'globex'];
      for (const id of tenants) await addTenant(store, id);
      const writers = tenants.map((id, i) => appender(store, id, i === 0));
      let stop = false;
      const load = writers.map(async (w) => {
        while (!stop) await w.start();
      });
      try {
        await delay(300);
        // Opening a store runs the start-up maintenance: the month is created from events_default
        // while the first store keeps committing rows into it.
        second = await storage.openStore();
        await delay(300);
      } finally {
        stop = true;
        await Promise.all(load);
      }
      expect(await partitionsOf(url)).toContain(month.name);
      for (const [i, w] of writers.entries()) {
        await w.settled();
        expectOnlyRetryable(w.failed);
        expect(w.acknowledged.length).toBeGreaterThan(20);
        await expectExactlyOnce(url, tenants[i]!, w.acknowledged);
        expect((await storage.verifyChain(tenants[i]!)).size).toBe(w.acknowledged.length);
      }
    } finally {
      await second?.close();
      await store.close();
    }
  }, 60_000);

  it('a lock timeout while creating partitions at start does not stop the store from opening; it retries', async () => {
    storage = await createTestStorage('postgres');
    const url = storage.databaseUrl!;
    const month = monthRange(new Date());
    await sql(url, `ALTER TABLE events DETACH PARTITION ${month.name}`);
    await sql(url, `DROP TABLE ${month.name}`);
    // A long query on events: creating a partition needs an exclusive lock on the table, and
    // gives up after its 2 s lock_timeout.
    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    const warnings: unknown[] = [];
    let store: AuditStore | undefined;
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM events');
      store = await createPostgresStore({
        connectionString: url,
        poolSize: 2,
        maintenanceIntervalMs: 3_600_000,
        maintenanceRetryMs: 200,
        onMaintenanceError: (error) => warnings.push(error),
      });
      expect(warnings).toMatchObject([{ code: 'TK_ERR_UNAVAILABLE' }]);
      await addTenant(store, 'acme');
      expect(await appendMany(store, 'acme', 3)).toEqual([1, 2, 3]);
      expect(await partitionsOf(url)).not.toContain(month.name);
      await reader.query('COMMIT');
      // The retry comes well before the hourly run and moves the rows into their month.
      for (let i = 0; i < 50 && !(await partitionsOf(url)).includes(month.name); i++) await delay(100);
      expect(await partitionsOf(url)).toContain(month.name);
      expect((await storedCopies(url, 'acme')).inDefault).toBe(0);
      expect(await appendMany(store, 'acme', 1)).toEqual([4]);
      expect((await storage.verifyChain('acme')).size).toBe(4);
    } finally {
      await reader.end();
      await store?.close();
    }
  }, 30_000);

  it('names months in UTC and rolls over years', () => {
    const at = new Date(Date.UTC(2026, 10, 30, 23, 59));
    expect(monthRange(at)).toEqual({
      name: 'events_p2026_11',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    expect(monthRange(at, 2)).toEqual({
      name: 'events_p2027_01',
      from: '2027-01-01T00:00:00.000Z',
      to: '2027-02-01T00:00:00.000Z',
    });
  });
});
