/** C2SP tlog-tiles paths, hash tiles and entry bundles. */
import { describe, expect, it } from 'vitest';
import { TileError, formatEntryBundle, parseEntryBundle, parseHashTile, tilePath, utf8 } from '../src/index.js';

describe('tile paths', () => {
  it.each([
    [0, 0, 256, 'tile/0/000'],
    [0, 0, 5, 'tile/0/000.p/5'],
    [1, 999, 256, 'tile/1/999'],
    [2, 1000, 256, 'tile/2/x001/000'],
    [0, 1234067, 256, 'tile/0/x001/x234/067'], // the example of the specification
    ['entries', 0, 15, 'tile/entries/000.p/15'],
    ['entries', 1234067, 255, 'tile/entries/x001/x234/067.p/255'],
  ] as const)('level %s index %i width %i is %s', (level, index, width, path) => {
    expect(tilePath(level, index, width)).toBe(path);
  });

  it('rejects levels, indices and widths outside the specification', () => {
    expect(() => tilePath(64, 0)).toThrow(RangeError);
    expect(() => tilePath(-1, 0)).toThrow(RangeError);
    expect(() => tilePath(0, -1)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 0)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 257)).toThrow(RangeError);
  });
});

describe('entry bundles', () => {
  it('round trips, including empty and maximum-size entries', () => {
    const entries = [utf8('one'), new Uint8Array(0), new Uint8Array(0xffff).fill(1)];
    const bundle = formatEntryBundle(entries);
    expect(Array.from(bundle.slice(0, 5))).toEqual([0, 3, 0x6f, 0x6e, 0x65]);
    expect(parseEntryBundle(bundle)).toEqual(entries);
  });

  it('rejects truncation, trailing bytes, too many entries and oversized entries', () => {
    const bundle = formatEntryBundle([utf8('one'), utf8('two')]);
    expect(() => parseEntryBundle(bundle.slice(0, -1))).toThrow(TileError);
    expect(() => parseEntryBundle(new Uint8Array([...bundle, 0]))).toThrow(TileError);
    expect(() => parseEntryBundle(new Uint8Array(0))).toThrow(TileError);
    expect(() => formatEntryBundle(Array(257).fill(utf8('x')))).toThrow(TileError);
    expect(() => formatEntryBundle([new Uint8Array(0x10000)])).toThrow(TileError);
    const tooMany = new Uint8Array(257 * 2); // 257 empty entries
    expect(() => parseEntryBundle(tooMany)).toThrow(TileError);
  });
});

describe('hash tiles', () => {
  it('splits into 32-byte hashes and rejects other lengths', () => {
    const data = new Uint8Array(64).map((_, i) => i);
    expect(parseHashTile(data).map((h) => h[0])).toEqual([0, 32]);
    expect(() => parseHashTile(data.slice(1))).toThrow(TileError);
    expect(() => parseHashTile(new Uint8Array(0))).toThrow(TileError);
    expect(() => parseHashTile(new Uint8Array(257 * 32))).toThrow(TileError);
    expect(parseHashTile(new Uint8Array(256 * 32))).toHaveLength(256);
  });
});
