/**
 * A tenant's verifiable log as readers see it (DESIGN §3): the vkey, signed checkpoints, RFC 9162
 * inclusion and consistency proofs (checked before they are served), and C2SP tlog-tiles.
 */
import { HASH_SIZE, formatEntryBundle, utf8, verifyConsistency, verifyInclusion } from '@trailkeep/tlog';
import type { AuditStore } from '../storage/port.js';
import { TrailkeepError } from './errors.js';
import type { LogEntry } from './event.js';
import type { Tenant } from './tenancy.js';
import { TILE_WIDTH, hashesAtTileLevel, isStoredLeafTile, joinHashes } from './tree-tiles.js';
import { createTreeHeadCache, type TreeHead } from './tree-head-cache.js';
import type { TreeReader } from './tree-reader.js';
import type { CheckpointKey, CheckpointWaiter, SignedCheckpoint } from './tree.js';

export interface InclusionProof {
  origin: string;
  sequence: number;
  treeSize: number;
  /** The entry as hashed, so a client can recompute the leaf hash itself. */
  entry: string;
  leafHash: Uint8Array;
  hashes: Uint8Array[];
  rootHash: Uint8Array;
  /** The signed checkpoint of this tree size, when one is stored (always for the default size). */
  checkpoint: SignedCheckpoint | null;
}

export interface ConsistencyProof {
  origin: string;
  oldSize: number;
  newSize: number;
  oldRoot: Uint8Array;
  newRoot: Uint8Array;
  hashes: Uint8Array[];
  checkpoint: SignedCheckpoint | null;
}

export type ProofTarget = { sequence: number } | { eventId: string };

export type LogService = ReturnType<typeof createLogService>;

type LogStore = Pick<
  AuditStore,
  | 'getTreeState'
  | 'getTreeTiles'
  | 'getLeafHashes'
  | 'getLatestCheckpoint'
  | 'getCheckpoint'
  | 'getEventById'
  | 'getLogEntries'
>;

/** How long a tenant's tree head is kept for proofs when this server does not integrate it (tree-head-cache.ts). */
const HEAD_MAX_AGE_MS = 300;

function noCheckpoint(tenant: Tenant): TrailkeepError {
  return new TrailkeepError('TK_ERR_CHECKPOINT_NOT_FOUND', `the log of ${tenant.id} has no checkpoint yet`);
}

function invalidSize(detail: string, field: string): TrailkeepError {
  return new TrailkeepError('TK_ERR_INVALID_TREE_SIZE', detail, { field });
}

export function createLogService(deps: {
  store: LogStore;
  tree: TreeReader;
  key: CheckpointKey;
  integrator: CheckpointWaiter;
}) {
  const { store, key, tree } = deps;

  async function latestCheckpoint(tenant: Tenant): Promise<SignedCheckpoint> {
    const checkpoint = await store.getLatestCheckpoint(tenant.id);
    if (!checkpoint) throw noCheckpoint(tenant);
    return checkpoint;
  }

  async function integratedSize(tenant: Tenant): Promise<number> {
    return (await store.getTreeState(tenant.id))?.size ?? 0;
  }

  // The checkpoint first: the tree only grows, so the state read after it covers it.
  const heads = createTreeHeadCache(
    async (tenantId) => {
      const checkpoint = await store.getLatestCheckpoint(tenantId);
      return { checkpoint, integrated: (await store.getTreeState(tenantId))?.size ?? 0 };
    },
    { maxAgeMs: HEAD_MAX_AGE_MS },
  );
  deps.integrator.onIntegrated((tenantId) => heads.invalidate(tenantId));

  /**
   * The tree size a proof is for: the one asked (within the integrated tree), else the newest
   * checkpoint's, which should cover sequence `atLeast`. A kept head that cannot answer is read again.
   */
  async function resolveSize(tenant: Tenant, asked: number | undefined, field: string, atLeast = 1) {
    const covers = (h: TreeHead) =>
      asked === undefined ? (h.checkpoint?.size ?? 0) >= atLeast : asked <= h.integrated;
    let head = await heads.get(tenant.id);
    if (!covers(head)) head = await heads.fresh(tenant.id);
    const { integrated, checkpoint } = head;
    if (asked === undefined) {
      if (!checkpoint) throw noCheckpoint(tenant);
      return { size: checkpoint.size, integrated, checkpoint };
    }
    if (asked < 1 || asked > integrated) {
      throw invalidSize(`${field} must be between 1 and the integrated tree size ${integrated}`, field);
    }
    return { size: asked, integrated, checkpoint: (await store.getCheckpoint(tenant.id, asked)) ?? null };
  }

  async function findEvent(tenant: Tenant, target: ProofTarget): Promise<LogEntry> {
    const event =
      'eventId' in target
        ? await store.getEventById(tenant.id, target.eventId)
        : (await store.getLogEntries(tenant.id, target.sequence, target.sequence))[0];
    if (!event) throw new TrailkeepError('TK_ERR_EVENT_NOT_FOUND', 'the event does not exist');
    return event;
  }

  /** Proves a stored event's inclusion in the tree of `size` leaves (root signed by `checkpoint` when given). */
  async function prove(
    tenant: Tenant,
    event: LogEntry,
    size: number,
    integrated: number,
    checkpoint: SignedCheckpoint | null,
  ): Promise<InclusionProof> {
    // With a signed root at hand only the path is read; otherwise the root is computed too.
    const read = await tree.inclusion(tenant.id, event.sequence - 1, size, integrated, checkpoint === null);
    const rootHash = checkpoint?.rootHash ?? read.rootHash!;
    const { hashes } = read;
    const leafHash = new Uint8Array(Buffer.from(event.leafHash, 'hex'));
    // A proof that does not verify is never served: it would mean the stored tree is damaged.
    verifyInclusion(event.sequence - 1, size, leafHash, hashes, rootHash);
    const { sequence, entry } = event;
    return { origin: tenant.logOrigin, sequence, treeSize: size, entry, leafHash, hashes, rootHash, checkpoint };
  }

  async function inclusionProof(tenant: Tenant, target: ProofTarget, treeSize?: number): Promise<InclusionProof> {
    const event = await findEvent(tenant, target);
    const { size, integrated, checkpoint } = await resolveSize(tenant, treeSize, 'tree_size', event.sequence);
    if (event.sequence > size) {
      if (treeSize !== undefined)
        throw invalidSize(`sequence ${event.sequence} is beyond tree size ${size}`, 'tree_size');
      throw new TrailkeepError(
        'TK_ERR_NOT_YET_INTEGRATED',
        `sequence ${event.sequence} is not in the newest checkpoint (size ${size}) yet`,
        { retryAfter: 1 },
      );
    }
    return prove(tenant, event, size, integrated, checkpoint);
  }

  async function consistencyProof(tenant: Tenant, oldSize: number, newSize?: number): Promise<ConsistencyProof> {
    const resolved = await resolveSize(tenant, newSize, 'new', oldSize);
    if (oldSize < 1 || oldSize > resolved.size) {
      throw invalidSize(`old must be between 1 and the new tree size ${resolved.size}`, 'old');
    }
    const proof = await tree.consistency(tenant.id, oldSize, resolved.size, resolved.integrated);
    verifyConsistency(
      oldSize,
      resolved.size,
      proof.hashes,
      proof.oldRoot,
      resolved.checkpoint?.rootHash ?? proof.newRoot,
    );
    return { origin: tenant.logOrigin, oldSize, newSize: resolved.size, ...proof, checkpoint: resolved.checkpoint };
  }

  /** A C2SP hash tile (`width` hashes) of tree level 8·level, from the integrated tree. */
  async function hashTile(tenant: Tenant, level: number, index: number, width: number): Promise<Uint8Array> {
    const integrated = await integratedSize(tenant);
    const available = Math.min(TILE_WIDTH, hashesAtTileLevel(integrated, level) - index * TILE_WIDTH);
    if (width > available) throw new TrailkeepError('TK_ERR_TILE_NOT_FOUND', 'the log has no such tile yet');
    let hashes: Uint8Array;
    if (level === 0 && !isStoredLeafTile(index, integrated)) {
      hashes = joinHashes(await store.getLeafHashes(tenant.id, index * TILE_WIDTH + 1, index * TILE_WIDTH + width));
    } else {
      const [tile] = await store.getTreeTiles(tenant.id, [{ level, index }]);
      if (!tile) throw new TrailkeepError('TK_ERR_TILE_NOT_FOUND', 'the log has no such tile yet');
      hashes = tile.hashes;
    }
    if (hashes.length < width * HASH_SIZE)
      throw new TrailkeepError('TK_ERR_TILE_NOT_FOUND', 'the log has no such tile yet');
    return hashes.subarray(0, width * HASH_SIZE);
  }

  /** A C2SP entry bundle: entries [256·index + 1, 256·index + width] of the integrated tree. */
  async function entryBundle(tenant: Tenant, index: number, width: number): Promise<Uint8Array> {
    const first = index * TILE_WIDTH + 1;
    const last = first + width - 1;
    if (last > (await integratedSize(tenant)))
      throw new TrailkeepError('TK_ERR_TILE_NOT_FOUND', 'the log has no such entry bundle yet');
    const entries = await store.getLogEntries(tenant.id, first, last);
    return formatEntryBundle(entries.map((e) => utf8(e.entry)));
  }

  return {
    verifierKey: (tenant: Tenant): string => key.verifierKey(tenant.logOrigin),
    latestCheckpoint,
    inclusionProof,
    consistencyProof,
    hashTile,
    entryBundle,

    /** Waits until a checkpoint covers the sequence, then proves the event's inclusion in it. */
    async inclusionWhenIntegrated(tenant: Tenant, sequence: number, timeoutMs: number): Promise<InclusionProof> {
      const checkpoint = await deps.integrator.waitForCheckpoint(tenant.id, sequence, timeoutMs);
      const event = await findEvent(tenant, { sequence });
      return prove(tenant, event, checkpoint.size, await integratedSize(tenant), checkpoint);
    },
  };
}
