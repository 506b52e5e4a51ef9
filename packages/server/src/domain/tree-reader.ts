/**
 * Reads a tenant's stored tree: the hashes of the complete subtrees a proof or a root needs, from
 * O(log n / 8) tile reads (domain/tree-tiles.ts), then tlog's RFC 9162 proof functions. Full tiles
 * carry their subtree hashes, so a proof hashes only inside partial tiles. Tiles are immutable
 * once they hold a given number of hashes, so their pyramids are cached by (tenant, tile, width):
 * the upper tiles and the right edge every proof shares are read once.
 */
import {
  HASH_SIZE,
  consistencyProofNodes,
  foldRight,
  inclusionProofNodes,
  rangeNodes,
  readProof,
  type NodeId,
  type NodeReader,
} from '@trailkeep/tlog';
import type { AuditStore } from '../storage/port.js';
import {
  TILE_WIDTH,
  hashesAtTileLevel,
  isStoredLeafTile,
  joinHashes,
  pyramidNodeReader,
  pyramidOf,
  tileKey,
  tileOfNode,
  type TilePyramid,
} from './tree-tiles.js';
import type { TileId } from './tree.js';

export type TreeReadStore = Pick<AuditStore, 'getTreeTiles' | 'getLeafHashes'>;

export type TreeReader = ReturnType<typeof createTreeReader>;

/** Tile pyramids kept per reader; a full one is ~16 KiB. */
const DEFAULT_CACHED_TILES = 2048;

export function createTreeReader(store: TreeReadStore, options: { cachedTiles?: number } = {}) {
  const limit = options.cachedTiles ?? DEFAULT_CACHED_TILES;
  const cache = new Map<string, TilePyramid>();

  function remember(key: string, pyramid: TilePyramid): void {
    if (cache.size >= limit) cache.delete(cache.keys().next().value!);
    cache.set(key, pyramid);
  }

  /** The tiles holding `nodes` of the tree of `treeSize` ≤ `integratedSize` leaves, as a NodeReader. */
  async function loadNodes(
    tenantId: string,
    treeSize: number,
    integratedSize: number,
    nodes: readonly NodeId[],
  ): Promise<NodeReader> {
    const needed = new Map<string, TileId & { width: number }>();
    for (const node of nodes) {
      const { tile } = tileOfNode(node);
      const width = Math.min(TILE_WIDTH, hashesAtTileLevel(treeSize, tile.level) - tile.index * TILE_WIDTH);
      needed.set(tileKey(tile), { ...tile, width });
    }
    const loaded = new Map<string, TilePyramid>();
    const missing: Array<TileId & { width: number }> = [];
    for (const [key, t] of needed) {
      const hit = cache.get(`${tenantId}/${key}/${t.width}`);
      if (hit === undefined) missing.push(t);
      else loaded.set(key, hit);
    }
    const stored = missing.filter((t) => t.level > 0 || isStoredLeafTile(t.index, integratedSize));
    const fromStore = new Map((await store.getTreeTiles(tenantId, stored)).map((t) => [tileKey(t), t]));
    for (const t of missing) {
      const first = t.index * TILE_WIDTH + 1;
      const tile = fromStore.get(tileKey(t));
      const hashes = stored.includes(t)
        ? (tile?.hashes ?? new Uint8Array()).subarray(0, t.width * HASH_SIZE)
        : joinHashes(await store.getLeafHashes(tenantId, first, first + t.width - 1));
      if (hashes.length < t.width * HASH_SIZE)
        throw new Error(`tile ${tileKey(t)} of ${tenantId} holds ${hashes.length / HASH_SIZE} of ${t.width} hashes`);
      const pyramid = pyramidOf(hashes, t.width === TILE_WIDTH ? tile?.subtreeHashes : undefined);
      remember(`${tenantId}/${tileKey(t)}/${t.width}`, pyramid);
      loaded.set(tileKey(t), pyramid);
    }
    return pyramidNodeReader(loaded);
  }

  const rootOf = (nodes: readonly NodeId[], reader: NodeReader): Uint8Array =>
    foldRight(nodes.map(({ level, index }) => reader(level, index)));

  return {
    /** Inclusion proof hashes; and the root of the tree of `treeSize` leaves when asked (no signed root at hand). */
    async inclusion(tenantId: string, leafIndex: number, treeSize: number, integratedSize: number, withRoot: boolean) {
      const proof = inclusionProofNodes(leafIndex, treeSize);
      const root = withRoot ? rangeNodes(0, treeSize) : [];
      const reader = await loadNodes(tenantId, treeSize, integratedSize, [...proof.flat(), ...root]);
      return { hashes: readProof(proof, reader), rootHash: withRoot ? rootOf(root, reader) : undefined };
    },

    /** Consistency proof hashes and both roots. */
    async consistency(tenantId: string, oldSize: number, newSize: number, integratedSize: number) {
      const proof = consistencyProofNodes(oldSize, newSize);
      const oldRoot = rangeNodes(0, oldSize);
      const newRoot = rangeNodes(0, newSize);
      const reader = await loadNodes(tenantId, newSize, integratedSize, [...proof.flat(), ...oldRoot, ...newRoot]);
      return { hashes: readProof(proof, reader), oldRoot: rootOf(oldRoot, reader), newRoot: rootOf(newRoot, reader) };
    },

    /** The compact range (perfect-subtree roots, largest first) of leaves [0, size). */
    async compactRange(tenantId: string, size: number, integratedSize: number): Promise<Uint8Array[]> {
      const nodes = rangeNodes(0, size);
      const reader = await loadNodes(tenantId, size, integratedSize, nodes);
      return nodes.map(({ level, index }) => reader(level, index));
    },
  };
}
