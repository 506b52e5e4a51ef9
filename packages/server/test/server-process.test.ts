/**
 * The real server process: start, serve, SIGTERM and kill -9. What a 2xx promised must hold
 * after every kind of stop.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startServerProcess, tenantKey, type ServerProcess } from './helpers/server-process.js';
import { createTestStorage, defaultTestDriver, type TestStorage } from './helpers/test-storage.js';

// Run on SQLite, and again on PostgreSQL by the `postgres` vitest project (TRAILKEEP_TEST_DRIVER).
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempStorage(): Promise<TestStorage> {
  const storage = await createTestStorage();
  cleanups.push(() => storage.remove());
  return storage;
}

function track(server: ServerProcess): ServerProcess {
  cleanups.push(() => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
  return server;
}

/** What a 2xx answered for one event: the sequence and leaf hash the server promised it has. */
interface Ack {
  id: string;
  sequence: number;
  hash: string;
}

/** The fields of a native event answer (POST, batch item, GET) that name its place in the log. */
interface EventAnswer {
  id: string;
  sequence_number: number;
  hash: string;
}

function ackOf(event: EventAnswer): Ack {
  return { id: event.id, sequence: event.sequence_number, hash: event.hash };
}

/**
 * Concurrent writers that record every event the server acknowledged with a 2xx, and what it
 * answered: `writers` sending single events, `batchWriters` sending 10 at a time to the batch API
 * (there an item is acknowledged when the request is a 200 and the item's own status a 2xx).
 */
function startLoad(url: string, key: string, writers: number, batchWriters = 0) {
  const acknowledged: Ack[] = [];
  let stop = false;
  let n = 0;
  const single = async (w: number): Promise<void> => {
    while (!stop) {
      const id = `w${w}_${n++}`;
      try {
        const res = await api(url, key, 'POST', '/v1/events?sync=true', {
          id,
          action: 'load.test',
          actor: { id: `writer${w}` },
        });
        if (res.status >= 200 && res.status < 300) acknowledged.push(ackOf(res.json));
      } catch {
        return; // connection refused or reset: the server is gone
      }
    }
  };
  const batch = async (w: number): Promise<void> => {
    while (!stop) {
      const events = Array.from({ length: 10 }, (_, i) => ({
        id: `b${w}_${n++}_${i}`,
        action: 'load.batch',
        actor: { id: `batcher${w}` },
      }));
      try {
        const res = await api(url, key, 'POST', '/v1/events/batch?sync=true', { events });
        if (res.status !== 200) continue;
        for (const item of res.json.results as Array<{ status: number; event?: EventAnswer }>) {
          if (item.status >= 200 && item.status < 300 && item.event) acknowledged.push(ackOf(item.event));
        }
      } catch {
        return;
      }
    }
  };
  const done = Promise.all([
    ...Array.from({ length: writers }, (_, w) => single(w)),
    ...Array.from({ length: batchWriters }, (_, w) => batch(w)),
  ]);
  return { acknowledged, halt: () => (stop = true), done };
}

interface StoredRow {
  id: string;
  seq: number;
  leaf_hash: string;
}

/** The tenant's stored events straight from the database, bypassing the server. */
async function storedRows(storage: TestStorage, tenantId: string): Promise<StoredRow[]> {
  const sql = 'SELECT id, seq, leaf_hash FROM events WHERE tenant_id = $1 ORDER BY seq';
  if (storage.driver === 'sqlite') {
    const db = new Database(storage.dbPath, { readonly: true });
    try {
      return db.prepare<[string], StoredRow>(sql.replace('$1', '?')).all(tenantId);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: storage.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StoredRow>(sql.replace('seq,', 'seq::int AS seq,'), [tenantId]);
    return rows;
  } finally {
    await client.end();
  }
}

/** Every acknowledged event is stored exactly once, at the sequence and with the hash its 2xx answered. */
function expectAsAcknowledged(rows: readonly StoredRow[], acknowledged: readonly Ack[]): void {
  const copies = new Map<string, StoredRow[]>();
  for (const row of rows) copies.set(row.id, [...(copies.get(row.id) ?? []), row]);
  const wrong = acknowledged.flatMap((ack) => {
    const found = copies.get(ack.id) ?? [];
    if (found.length !== 1) return [`${ack.id}: stored ${found.length} times`];
    const [row] = found;
    if (row!.seq !== ack.sequence || row!.leaf_hash !== ack.hash) {
      return [`${ack.id}: answered sequence ${ack.sequence} ${ack.hash}, stored ${row!.seq} ${row!.leaf_hash}`];
    }
    return [];
  });
  expect(wrong).toEqual([]);
  // No event is stored twice, acknowledged or not (every writer sends a client id).
  expect([...copies].filter(([, found]) => found.length > 1).map(([id]) => id)).toEqual([]);
  // A 2xx is never answered twice for one id.
  expect(new Set(acknowledged.map((a) => a.id)).size).toBe(acknowledged.length);
}

describe(`trailkeep serve (real process, ${defaultTestDriver()})`, () => {
  it('serves the API end to end on loopback', async () => {
    const storage = await tempStorage();
    const server = track(await startServerProcess(storage));
    const key = await tenantKey(server.url, 'acme');
    const sent = await api(server.url, key, 'POST', '/v1/events?sync=true', {
      id: 'evt_1',
      action: 'document.delete',
      actor: { id: 'u1' },
      resource: { type: 'document', id: 'd1' },
      outcome: 'success',
    });
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ tenant_id: 'acme', sequence_number: 1 });
    const list = await api(server.url, key, 'GET', '/v1/events');
    expect(list.json.data).toHaveLength(1);
    const one = await api(server.url, key, 'GET', '/v1/events/evt_1');
    expect(one.json.hash).toBe(sent.json.hash);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('on first start without keys prints an admin key once, and it works', async () => {
    const storage = await tempStorage();
    const first = track(await startServerProcess(storage, { TRAILKEEP_ADMIN_KEY: '' }));
    const key = /(tk_live_[A-Za-z0-9_-]{43})/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    expect((await api(first.url, key!, 'GET', '/v1/tenants')).status).toBe(200);
    first.proc.kill('SIGTERM');
    await first.exited;
    const second = track(await startServerProcess(storage, { TRAILKEEP_ADMIN_KEY: '' }));
    expect(second.output()).not.toMatch(/tk_live_/);
    second.proc.kill('SIGTERM');
    await second.exited;
  });

  it('SIGTERM under load: finishes every acknowledged write and exits 0', async () => {
    const storage = await tempStorage();
    const server = track(await startServerProcess(storage));
    const key = await tenantKey(server.url, 'acme');
    const load = startLoad(server.url, key, 16);
    await new Promise((r) => setTimeout(r, 700));
    server.proc.kill('SIGTERM');
    const exit = await server.exited;
    load.halt();
    await load.done;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(load.acknowledged.length).toBeGreaterThan(50);
    const report = await storage.verifyChain('acme');
    const stored = new Set(report.ids);
    expect(load.acknowledged.filter((ack) => !stored.has(ack.id))).toEqual([]);
    expectAsAcknowledged(await storedRows(storage, 'acme'), load.acknowledged);
  });

  it('kill -9 mid-load: after restart every acknowledged event is present once, as answered, gapless, and the chain verifies', async () => {
    const storage = await tempStorage();
    const server = track(await startServerProcess(storage));
    const key = await tenantKey(server.url, 'acme');
    const load = startLoad(server.url, key, 32, 4);
    // Killed once singles and batches have both been acknowledged (a busy machine may take longer
    // than usual to answer the first batches), while all 36 writers keep sending.
    const batchAcks = () => load.acknowledged.filter((a) => a.id.startsWith('b')).length;
    const deadline = Date.now() + 20_000;
    while ((load.acknowledged.length <= 100 || batchAcks() <= 10) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));
    server.proc.kill('SIGKILL');
    await server.exited;
    load.halt();
    await load.done;
    expect(load.acknowledged.length).toBeGreaterThan(100);
    expect(batchAcks()).toBeGreaterThan(10);

    const restarted = track(await startServerProcess(storage));
    for (const ack of load.acknowledged) {
      const res = await api(restarted.url, key, 'GET', `/v1/events/${ack.id}`);
      expect(res.status, `acknowledged event ${ack.id} is missing`).toBe(200);
      expect(ackOf(res.json), `event ${ack.id} reads back as answered`).toEqual(ack);
    }
    // The log continues where it stopped, linked to the last surviving event.
    const next = await api(restarted.url, key, 'POST', '/v1/events?sync=true', {
      action: 'after.crash',
      actor: { id: 'u' },
    });
    expect(next.status).toBe(201);
    restarted.proc.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);

    const report = await storage.verifyChain('acme');
    expect(report.sequences).toEqual(Array.from({ length: report.size }, (_, i) => i + 1));
    expect(report.size).toBeGreaterThanOrEqual(load.acknowledged.length + 1);
    expect(next.json.sequence_number).toBe(report.size);
    expectAsAcknowledged(await storedRows(storage, 'acme'), [...load.acknowledged, ackOf(next.json)]);
  });
});
