/** API key material: random, shown once, stored only as a SHA-256 hash (DESIGN §6). */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every key starts with this; `live` names the environment, as Stripe-style keys do. */
export const API_KEY_PREFIX = 'tk_live_';
const KEY_SHAPE = /^tk_[a-z]+_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, base64url: `tk_live_<43 chars>`. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Cheap shape check before any lookup, so garbage never reaches storage. */
export function looksLikeApiKey(key: string): boolean {
  return KEY_SHAPE.test(key);
}

export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 4);
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
