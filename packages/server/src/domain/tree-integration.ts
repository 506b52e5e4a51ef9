/**
 * Tree integration (DESIGN §3, §4): merging a tenant's newly sequenced leaves into its Merkle tree
 * and signing checkpoints, as one pure function over what a driver read under the tenant's tree
 * lock (as Tessera integrates: drivers only read and write bytes). Because the lock is held from
 * reading the state to writing the plan, two processes never integrate or sign one tenant at once;
 * because every root comes from the integrated compact range and checkpoints are signed only for
 * sizes above the newest one, no two checkpoints are ever inconsistent.
 */
import { CompactRange, signCheckpoint } from '@trailkeep/tlog';
import { TILE_HEIGHT, TILE_WIDTH, edgeTileIds, splitHashes, tileKey, toTile } from './tree-tiles.js';
import type {
  CheckpointKey,
  SignedCheckpoint,
  TileId,
  TreeIntegrationInput,
  TreeIntegrationPlan,
  TreeIntegrationStep,
  TreeTile,
} from './tree.js';

export interface TreeIntegrationOptions {
  key: CheckpointKey;
  /** Most leaves integrated per tenant per round. */
  maxLeaves: number;
  /** Least time between two checkpoints of one tenant (C2SP logs sign about once a second). */
  checkpointIntervalMs: number;
  now?: () => Date;
}

/** The step drivers run in TreeStore.integrateTrees. */
export function createTreeIntegrationStep(options: TreeIntegrationOptions): TreeIntegrationStep {
  return {
    maxLeaves: options.maxLeaves,
    edgeTiles: edgeTileIds,
    plan: (input) => planTreeIntegration(input, options),
  };
}

/** Grows the right-edge tiles of levels ≥ 1 as the compact range reports new complete subtrees. */
class EdgeTiles {
  readonly #tiles = new Map<string, { id: TileId; hashes: Uint8Array[]; touched: boolean }>();

  constructor(stored: readonly TreeTile[]) {
    for (const t of stored) this.#tiles.set(tileKey(t), { id: t, hashes: splitHashes(t.hashes), touched: false });
  }

  /** Adds the hash of node (8·level, index): it must be the next one of its tile. */
  add(level: number, index: number, hash: Uint8Array): void {
    const id = { level, index: Math.floor(index / TILE_WIDTH) };
    const position = index % TILE_WIDTH;
    let tile = this.#tiles.get(tileKey(id));
    if (tile === undefined) {
      if (position !== 0) throw new Error(`stored tile ${tileKey(id)} is missing`);
      tile = { id, hashes: [], touched: false };
      this.#tiles.set(tileKey(id), tile);
    }
    if (tile.hashes.length !== position) {
      throw new Error(`stored tile ${tileKey(id)} has ${tile.hashes.length} hashes, expected ${position}`);
    }
    tile.hashes.push(hash);
    tile.touched = true;
  }

  touched(): TreeTile[] {
    return [...this.#tiles.values()].filter((t) => t.touched).map((t) => toTile(t.id, t.hashes));
  }
}

function checkInput(input: TreeIntegrationInput): void {
  const { state, leavesFrom, leafHashes, logSize } = input;
  const end = leavesFrom - 1 + leafHashes.length;
  if (leavesFrom < 1 || leavesFrom > state.size + 1 || (end > state.size && (leavesFrom - 1) % TILE_WIDTH !== 0)) {
    throw new Error(`leaf hashes from sequence ${leavesFrom} do not start the tile holding ${state.size + 1}`);
  }
  // The head may be read from an older snapshot than the locked state (PostgreSQL READ COMMITTED
  // re-reads only the locked row after waiting for it): a head behind the tree is stale, not wrong.
  if (end > Math.max(logSize, state.size)) {
    throw new Error(`leaf hashes reach sequence ${end} beyond the log head ${logSize}`);
  }
  const latest = input.latestCheckpoint;
  if (latest !== undefined && latest.size > state.size) {
    // A checkpoint ahead of the tree means the stored tree was rolled back: never sign over it.
    throw new Error(`the newest checkpoint (size ${latest.size}) is ahead of the integrated tree (${state.size})`);
  }
}

/** Full level-0 tiles completed by the new leaves, from the leaf hashes the driver read. */
function fullLeafTiles(input: TreeIntegrationInput, newSize: number): TreeTile[] {
  const tiles: TreeTile[] = [];
  const first = Math.floor(input.state.size / TILE_WIDTH);
  for (let index = first; (index + 1) * TILE_WIDTH <= newSize; index++) {
    const start = index * TILE_WIDTH + 1 - input.leavesFrom;
    tiles.push(toTile({ level: 0, index }, input.leafHashes.slice(start, start + TILE_WIDTH)));
  }
  return tiles;
}

const hourOf = (iso: string): string => iso.slice(0, 13);

/** Signs a checkpoint for the tree when it outgrew the newest one and the interval has passed. */
function planCheckpoint(
  input: TreeIntegrationInput,
  range: CompactRange,
  options: TreeIntegrationOptions,
): Pick<TreeIntegrationPlan, 'checkpoint' | 'pruneCheckpointSize'> & { dueAt?: number } {
  const latest = input.latestCheckpoint;
  if (range.size <= (latest?.size ?? 0)) return {};
  const now = (options.now ?? (() => new Date()))();
  const dueAt = latest === undefined ? 0 : Date.parse(latest.signedAt) + options.checkpointIntervalMs;
  // A signing time far in the future means a clock stepped back; waiting for it would stall the log.
  const clockStepped = dueAt - now.getTime() > options.checkpointIntervalMs;
  if (now.getTime() < dueAt && !clockStepped) return { dueAt };
  const signedAt = now.toISOString();
  const rootHash = range.root();
  const note = signCheckpoint({ origin: input.origin, size: range.size, rootHash, extensions: [] }, [
    options.key.signer(input.origin),
  ]);
  const checkpoint: SignedCheckpoint = {
    tenantId: input.tenantId,
    size: range.size,
    rootHash,
    note,
    signedAt,
    milestone: latest === undefined || hourOf(latest.signedAt) !== hourOf(signedAt),
  };
  return latest !== undefined && !latest.milestone ? { checkpoint, pruneCheckpointSize: latest.size } : { checkpoint };
}

/** The pure integration of one tenant: new tiles, new state, maybe a checkpoint. */
export function planTreeIntegration(input: TreeIntegrationInput, options: TreeIntegrationOptions): TreeIntegrationPlan {
  checkInput(input);
  const { state } = input;
  const range = CompactRange.fromPeaks(state.size, state.peaks);
  const edges = new EdgeTiles(input.edgeTiles);
  const visit = (level: number, index: number, hash: Uint8Array): void => {
    if (level > 0 && level % TILE_HEIGHT === 0) edges.add(level / TILE_HEIGHT, index, hash);
  };
  const fresh = input.leafHashes.slice(state.size + 1 - input.leavesFrom);
  for (const leaf of fresh) range.append(leaf, visit);
  const { checkpoint, pruneCheckpointSize, dueAt } = planCheckpoint(input, range, options);
  const plan: TreeIntegrationPlan = {
    tiles: fresh.length > 0 ? [...fullLeafTiles(input, range.size), ...edges.touched()] : [],
    outcome: {
      tenantId: input.tenantId,
      size: range.size,
      integrated: fresh.length,
      pendingLeaves: Math.max(0, input.logSize - range.size),
      checkpointSize: checkpoint?.size ?? input.latestCheckpoint?.size ?? 0,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(dueAt === undefined ? {} : { checkpointDueAt: dueAt }),
    },
  };
  if (fresh.length > 0) plan.state = { size: range.size, peaks: range.peaks() };
  if (checkpoint !== undefined) plan.checkpoint = checkpoint;
  if (pruneCheckpointSize !== undefined) plan.pruneCheckpointSize = pruneCheckpointSize;
  return plan;
}
