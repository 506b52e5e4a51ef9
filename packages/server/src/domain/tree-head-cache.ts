/**
 * Each tenant's integrated tree size and newest signed checkpoint, as proofs read them. A proof of
 * the default tree size read both from the store before its event and tiles: two of its four
 * queries, for values that change at most once per integration round. They are kept here until
 * this server integrates the tenant again (`invalidate`, told by the integrator) or for `maxAgeMs`,
 * so that what another server on the same database integrated is seen soon after.
 *
 * A kept head is always a state the log was in, so a proof against it is valid, and it carries
 * its checkpoint. Callers that find it too small for a request (a sequence beyond its checkpoint,
 * a tree size beyond its tree) ask for a fresh one before answering an error, so no error is ever
 * based on a kept head.
 */
import type { SignedCheckpoint } from './tree.js';

export interface TreeHead {
  integrated: number;
  checkpoint: SignedCheckpoint | undefined;
}

export interface TreeHeadCache {
  /** The kept head, or a fresh one when none is kept (or it is older than maxAgeMs). */
  get(tenantId: string): Promise<TreeHead>;
  /** A head read now from the store (and kept). */
  fresh(tenantId: string): Promise<TreeHead>;
  /** Forgets the tenant's head: its tree was written. */
  invalidate(tenantId: string): void;
}

/** Heads kept at most; the oldest go first. */
const DEFAULT_MAX_TENANTS = 10_000;

export function createTreeHeadCache(
  load: (tenantId: string) => Promise<TreeHead>,
  options: { maxAgeMs: number; maxTenants?: number; now?: () => number },
): TreeHeadCache {
  const { maxAgeMs } = options;
  const maxTenants = options.maxTenants ?? DEFAULT_MAX_TENANTS;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { head: TreeHead; at: number }>();
  // Bumped by invalidate: a read that began before is not kept, since it may predate the write.
  const generations = new Map<string, number>();

  async function fresh(tenantId: string): Promise<TreeHead> {
    const generation = generations.get(tenantId) ?? 0;
    const at = now();
    const head = await load(tenantId);
    if ((generations.get(tenantId) ?? 0) === generation) {
      kept.delete(tenantId);
      if (kept.size >= maxTenants) kept.delete(kept.keys().next().value!);
      kept.set(tenantId, { head, at });
    }
    return head;
  }

  return {
    async get(tenantId) {
      const entry = kept.get(tenantId);
      if (entry !== undefined && now() - entry.at < maxAgeMs) return entry.head;
      return fresh(tenantId);
    },
    fresh,
    invalidate(tenantId) {
      generations.set(tenantId, (generations.get(tenantId) ?? 0) + 1);
      kept.delete(tenantId);
    },
  };
}
