import canonicalize from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme. Throws on values JSON cannot represent
 * (undefined at the top level, non-finite numbers, lone surrogates), so nothing unhashable is
 * ever sealed.
 *
 * JCS is JSON.stringify with members sorted by UTF-16 code units (§3.2.3): numbers and strings
 * are serialized exactly as ECMAScript does (§3.2.2.2, §3.2.2.3). So for plain JSON data we put
 * every object's members in that order and let the native JSON.stringify write it, two to three
 * times faster than `canonicalize` on event bodies (the ingest path canonicalizes twice per
 * event). Anything the fast path cannot prove it writes identically — objects that are not plain,
 * integer-like member names that JavaScript would reorder — goes to `canonicalize`, which is also
 * the reference the tests compare against.
 */
export function canonicalJson(value: unknown): string {
  const prepared = hasIsWellFormed ? inCanonicalOrder(value) : GENERAL;
  const out = prepared === GENERAL ? canonicalize(value) : JSON.stringify(prepared);
  if (out === undefined) throw new TypeError('value has no JSON representation');
  return out;
}

/** Marks a value the fast path hands to the general canonicalizer. */
const GENERAL = Symbol('general');

// String.prototype.isWellFormed (ES2024) finds lone surrogates natively; older browsers lack it.
const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * The value itself when JSON.stringify already writes it canonically, a copy with members in
 * canonical order, or GENERAL. Checks what JSON.stringify would silently accept but JCS refuses.
 */
function inCanonicalOrder(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new TypeError('lone surrogates are not allowed in JCS');
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not allowed in JCS`);
      return value;
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      if (value === null) return value;
      return Array.isArray(value) ? arrayInOrder(value) : objectInOrder(value);
    default:
      return GENERAL;
  }
}

function arrayInOrder(array: readonly unknown[]): unknown {
  let copy: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const prepared = inCanonicalOrder(item);
    if (prepared === GENERAL) return GENERAL;
    if (prepared !== item) (copy ??= array.slice())[i] = prepared;
  }
  return copy ?? array;
}

function objectInOrder(object: object): unknown {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return GENERAL;
  const record = object as Record<string, unknown>;
  if (typeof record.toJSON === 'function') return GENERAL;
  const keys = Object.keys(record);
  const sorted = isSorted(keys);
  if (!sorted) keys.sort();
  let copy: Record<string, unknown> | undefined = sorted ? undefined : {};
  for (const key of keys) {
    if (!key.isWellFormed()) throw new TypeError('lone surrogates are not allowed in JCS');
    const member = record[key];
    const prepared = inCanonicalOrder(member);
    if (prepared === GENERAL) return GENERAL;
    if (copy === undefined && prepared !== member) {
      copy = {};
      for (const earlier of keys) {
        if (earlier === key) break;
        copy[earlier] = record[earlier];
      }
    }
    if (copy !== undefined) copy[key] = prepared;
  }
  // Integer-like names ("1", "10") are always enumerated first, in numeric order: when they
  // break the sorted order, no object can hold it and the general path writes the members.
  if (copy !== undefined && !sorted && !isSorted(Object.keys(copy))) return GENERAL;
  return copy ?? record;
}
