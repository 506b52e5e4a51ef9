/**
 * The verifiable log in the real `trailkeep serve` process: the checkpoint key is printed at
 * start, and tree integration left undone by a previous run resumes after a restart.
 */
import { openCheckpoint, parseVerifierKey } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import { api, startServerProcess, tenantKey, TEST_ADMIN_KEY, type ServerProcess } from './helpers/server-process.js';
import { createTestStorage, type TestStorage } from './helpers/test-storage.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(storage: TestStorage, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(storage, env);
  cleanups.push(() => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
  // The key lines follow the "listening" line the helper waits for.
  for (let i = 0; i < 100 && !server.output().includes('(GET /v1/log/key serves it)'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return server;
}

async function stop(server: ServerProcess): Promise<void> {
  server.proc.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

async function text(url: string, key: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${key}`, accept: 'text/plain' } });
  return { status: res.status, body: await res.text() };
}

describe('the verifiable log in the server process', () => {
  it('prints the checkpoint key at start and integrates what a run without integration left', async () => {
    const storage = await createTestStorage();
    cleanups.push(() => storage.remove());
    const off = await start(storage, { TRAILKEEP_TREE_INTEGRATION: 'false' });
    expect(off.output()).toMatch(/Checkpoint key \(Ed25519\): A[A-Za-z0-9+/]{43}\n/);
    expect(off.output()).toMatch(/vkey is <origin>\+<key id>\+<key>, e\.g\. localhost\/t\/<tenant>\+[0-9a-f]{8}\+A/);
    const key = await tenantKey(off.url, 'acme');
    for (let i = 0; i < 5; i++) {
      expect(
        (await api(off.url, key, 'POST', '/v1/events?sync=true', { action: 'a.b', actor: { id: 'u' } })).status,
      ).toBe(201);
    }
    expect((await text(off.url, key, '/v1/log/checkpoint')).status).toBe(404);
    await stop(off);

    const on = await start(storage);
    expect(on.output()).toContain('e.g. localhost/t/acme+');
    const vkey = (await text(on.url, key, '/v1/log/key')).body.trim();
    let checkpoint = await text(on.url, key, '/v1/log/checkpoint');
    for (let i = 0; i < 100 && checkpoint.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      checkpoint = await text(on.url, key, '/v1/log/checkpoint');
    }
    const opened = openCheckpoint(checkpoint.body, 'localhost/t/acme', [parseVerifierKey(vkey)]);
    expect(opened.checkpoint.size).toBe(5);
    const admin = await api(on.url, TEST_ADMIN_KEY, 'GET', '/v1/log/key?tenant_id=acme');
    expect(admin.json.vkey).toBe(vkey);
    await stop(on);
  });
});
