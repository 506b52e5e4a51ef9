/**
 * Where complete-subtree hashes live (C2SP tlog-tiles, height 8). Tile (L, N) holds the hashes of
 * tree level 8·L, indices [256·N, 256·N + 256). Levels ≥ 1 are stored as they grow (a partial
 * tile is rewritten as hashes join it, at most once per 256 leaves below it); level 0 (leaf
 * hashes) is stored once full, and its partial right-edge tile is read from the events table,
 * which holds every leaf hash anyway. A node at tree level l = 8·L + r is the perfect subtree over
 * 2^r consecutive hashes of one level-L tile, so any proof node costs one tile read; a full tile
 * also stores those subtree hashes (its pyramid), so only partial tiles are hashed when read (at
 * most 127 hashes per node). A proof reads O(log n / 8) tiles.
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
 * 2^r hashes are all in the tile (levels 1–8 of a full tile: 255 node hashes), each level as
 * concatenated hashes, so any proof node inside the tile is one lookup.
 */
export class TilePyramid {
  private constructor(private readonly levels: readonly Uint8Array[]) {}

  /** Hashes the levels above `hashes` (concatenated): 2^r − 1 hashes per node of level r. */
  static compute(hashes: Uint8Array): TilePyramid {
    const levels = [hashes];
    for (let below = hashes; below.length >= 2 * HASH_SIZE;) {
      const up = new Uint8Array(Math.floor(below.length / (2 * HASH_SIZE)) * HASH_SIZE);
      for (let i = 0; i < up.length; i += HASH_SIZE) {
        up.set(
          nodeHash(below.subarray(2 * i, 2 * i + HASH_SIZE), below.subarray(2 * i + HASH_SIZE, 2 * i + 2 * HASH_SIZE)),
          i,
        );
      }
      levels.push(up);
      below = up;
    }
    return new TilePyramid(levels);
  }

  /** A full tile's pyramid from its stored subtree hashes (levels 1–8, as subtreeHashes() wrote them): no hashing. */
  static fromStored(hashes: Uint8Array, subtreeHashes: Uint8Array): TilePyramid {
    const levels = [hashes];
    for (let offset = 0, count = TILE_WIDTH / 2; count >= 1; offset += count * HASH_SIZE, count /= 2) {
      levels.push(subtreeHashes.subarray(offset, offset + count * HASH_SIZE));
    }
    return new TilePyramid(levels);
  }

  /** Hash of the r-level node at index k within the tile, if the tile holds all of it. */
  node(r: number, k: number): Uint8Array | undefined {
    const level = this.levels[r];
    if (level === undefined || (k + 1) * HASH_SIZE > level.length) return undefined;
    return level.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE);
  }

  /** Levels 1–8 concatenated: what a full tile stores beside its hashes. */
  subtreeHashes(): Uint8Array {
    return Buffer.concat(this.levels.slice(1));
  }
}

/** The pyramid of a loaded tile: from its stored subtree hashes when it has them (full tiles). */
export function pyramidOf(hashes: Uint8Array, subtreeHashes: Uint8Array | undefined): TilePyramid {
  return subtreeHashes === undefined || hashes.length !== TILE_WIDTH * HASH_SIZE
    ? TilePyramid.compute(hashes)
    : TilePyramid.fromStored(hashes, subtreeHashes);
}

/** A NodeReader over loaded tile pyramids (keyed by tileKey), for tlog's readProof. */
export function pyramidNodeReader(tiles: ReadonlyMap<string, TilePyramid>): NodeReader {
  return (level, index) => {
    const { tile, offset, count } = tileOfNode({ level, index });
    const hash = tiles.get(tileKey(tile))?.node(Math.log2(count), offset / count);
    if (hash === undefined) throw new Error(`node (${level}, ${index}) is not in the loaded tiles`);
    return hash;
  };
}

/** A tile as stored, from its hashes; a full one carries its subtree hashes, so proofs hash nothing. */
export function toTile(id: TileId, hashes: readonly Uint8Array[]): TreeTile {
  const joined = joinHashes(hashes);
  const tile: TreeTile = { level: id.level, index: id.index, hashes: joined };
  if (hashes.length === TILE_WIDTH) tile.subtreeHashes = TilePyramid.compute(joined).subtreeHashes();
  return tile;
}
