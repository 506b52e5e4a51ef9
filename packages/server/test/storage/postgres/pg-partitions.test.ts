/**
 * Monthly partitions of the events table: created ahead when the store opens, and an insert
 * never fails for lack of one (the default partition takes the row; maintenance then moves it).
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { monthRange, MONTHS_AHEAD } from '../../../src/storage/postgres/pg-partitions.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, allEvents, appendMany, expectChain } from '../conformance/fixtures.js';

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
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
