/** Base64 (RFC 4648 §4) and base64url without padding (§5), via btoa/atob so it runs in browsers too. */

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Strict standard base64 decode: throws on characters outside the alphabet or bad padding. */
export function fromBase64(text: string): Uint8Array {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new Error('invalid base64');
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Written out rather than through btoa and three replacements: every sealed personal field gets a
 * salt in this form, and the detour cost more than drawing the salt.
 */
export function toBase64Url(bytes: Uint8Array): string {
  const a = URL_ALPHABET;
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += a[n >>> 18]! + a[(n >>> 12) & 63]! + a[(n >>> 6) & 63]! + a[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += a[n >>> 18]! + a[(n >>> 12) & 63]!;
    if (i + 1 < bytes.length) out += a[(n >>> 6) & 63]!;
  }
  return out;
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('invalid base64url');
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  return fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4));
}

/**
 * Strict standard base64 decode that also rejects non-canonical encodings (non-zero unused
 * bits before the padding), so each byte string has exactly one accepted text form and
 * parse-then-format reproduces signed text byte for byte.
 */
export function fromBase64Canonical(text: string): Uint8Array {
  const bytes = fromBase64(text);
  if (toBase64(bytes) !== text) throw new Error('non-canonical base64');
  return bytes;
}
