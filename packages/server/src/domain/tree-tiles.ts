/**
 * Where complete-subtree hashes live (C2SP tlog-tiles, height 8). Tile (L, N) holds the hashes of
 * tree level 8·L, indices [256·N, 256·N + 256). Levels ≥ 1 are stored as they grow (a partial
 * tile is rewritten as hashes join it, at most once per 256 leaves below it); level 0 (leaf
 * hashes) is stored once full, and its partial right-edge tile is read from the events table,
 * which holds every leaf hash anyway. A node at tree level l = 8·L + r is the perfect subtree over
 * 2^r consecutive hashes of one level-L tile, so any proof node costs one tile read and at most
 * 127 hashes; a proof reads O(log n / 8) tiles.
 */
import { HASH_SIZE, nodeHash, type NodeReader } from '@trailkeep/tlog';
import type { TileId, TreeTile } from './tree.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** Hashes at tree level 8·level in a tree of `size` leaves. */
export function hashesAtTileLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The partial tiles at levels ≥ 1 on the right edge of a tree: what integration extends next. */
export function edgeTileIds(size: number): TileId[] {
  const ids: TileId[] = [];
  for (let level = 1; hashesAtTileLevel(size, level) > 0; level++) {
    const count = hashesAtTileLevel(size, level);
    if (count % TILE_WIDTH !== 0) ids.push({ level, index: Math.floor(count / TILE_WIDTH) });
  }
  return ids;
}

/** The tile holding node (level, index), and where in it the node's hashes start and how many. */
export function tileOfNode(node: { level: number; index: number }): { tile: TileId; offset: number; count: number } {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level % TILE_HEIGHT);
  const first = node.index * count;
  return { tile: { level, index: Math.floor(first / TILE_WIDTH) }, offset: first % TILE_WIDTH, count };
}

/** True when a level-0 tile is stored: only full ones are, once integrated. */
export function isStoredLeafTile(index: number, integratedSize: number): boolean {
  return (index + 1) * TILE_WIDTH <= integratedSize;
}

export function tileKey(tile: TileId): string {
  return `${tile.level}/${tile.index}`;
}

/** Splits concatenated hashes. */
export function splitHashes(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + HASH_SIZE <= data.length; i += HASH_SIZE) out.push(data.subarray(i, i + HASH_SIZE));
  return out;
}

/** Concatenates hashes into one tile body. */
export function joinHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

/**
 * Every complete subtree hash of a tile: level r holds the nodes of tree level 8·L + r whose
 * 2^r hashes are all in the tile (255 node hashes for a full tile), so any proof node inside
 * the tile is one lookup.
 */
export type TilePyramid = Uint8Array[][];

export function tilePyramid(hashes: readonly Uint8Array[]): TilePyramid {
  const levels: Uint8Array[][] = [hashes.slice()];
  for (let below = levels[0]!; below.length >= 2;) {
    const up: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) up.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(up);
    below = up;
  }
  return levels;
}

/** A NodeReader over loaded tile pyramids (keyed by tileKey), for tlog's readProof. */
export function pyramidNodeReader(tiles: ReadonlyMap<string, TilePyramid>): NodeReader {
  return (level, index) => {
    const { tile, offset, count } = tileOfNode({ level, index });
    const hash = tiles.get(tileKey(tile))?.[Math.log2(count)]?.[offset / count];
    if (hash === undefined) throw new Error(`node (${level}, ${index}) is not in the loaded tiles`);
    return hash;
  };
}

/** A tile as stored, from its hashes. */
export function toTile(id: TileId, hashes: readonly Uint8Array[]): TreeTile {
  return { level: id.level, index: id.index, hashes: joinHashes(hashes) };
}
