import { sha256 } from './hash.js';

/** Root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Leaf hash: SHA-256(0x00 || entry) (RFC 9162 §2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(entry.length + 1);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return sha256(buf);
}

/**
 * One input buffer for every node hash: V8 allocates typed arrays over 64 bytes off-heap, which
 * costs more than the hash of the 65 bytes itself. Safe to share: hashing is synchronous, and no
 * SHA-256 implementation keeps its input.
 */
const nodeInput = new Uint8Array(65);

/** Interior node hash: SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = left.length === 32 && right.length === 32 ? nodeInput : new Uint8Array(1 + left.length + right.length);
  buf[0] = 0x01;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}
