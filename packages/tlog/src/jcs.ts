import canonicalize from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme. Throws on values JSON cannot represent
 * (undefined at the top level, non-finite numbers), so nothing unhashable is ever sealed.
 */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('value has no JSON representation');
  return out;
}
