/**
 * The Merkle tree of a tenant's log as stored (DESIGN §3): its integrated size and compact range,
 * C2SP tlog-tiles of height 8, and signed checkpoints. Types only; integration is
 * domain/tree-integration.ts, reads are domain/tree-reader.ts.
 */
import type { NoteSigner } from '@trailkeep/tlog';

/** A tile: tlog-tiles level (tree level 8·level) and index among that level's tiles. */
export interface TileId {
  level: number;
  index: number;
}

/** A stored tile: its 1..256 hashes concatenated (32 bytes each), left to right. */
export interface TreeTile extends TileId {
  hashes: Uint8Array;
  /**
   * A full tile's levels 1–8 (128 + 64 + … + 1 hashes, concatenated): the subtree hashes a proof
   * reads from the tile, stored so that serving a proof hashes nothing. Absent on partial tiles,
   * and on full ones stored before schema version 4 (readers then hash them: domain/tree-tiles.ts).
   */
  subtreeHashes?: Uint8Array;
}

/** How much of a tenant's log is integrated into its tree. */
export interface TreeState {
  /** Leaves integrated: sequences 1..size. */
  size: number;
  /** RFC 9162 compact range of [0, size): perfect-subtree roots, largest first. */
  peaks: Uint8Array[];
}

/** A signed checkpoint as stored. */
export interface SignedCheckpoint {
  tenantId: string;
  size: number;
  rootHash: Uint8Array;
  /** The C2SP signed note, verbatim. */
  note: string;
  signedAt: string;
  /**
   * Kept for good: the first checkpoint signed in its UTC hour. The newest checkpoint is always
   * kept too; others are pruned when a newer one is signed, so storage grows by ~24 rows a day.
   */
  milestone: boolean;
}

/** What a driver reads for one tenant, under the tenant's tree lock, before planning. */
export interface TreeIntegrationInput {
  tenantId: string;
  origin: string;
  state: TreeState;
  /** Size of the log head (sequenced events). */
  logSize: number;
  /** First sequence of `leafHashes`: the start of the level-0 tile holding sequence state.size + 1. */
  leavesFrom: number;
  /** Leaf hashes of sequences leavesFrom, leavesFrom + 1, … (at most to state.size + maxLeaves). */
  leafHashes: Uint8Array[];
  /** The stored tiles `edgeTiles(state.size)` named (a missing one is left out). */
  edgeTiles: TreeTile[];
  latestCheckpoint: SignedCheckpoint | undefined;
}

/** What happened to one tenant's tree in an integration round. */
export interface TreeIntegrationOutcome {
  tenantId: string;
  /** Integrated size after the round. */
  size: number;
  /** Leaves integrated in this round. */
  integrated: number;
  /** Sequenced leaves still waiting (the round's leaf limit was reached). */
  pendingLeaves: number;
  /** The checkpoint signed in this round. */
  checkpoint?: SignedCheckpoint;
  /** Newest checkpoint size after the round. */
  checkpointSize: number;
  /** When the tree outgrew its newest checkpoint but one was signed less than a second ago: when to sign (epoch ms). */
  checkpointDueAt?: number;
}

/** What a driver writes for one tenant, in the same transaction. */
export interface TreeIntegrationPlan {
  /** The new state, when leaves were integrated. */
  state?: TreeState;
  /** Tiles to insert or replace whole. */
  tiles: TreeTile[];
  checkpoint?: SignedCheckpoint;
  /** Size of a stored checkpoint to delete (the previous newest, when it was no milestone). */
  pruneCheckpointSize?: number;
  outcome: TreeIntegrationOutcome;
}

/** The integration logic a driver runs inside its transaction (see TreeStore.integrateTrees). */
export interface TreeIntegrationStep {
  /** Most leaves to integrate per tenant per round, bounding the transaction. */
  readonly maxLeaves: number;
  /** The stored tiles the plan needs for a tree of this size (its partial right-edge tiles). */
  edgeTiles(size: number): TileId[];
  /** Pure: the writes for one tenant. Throws if the stored tree is inconsistent. */
  plan(input: TreeIntegrationInput): TreeIntegrationPlan;
}

/** One tenant's result of TreeStore.integrateTrees. */
export type TreeIntegrationResult = TreeIntegrationOutcome | { tenantId: string; error: unknown };

/** The installation's checkpoint key: one Ed25519 key; each log signs under its own origin as key name. */
export interface CheckpointKey {
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** A note signer named `origin` (C2SP signed-note: the key name is the checkpoint origin). */
  signer(origin: string): NoteSigner;
  /** The vkey of one log: `<origin>+<key id>+<base64(0x01 ‖ public key)>`. */
  verifierKey(origin: string): string;
}

/** Waits for a tenant's log to be covered by a checkpoint (the integrator provides it). */
export interface CheckpointWaiter {
  /** A checkpoint of at least `size`, once one is signed; TK_ERR_UNAVAILABLE after timeoutMs. */
  waitForCheckpoint(tenantId: string, size: number, timeoutMs: number): Promise<SignedCheckpoint>;
  /** Calls `listener` with a tenant's id each time this process wrote its tree (state, tiles, checkpoint). */
  onIntegrated(listener: (tenantId: string) => void): void;
}
