import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from './hex.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A SHA-256 implementation over bytes. */
export type Sha256Function = (data: Uint8Array) => Uint8Array;

// Pure JS by default so this package runs unchanged in browsers; servers may plug in a native one.
let sha256Impl: Sha256Function = nobleSha256;

/**
 * Replaces the SHA-256 implementation, e.g. with node:crypto on a server (about 2× faster on
 * bodies of a few hundred bytes; per-call overhead makes it no faster on 33-byte node hashes).
 * It must compute standard SHA-256; the published test vectors check it.
 */
export function setSha256Implementation(fn: Sha256Function): void {
  sha256Impl = fn;
}

/** SHA-256 of bytes (or of the UTF-8 of a string). */
export function sha256(data: Uint8Array | string): Uint8Array {
  return sha256Impl(typeof data === 'string' ? utf8(data) : data);
}

/** Hex SHA-256 of bytes or of the UTF-8 of a string. */
export function sha256Hex(data: Uint8Array | string): string {
  return toHex(sha256(data));
}
