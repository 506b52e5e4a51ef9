/**
 * The real server process: start, serve, SIGTERM and kill -9. What a 2xx promised must hold
 * after every kind of stop.
 */
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

/** Concurrent writers that record every id the server acknowledged with a 2xx. */
function startLoad(url: string, key: string, writers: number) {
  const acknowledged: string[] = [];
  let stop = false;
  let n = 0;
  const run = async (w: number): Promise<void> => {
    while (!stop) {
      const id = `w${w}_${n++}`;
      try {
        const res = await api(url, key, 'POST', '/v1/events?sync=true', {
          id,
          action: 'load.test',
          actor: { id: `writer${w}` },
        });
        if (res.status >= 200 && res.status < 300) acknowledged.push(id);
      } catch {
        return; // connection refused or reset: the server is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: writers }, (_, w) => run(w)));
  return { acknowledged, halt: () => (stop = true), done };
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
    expect(load.acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('kill -9 mid-load: after restart every acknowledged event is present, gapless, and the chain verifies', async () => {
    const storage = await tempStorage();
    const server = track(await startServerProcess(storage));
    const key = await tenantKey(server.url, 'acme');
    const load = startLoad(server.url, key, 32);
    await new Promise((r) => setTimeout(r, 1500));
    server.proc.kill('SIGKILL');
    await server.exited;
    load.halt();
    await load.done;
    expect(load.acknowledged.length).toBeGreaterThan(100);

    const restarted = track(await startServerProcess(storage));
    for (const id of load.acknowledged) {
      const res = await api(restarted.url, key, 'GET', `/v1/events/${id}`);
      expect(res.status, `acknowledged event ${id} is missing`).toBe(200);
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
  });
});
