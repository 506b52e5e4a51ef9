/**
 * Proofs read the tenant's tree head (integrated size, newest checkpoint) from a short-lived
 * cache (domain/tree-head-cache.ts): what this server integrates is seen at once, what another
 * server integrates within the cache's age, and no error is ever answered from a kept head.
 */
import { verifyInclusion, fromHex } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import { createTreeIntegrator, type TreeIntegrator } from '../src/ingest/tree-integrator.js';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp | undefined;
let other: TreeIntegrator | undefined;
afterEach(async () => {
  await other?.close();
  await t?.close();
  other = t = undefined;
});

/** An app that never integrates, and `other`, an integrator standing for a second server on its database. */
async function withOtherServer(): Promise<{ app: TestApp; integrator: TreeIntegrator; key: string }> {
  t = await createTestApp({ treeIntegration: false });
  other = createTreeIntegrator(t.store, { key: t.services.checkpointKey, intervalMs: 10, enabled: true });
  return { app: t, integrator: other, key: await t.tenantWithKey('acme') };
}

async function ingest(app: TestApp, key: string, n: number): Promise<void> {
  const events = Array.from({ length: n }, (_, i) => sampleEvent({ summary: `e${i}` }));
  expect((await app.call(key, { method: 'POST', url: '/v1/events/batch', payload: { events } })).statusCode).toBe(200);
}

async function proof(app: TestApp, key: string, sequence: number, treeSize?: number) {
  const size = treeSize === undefined ? '' : `&tree_size=${treeSize}`;
  const res = await app.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?sequence=${sequence}${size}` });
  return { status: res.statusCode, body: res.json() };
}

/** The proof verifies against the root it names. */
function verifies(p: {
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  hashes: string[];
  root_hash: string;
}) {
  verifyInclusion(p.leaf_index, p.tree_size, fromHex(p.leaf_hash), p.hashes.map(fromHex), fromHex(p.root_hash));
  return true;
}

describe('inclusion proofs of the newest checkpoint', () => {
  it('use a checkpoint this server just signed, for old and new events alike', async () => {
    t = await createTestApp();
    const key = await t.tenantWithKey('acme');
    await ingest(t, key, 10);
    await t.services.integrator.waitForCheckpoint('acme', 10, 10_000);
    expect((await proof(t, key, 3)).body.tree_size).toBe(10);

    await ingest(t, key, 5);
    // Proofs of sequence 3 keep a head of size 10 until the checkpoint of 15 is signed; the
    // waiter is answered after the integrator told the log service, so the next proof uses 15.
    let signed = false;
    const waiting = t.services.integrator.waitForCheckpoint('acme', 15, 10_000).then(() => (signed = true));
    while (!signed) {
      expect([10, 15]).toContain((await proof(t, key, 3)).body.tree_size);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waiting;
    const old = await proof(t, key, 3);
    expect(old).toMatchObject({ status: 200, body: { tree_size: 15 } });
    expect(verifies(old.body)).toBe(true);
    expect((await proof(t, key, 14)).body.tree_size).toBe(15);
  });

  it('see what another server integrated: at once when the kept head cannot answer, within 300 ms otherwise', async () => {
    const { app, integrator, key } = await withOtherServer();
    await ingest(app, key, 10);
    await integrator.waitForCheckpoint('acme', 10, 10_000);
    expect((await proof(app, key, 3)).body.tree_size).toBe(10);

    await ingest(app, key, 5);
    await integrator.waitForCheckpoint('acme', 15, 10_000);
    // Sequence 14 and tree size 15 are beyond the kept head: it is read again, never a stale error.
    expect(await proof(app, key, 14)).toMatchObject({ status: 200, body: { tree_size: 15 } });
    expect(await proof(app, key, 2, 15)).toMatchObject({ status: 200, body: { tree_size: 15 } });

    await ingest(app, key, 5);
    await integrator.waitForCheckpoint('acme', 20, 10_000);
    // Sequence 3 is within the kept head (15): a proof against it, valid, until the head is older than 300 ms.
    const kept = await proof(app, key, 3);
    expect(kept.status).toBe(200);
    expect([15, 20]).toContain(kept.body.tree_size);
    expect(verifies(kept.body)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await proof(app, key, 3)).body.tree_size).toBe(20);
  });

  it('still answer errors from the store: a sequence not yet in any checkpoint', async () => {
    const { app, integrator, key } = await withOtherServer();
    await ingest(app, key, 4);
    await integrator.waitForCheckpoint('acme', 4, 10_000);
    await ingest(app, key, 2);
    expect(await proof(app, key, 6)).toMatchObject({ status: 409, body: { code: 'TK_ERR_NOT_YET_INTEGRATED' } });
    expect(await proof(app, key, 2, 6)).toMatchObject({ status: 400, body: { code: 'TK_ERR_INVALID_TREE_SIZE' } });
  });
});
