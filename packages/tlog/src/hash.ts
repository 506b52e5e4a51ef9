import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from './hex.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A SHA-256 implementation over bytes. */
export type Sha256Function = (data: Uint8Array) => Uint8Array;

/** A SHA-256 implementation over the UTF-8 of a string. */
export type Sha256TextFunction = (text: string) => Uint8Array;

/** Native SHA-256 a server plugs in (see setSha256Implementation). */
export interface Sha256Implementation {
  bytes: Sha256Function;
  /** Hashes the UTF-8 of a string without encoding it first. */
  text?: Sha256TextFunction;
  /** The same, answering hex: most hashes of a log (commitments, digests, leaf hashes) are stored as hex. */
  textHex?: (text: string) => string;
}

// Pure JS by default so this package runs unchanged in browsers; servers may plug in a native one.
let sha256Impl: Sha256Function = nobleSha256;
let sha256TextImpl: Sha256TextFunction = (text) => sha256Impl(utf8(text));
let sha256TextHexImpl = (text: string): string => toHex(sha256TextImpl(text));

/**
 * Replaces the SHA-256 implementation, e.g. with node:crypto on a server (about 2× faster on
 * bodies of a few hundred bytes; per-call overhead makes it no faster on 33-byte node hashes).
 * `text`, if given, hashes the UTF-8 of a string without encoding it first (node:crypto's
 * `hash('sha256', text)` does), which saves a copy per hashed entry, body and commitment;
 * `textHex` also skips the Buffer of the digest (node:crypto's hex output costs less than half
 * of its Buffer output on short strings). All must compute standard SHA-256; the published test
 * vectors check it.
 */
export function setSha256Implementation(implementation: Sha256Implementation): void {
  const { bytes, text, textHex } = implementation;
  sha256Impl = bytes;
  sha256TextImpl = text ?? ((t) => bytes(utf8(t)));
  sha256TextHexImpl = textHex ?? ((t) => toHex(sha256TextImpl(t)));
}

/** SHA-256 of bytes (or of the UTF-8 of a string). */
export function sha256(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? sha256TextImpl(data) : sha256Impl(data);
}

/** Hex SHA-256 of bytes or of the UTF-8 of a string. */
export function sha256Hex(data: Uint8Array | string): string {
  return typeof data === 'string' ? sha256TextHexImpl(data) : toHex(sha256Impl(data));
}
