/**
 * The data formats of C2SP tlog-tiles (https://c2sp.org/tlog-tiles): tile paths, hash tiles
 * (concatenated 32-byte hashes, 256 per full tile) and entry bundles (entries each prefixed by
 * a big-endian uint16 length). Only encoding is here; fetching is up to the caller.
 */
import { HASH_SIZE, checkTreeSize } from './merkle.js';

/** Hashes in a full tile, and entries in a full entry bundle. */
export const TILE_WIDTH = 256;

/** Largest entry an entry bundle can carry (uint16 length prefix). */
export const MAX_BUNDLE_ENTRY_SIZE = 0xffff;

/** Thrown when a tile or entry bundle is malformed. */
export class TileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TileError';
  }
}

/** Tile index as zero-padded 3-digit path elements, all but the last prefixed with x. */
function tileIndexPath(index: number): string {
  let path = String(index % 1000).padStart(3, '0');
  for (let n = Math.floor(index / 1000); n > 0; n = Math.floor(n / 1000)) {
    path = `x${String(n % 1000).padStart(3, '0')}/${path}`;
  }
  return path;
}

/**
 * Path of a tile (`level` 0–63) or of an entry bundle (`level` 'entries') below the log prefix,
 * e.g. tile/0/x001/x234/067 or tile/entries/000.p/5. A width below 256 names a partial tile.
 */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  if (level !== 'entries' && (!Number.isInteger(level) || level < 0 || level > 63)) {
    throw new RangeError('tile level must be 0..63');
  }
  checkTreeSize(index, 'tile index');
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError('tile width must be 1..256');
  }
  const partial = width === TILE_WIDTH ? '' : `.p/${width}`;
  return `tile/${level}/${tileIndexPath(index)}${partial}`;
}

/** Splits a hash tile into its 1..256 hashes. */
export function parseHashTile(data: Uint8Array): Uint8Array[] {
  const count = data.length / HASH_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > TILE_WIDTH) {
    throw new TileError(`a hash tile holds 1 to ${TILE_WIDTH} hashes of ${HASH_SIZE} bytes`);
  }
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) hashes.push(data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return hashes;
}

/** Splits an entry bundle into its 1..256 entries; throws on truncation or trailing bytes. */
export function parseEntryBundle(data: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 2 > data.length) throw new TileError('entry bundle ends inside a length prefix');
    const length = ((data[pos] as number) << 8) | (data[pos + 1] as number);
    pos += 2;
    if (pos + length > data.length) throw new TileError('entry bundle ends inside an entry');
    entries.push(data.slice(pos, pos + length));
    pos += length;
  }
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new TileError(`an entry bundle holds 1 to ${TILE_WIDTH} entries`);
  }
  return entries;
}

/** Encodes 1..256 entries as an entry bundle. */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw new TileError(`an entry bundle holds 1 to ${TILE_WIDTH} entries`);
  }
  const total = entries.reduce((sum, e) => sum + 2 + e.length, 0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (const entry of entries) {
    if (entry.length > MAX_BUNDLE_ENTRY_SIZE) throw new TileError('entry too large for a bundle');
    out[pos] = entry.length >> 8;
    out[pos + 1] = entry.length & 0xff;
    out.set(entry, pos + 2);
    pos += 2 + entry.length;
  }
  return out;
}
