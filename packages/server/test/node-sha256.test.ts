/** The node:crypto SHA-256 the server plugs into tlog must agree with tlog's pure JS one everywhere. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import { entryLeafHash, entryLeafHashHex, nodeHash, sha256, sha256Hex, toHex, utf8 } from '@trailkeep/tlog';
import { describe, expect, it } from 'vitest';
import { useNodeSha256 } from '../src/node-sha256.js';

const TEXTS = ['', 'abc', '\u0000{"v":1}', 'ö€😀 and a longer text '.repeat(50), 'x'.repeat(100_000)];

describe('useNodeSha256', () => {
  it('hashes bytes, text and text-to-hex exactly as the pure JS implementation', () => {
    useNodeSha256();
    for (const text of TEXTS) {
      const expected = toHex(nobleSha256(utf8(text)));
      expect(sha256Hex(text)).toBe(expected);
      expect(toHex(sha256(text))).toBe(expected);
      expect(sha256Hex(utf8(text))).toBe(expected);
      expect(entryLeafHashHex(text)).toBe(toHex(nobleSha256(utf8(`\u0000${text}`))));
      expect(toHex(entryLeafHash(text))).toBe(entryLeafHashHex(text));
    }
    // FIPS 180-2 "abc"
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes Merkle nodes as the pure JS implementation, every digest byte value included', () => {
    useNodeSha256();
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const [left, right] = [randomBytes(32), randomBytes(i % 50 === 0 ? 7 : 32)];
      const node = nodeHash(left, right);
      expect(node).toBeInstanceOf(Uint8Array);
      expect(toHex(node)).toBe(toHex(nobleSha256(Buffer.concat([Buffer.from([1]), left, right]))));
      node.forEach((b) => seen.add(b));
    }
    expect(seen.size).toBe(256);
  });
});
