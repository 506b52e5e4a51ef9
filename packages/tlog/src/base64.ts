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

export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
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
