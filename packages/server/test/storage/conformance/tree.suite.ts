/**
 * TreeStore: integration rounds (domain/tree-integration.ts run by the driver under the tenant's
 * tree lock), tiles, checkpoints and reads. Proofs read back from the stored tiles must equal
 * tlog's proofs over the leaf hashes held in memory.
 */
import {
  consistencyProof,
  inclusionProof,
  memoryNodeReader,
  merkleRoot,
  nodeHash,
  openCheckpoint,
  parseVerifierKey,
  toHex,
  verifyConsistency,
} from '@trailkeep/tlog';
import { describe, expect, it } from 'vitest';
import { checkpointKeyFromSeed } from '../../../src/config/checkpoint-key.js';
import { createTreeIntegrationStep } from '../../../src/domain/tree-integration.js';
import { createTreeReader } from '../../../src/domain/tree-reader.js';
import { splitHashes } from '../../../src/domain/tree-tiles.js';
import type { TreeIntegrationOutcome, TreeIntegrationResult, TreeIntegrationStep } from '../../../src/domain/tree.js';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, append, sealed, useStore } from './fixtures.js';

const KEY = checkpointKeyFromSeed(new Uint8Array(32).fill(9));

function step(options: { maxLeaves?: number; now?: () => Date; intervalMs?: number } = {}): TreeIntegrationStep {
  return createTreeIntegrationStep({
    key: KEY,
    maxLeaves: options.maxLeaves ?? 100_000,
    checkpointIntervalMs: options.intervalMs ?? 1000,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

function outcome(result: TreeIntegrationResult | undefined): TreeIntegrationOutcome {
  if (result === undefined || 'error' in result)
    throw new Error(`integration failed: ${String(result && 'error' in result ? result.error : result)}`);
  return result;
}

/** Appends n minimal events in batches of up to 5000. */
async function grow(store: AuditStore, tenantId: string, n: number): Promise<void> {
  for (let done = 0; done < n; done += 5000) {
    await append(
      store,
      tenantId,
      Array.from({ length: Math.min(5000, n - done) }, () => sealed()),
    );
  }
}

/** Integrates until nothing is pending; returns each round's outcome. */
async function integrateAll(
  store: AuditStore,
  tenantId: string,
  s: TreeIntegrationStep,
): Promise<TreeIntegrationOutcome[]> {
  const outcomes: TreeIntegrationOutcome[] = [];
  do outcomes.push(outcome((await store.integrateTrees([tenantId], s))[0]));
  while (outcomes.at(-1)!.pendingLeaves > 0);
  return outcomes;
}

export function treeSuite(driver: ConformanceDriver): void {
  describe('Merkle tree', () => {
    const open = useStore(driver);

    it('integrates leaves into tiles and signs a checkpoint of their root', async () => {
      const { store } = open();
      const t = await addTenant(store, 'acme');
      await grow(store, 'acme', 600);
      const [result] = await store.integrateTrees(['acme'], step());
      expect(outcome(result)).toMatchObject({
        tenantId: 'acme',
        size: 600,
        integrated: 600,
        pendingLeaves: 0,
        checkpointSize: 600,
      });
      const leaves = await store.getLeafHashes('acme', 1, 600);
      expect(leaves).toHaveLength(600);
      expect((await store.getTreeState('acme'))!.size).toBe(600);
      const checkpoint = (await store.getLatestCheckpoint('acme'))!;
      expect(toHex(checkpoint.rootHash)).toBe(toHex(merkleRoot(leaves)));
      const opened = openCheckpoint(checkpoint.note, t.logOrigin, [parseVerifierKey(KEY.verifierKey(t.logOrigin))]);
      expect(opened.checkpoint.size).toBe(600);
      // Full leaf tiles are stored; the partial one is not (its leaves are in the events).
      const tiles = await store.getTreeTiles('acme', [
        { level: 0, index: 0 },
        { level: 0, index: 1 },
        { level: 0, index: 2 },
        { level: 1, index: 0 },
      ]);
      expect(tiles.map((x) => `${x.level}/${x.index}`).sort()).toEqual(['0/0', '0/1', '1/0']);
      const level1 = tiles.find((x) => x.level === 1)!;
      expect(splitHashes(level1.hashes).map(toHex)).toEqual([
        toHex(merkleRoot(leaves.slice(0, 256))),
        toHex(merkleRoot(leaves.slice(256, 512))),
      ]);
      // Full tiles carry their subtree hashes (levels 1-8), so proofs need not hash; partial ones do not.
      expect(level1.subtreeHashes).toBeUndefined();
      for (const index of [0, 1]) {
        const tile = tiles.find((x) => x.level === 0 && x.index === index)!;
        const own = leaves.slice(index * 256, index * 256 + 256);
        const subtree = splitHashes(tile.subtreeHashes!);
        expect(subtree).toHaveLength(255);
        expect(toHex(subtree[0]!)).toBe(toHex(nodeHash(own[0]!, own[1]!)));
        expect(toHex(subtree[128]!)).toBe(toHex(merkleRoot(own.slice(0, 4))));
        expect(toHex(subtree[254]!)).toBe(toHex(merkleRoot(own)));
      }
    });

    it('resumes from the stored compact range in bounded rounds, across level-1 tiles', async () => {
      const { store } = open();
      await addTenant(store, 'big');
      const n = 66_000;
      await grow(store, 'big', n);
      // A new step every round: nothing but the store carries state from one round to the next.
      const rounds: TreeIntegrationOutcome[] = [];
      do
        rounds.push(
          outcome(
            (
              await store.integrateTrees(
                ['big'],
                step({ maxLeaves: 25_000, now: () => new Date(Date.UTC(2026, 0, 1)) }),
              )
            )[0],
          ),
        );
      while (rounds.at(-1)!.pendingLeaves > 0);
      expect(rounds.map((r) => r.integrated)).toEqual([25_000, 25_000, 16_000]);
      const leaves = await store.getLeafHashes('big', 1, n);
      const memory = memoryNodeReader(leaves);
      // One reader for every read: its tile cache must give the same answers as fresh reads.
      const reader = createTreeReader(store);
      for (const [index, size] of [
        [0, n],
        [65_535, 65_536],
        [65_536, 65_537],
        [40_000, n],
        [n - 1, n],
        [300, 301],
      ]) {
        const stored = await reader.inclusion('big', index!, size!, n, true);
        expect(stored.hashes.map(toHex)).toEqual(inclusionProof(index!, size!, memory).map(toHex));
        expect(toHex(stored.rootHash!)).toBe(toHex(merkleRoot(leaves.slice(0, size))));
      }
      for (const [old, size] of [
        [1, n],
        [65_536, n],
        [255, 65_537],
        [65_537, n],
      ]) {
        const stored = await reader.consistency('big', old!, size!, n);
        expect(stored.hashes.map(toHex)).toEqual(consistencyProof(old!, size!, memory).map(toHex));
      }
      // Tiles stored before schema version 4 have no subtree hashes: readers hash them, same proofs.
      const legacy = createTreeReader({
        getLeafHashes: (...args) => store.getLeafHashes(...args),
        getTreeTiles: async (...args) =>
          (await store.getTreeTiles(...args)).map(({ subtreeHashes, ...tile }) => {
            expect(subtreeHashes === undefined || tile.hashes.length === 256 * 32).toBe(true);
            return tile;
          }),
      });
      for (const [index, size] of [
        [40_000, n],
        [65_535, 65_536],
      ]) {
        const stored = await legacy.inclusion('big', index!, size!, n, true);
        expect(stored.hashes.map(toHex)).toEqual(inclusionProof(index!, size!, memory).map(toHex));
      }
      // The clock stands still: later rounds come within a second of the first checkpoint.
      const checkpoint = (await store.getLatestCheckpoint('big'))!;
      expect(checkpoint.size).toBe(25_000);
      expect(toHex(checkpoint.rootHash)).toBe(toHex(merkleRoot(leaves.slice(0, 25_000))));
      const peaks = await reader.compactRange('big', 65_600, n);
      expect(peaks.map(toHex)).toEqual([
        toHex(merkleRoot(leaves.slice(0, 65_536))),
        toHex(merkleRoot(leaves.slice(65_536, 65_600))),
      ]);
    }, 120_000);

    it('signs at most once per interval, and the newer tree once the interval has passed', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      let now = Date.UTC(2026, 0, 1, 10);
      const clock = step({ now: () => new Date(now) });
      await grow(store, 'acme', 10);
      const first = outcome((await store.integrateTrees(['acme'], clock))[0]).checkpoint!;
      await grow(store, 'acme', 5);
      now += 400;
      const early = outcome((await store.integrateTrees(['acme'], clock))[0]);
      expect(early).toMatchObject({
        size: 15,
        integrated: 5,
        checkpointSize: 10,
        checkpointDueAt: Date.UTC(2026, 0, 1, 10) + 1000,
      });
      expect(early.checkpoint).toBeUndefined();
      now += 600;
      const second = outcome((await store.integrateTrees(['acme'], clock))[0]);
      expect(second).toMatchObject({ size: 15, integrated: 0, checkpointSize: 15 });
      const proof = await createTreeReader(store).consistency('acme', 10, 15, 15);
      verifyConsistency(10, 15, proof.hashes, first.rootHash, second.checkpoint!.rootHash);
      // Nothing new: nothing signed.
      now += 5000;
      expect(outcome((await store.integrateTrees(['acme'], clock))[0]).checkpoint).toBeUndefined();
    });

    it('keeps the newest checkpoint and the first of each hour', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      let now = 0;
      const clock = step({ now: () => new Date(now) });
      const signAt = async (iso: string): Promise<number> => {
        now = Date.parse(iso);
        await grow(store, 'acme', 1);
        return outcome((await store.integrateTrees(['acme'], clock))[0]).checkpoint!.size;
      };
      const sizes = [
        await signAt('2026-01-01T10:00:00.000Z'),
        await signAt('2026-01-01T10:00:01.000Z'),
        await signAt('2026-01-01T10:00:02.000Z'),
        await signAt('2026-01-01T11:00:00.000Z'),
        await signAt('2026-01-01T11:00:01.000Z'),
      ];
      const kept = await Promise.all(sizes.map(async (s) => (await store.getCheckpoint('acme', s)) !== undefined));
      expect(kept).toEqual([true, false, false, true, true]);
      expect((await store.getLatestCheckpoint('acme'))!.size).toBe(5);
    });

    it('reports a tenant whose plan fails and still integrates the others', async () => {
      const { store } = open();
      await addTenant(store, 'good');
      await addTenant(store, 'bad');
      await grow(store, 'good', 3);
      await grow(store, 'bad', 3);
      const normal = step();
      const failing: TreeIntegrationStep = {
        ...normal,
        plan: (input) =>
          input.tenantId === 'bad'
            ? (() => {
                throw new Error('boom');
              })()
            : normal.plan(input),
      };
      const [bad, good] = await store.integrateTrees(['bad', 'good'], failing);
      expect(bad).toMatchObject({ tenantId: 'bad', error: expect.any(Error) });
      expect(outcome(good).size).toBe(3);
      expect((await store.getTreeState('bad'))?.size ?? 0).toBe(0);
      expect(await store.listTenantsToIntegrate()).toEqual(['bad']);
    });

    it('lists tenants whose tree lags their log or whose newest leaves are unsigned', async () => {
      const { store } = open();
      for (const id of ['a', 'b', 'c']) await addTenant(store, id);
      await grow(store, 'a', 2);
      await grow(store, 'b', 2);
      await store.integrateTrees(['b'], step());
      expect(await store.listTenantsToIntegrate()).toEqual(['a']);
      let now = Date.UTC(2026, 0, 1);
      await store.integrateTrees(['a'], step({ now: () => new Date(now) }));
      await grow(store, 'a', 1);
      await store.integrateTrees(['a'], step({ now: () => new Date(now) }));
      expect(await store.listTenantsToIntegrate()).toEqual(['a']);
      now += 1000;
      await store.integrateTrees(['a'], step({ now: () => new Date(now) }));
      expect(await store.listTenantsToIntegrate()).toEqual([]);
    });

    it('never integrates or signs one tenant twice when stores on one database race', async () => {
      const handle = open();
      const stores = [handle.store, await handle.openAnother(), await handle.openAnother()];
      await addTenant(handle.store, 'acme');
      const eager = step({ intervalMs: 0, maxLeaves: 300 });
      const results: TreeIntegrationOutcome[] = [];
      const integrator = async (store: AuditStore): Promise<void> => {
        for (let i = 0; i < 12; i++) results.push(outcome((await store.integrateTrees(['acme'], eager))[0]));
      };
      const writer = async (): Promise<void> => {
        for (let i = 0; i < 12; i++) await grow(handle.store, 'acme', 100);
      };
      await Promise.all([writer(), ...stores.map(integrator)]);
      results.push(...(await integrateAll(handle.store, 'acme', eager)));
      // Each leaf integrated exactly once across all stores; every signed size is new.
      expect(results.reduce((sum, r) => sum + r.integrated, 0)).toBe(1200);
      expect((await handle.store.getTreeState('acme'))!.size).toBe(1200);
      const signed = results.flatMap((r) => (r.checkpoint ? [r.checkpoint] : []));
      signed.sort((a, b) => a.signedAt.localeCompare(b.signedAt) || a.size - b.size);
      expect(new Set(signed.map((c) => c.size)).size).toBe(signed.length);
      const leaves = await handle.store.getLeafHashes('acme', 1, 1200);
      for (const c of signed) expect(toHex(c.rootHash)).toBe(toHex(merkleRoot(leaves.slice(0, c.size))));
    });
  });
}
