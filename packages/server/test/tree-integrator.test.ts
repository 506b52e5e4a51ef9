/**
 * The tree integrator behind the sequencer, on a real store: rounds follow commits, checkpoints
 * cover what was acknowledged, work left by a stopped process resumes, lag is measured.
 */
import { openCheckpoint, parseVerifierKey } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointKeyFromSeed } from '../src/config/checkpoint-key.js';
import { createTreeIntegrator, type TreeIntegrator } from '../src/ingest/tree-integrator.js';
import type { AuditStore } from '../src/storage/port.js';
import { addTenant, append, sealed } from './storage/conformance/fixtures.js';
import { createTestStorage, type TestStorage } from './helpers/test-storage.js';

const KEY = checkpointKeyFromSeed(new Uint8Array(32).fill(3));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openStore(): Promise<{ store: AuditStore; storage: TestStorage }> {
  const storage = await createTestStorage();
  const store = await storage.openStore();
  cleanups.push(
    () => storage.remove(),
    () => store.close(),
  );
  return { store, storage };
}

function integrator(store: AuditStore, enabled = true): TreeIntegrator {
  const it = createTreeIntegrator(store, { key: KEY, intervalMs: 10, enabled });
  cleanups.push(() => it.close());
  return it;
}

/** Appends n events and tells the integrator, as the sequencer does after a commit. */
async function commit(store: AuditStore, it: TreeIntegrator, tenantId: string, n: number): Promise<number> {
  const results = await append(
    store,
    tenantId,
    Array.from({ length: n }, () => sealed()),
  );
  const size = Math.max(...results.map((r) => (r.kind === 'created' ? r.event.sequence : 0)));
  it.notify([{ tenantId, size }]);
  return size;
}

describe('the tree integrator', () => {
  it('integrates after commits and signs a checkpoint covering them; lag is measured', async () => {
    const { store } = await openStore();
    const t = await addTenant(store, 'acme');
    const it = integrator(store);
    await commit(store, it, 'acme', 5);
    const size = await commit(store, it, 'acme', 7);
    const checkpoint = await it.waitForCheckpoint('acme', size, 10_000);
    expect(checkpoint.size).toBe(12);
    openCheckpoint(checkpoint.note, t.logOrigin, [parseVerifierKey(KEY.verifierKey(t.logOrigin))]);
    const stats = it.stats();
    expect(stats.samples).toBe(2);
    expect(stats.rounds).toBeGreaterThan(0);
    expect(stats.p99).toBeGreaterThanOrEqual(stats.p50);
  });

  it('resumes the work a stopped process left, on start', async () => {
    const { store } = await openStore();
    await addTenant(store, 'acme');
    await addTenant(store, 'globex');
    // Committed but never integrated: the process stopped before its round.
    await append(store, 'acme', [sealed(), sealed()]);
    await append(store, 'globex', [sealed()]);
    expect(await store.listTenantsToIntegrate()).toEqual(['acme', 'globex']);
    const it = integrator(store);
    await it.start();
    expect((await it.waitForCheckpoint('acme', 2, 10_000)).size).toBe(2);
    expect((await it.waitForCheckpoint('globex', 1, 10_000)).size).toBe(1);
  });

  it('finds work no commit of its own announced (another process stopped before its round)', async () => {
    const { store } = await openStore();
    await addTenant(store, 'acme');
    const it = createTreeIntegrator(store, { key: KEY, intervalMs: 10, enabled: true, sweepIntervalMs: 20 });
    cleanups.push(() => it.close());
    await it.start();
    await append(store, 'acme', [sealed(), sealed(), sealed()]);
    // No notify, no waiter: only the sweep can find these.
    let checkpoint = await store.getLatestCheckpoint('acme');
    for (let i = 0; i < 200 && checkpoint === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      checkpoint = await store.getLatestCheckpoint('acme');
    }
    expect(checkpoint?.size).toBe(3);
  });

  it('integrates what is pending when it closes', async () => {
    const { store } = await openStore();
    await addTenant(store, 'acme');
    const it = createTreeIntegrator(store, { key: KEY, intervalMs: 10_000, enabled: true });
    await commit(store, it, 'acme', 3);
    await it.close();
    expect((await store.getTreeState('acme'))!.size).toBe(3);
    expect((await store.getLatestCheckpoint('acme'))!.size).toBe(3);
  });

  it('gives up waiting with TK_ERR_UNAVAILABLE, and at once when integration is off', async () => {
    const { store } = await openStore();
    await addTenant(store, 'acme');
    const on = integrator(store);
    await expect(on.waitForCheckpoint('acme', 5, 50)).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    await addTenant(store, 'globex');
    const off = integrator(store, false);
    await commit(store, off, 'globex', 1);
    await expect(off.waitForCheckpoint('globex', 1, 10_000)).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE' });
    expect(await off.integrateNow()).toEqual([]);
    expect(await store.getTreeState('globex')).toBeUndefined();
  });

  it('reports a failing round and keeps going with the other tenants', async () => {
    const { store } = await openStore();
    await addTenant(store, 'acme');
    const errors: string[] = [];
    const it = createTreeIntegrator(store, {
      key: KEY,
      intervalMs: 10,
      enabled: true,
      onError: (_e, tenantId) => errors.push(String(tenantId)),
    });
    cleanups.push(() => it.close());
    await commit(store, it, 'acme', 2);
    const results = await it.integrateNow(['acme', 'nobody']);
    expect(results[0]).toMatchObject({ tenantId: 'acme', size: 2 });
    expect(results[1]).toMatchObject({
      tenantId: 'nobody',
      error: expect.objectContaining({ code: 'TK_ERR_TENANT_NOT_FOUND' }),
    });
    expect(errors).toContain('nobody');
  });
});
