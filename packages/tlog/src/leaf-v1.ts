/**
 * Trailkeep leaf format v1 (docs/ARCHITECTURE.md, "Leaf format v1"). Every verifier must agree
 * byte for byte, so each step here is exact: personal fields become salted commitments, the sealed
 * body is hashed as JCS, and the entry binds log origin, index, previous leaf hash, receive time
 * and body digest.
 */
import { toBase64Url } from './base64.js';
import { sha256, sha256Hex } from './hash.js';
import { canonicalJson } from './jcs.js';
import {
  escapePointerToken,
  getAtPointer,
  parsePointer,
  removeAtPointer,
  replaceAtPointer,
  type JsonObject,
} from './json-pointer.js';

/** Fields sealed as commitments by default in v1. Tenants may add more pointers. */
export const DEFAULT_PERSONAL_POINTERS: readonly string[] = [
  '/actor/email',
  '/actor/name',
  '/context/ip',
  '/context/user_agent',
];

/** `prev` of the first leaf of a log: 64 zeros. */
export const ZERO_HASH_HEX = '0'.repeat(64);

/** The clear value of a sealed field and the salt that opens its commitment. */
export interface Disclosure {
  salt: string;
  value: unknown;
}

/** Disclosures by JSON Pointer. */
export type Disclosures = Record<string, Disclosure>;

/** A commitment left in the sealed body in place of a personal value. */
export interface Commitment {
  _sd: string;
}

/** The leaf object L whose JCS is the entry. */
export interface LeafEntryV1 {
  v: 1;
  log: string;
  idx: string;
  prev: string;
  rcv: string;
  body: string;
}

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per salt costs more than the salt.
let saltPool = new Uint8Array(0);
let saltOffset = 0;

/** 128 random bits, base64url without padding. */
export function randomSalt(): string {
  if (saltOffset + 16 > saltPool.length) {
    saltPool = globalThis.crypto.getRandomValues(new Uint8Array(4096));
    saltOffset = 0;
  }
  const salt = saltPool.subarray(saltOffset, saltOffset + 16);
  saltOffset += 16;
  return toBase64Url(salt);
}

/** hex(SHA-256(JCS([salt, pointer, value]))). */
export function commitment(salt: string, pointer: string, value: unknown): string {
  // RFC 8785 §3.2.2.2 serializes strings exactly as JSON.stringify does, so an array of three
  // strings needs no general canonicalizer (verifiers open millions of these).
  if (typeof salt === 'string' && typeof pointer === 'string' && typeof value === 'string') {
    return sha256Hex(`[${JSON.stringify(salt)},${JSON.stringify(pointer)},${JSON.stringify(value)}]`);
  }
  return sha256Hex(canonicalJson([salt, pointer, value]));
}

export function isCommitment(value: unknown): value is Commitment {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { _sd?: unknown })._sd === 'string' &&
    Object.hasOwn(value, '_sd') &&
    Object.keys(value).length === 1
  );
}

/**
 * Replaces each present personal field of a copy of `body` with its commitment.
 * Returns the sealed body, the disclosures (clear values + salts) kept beside it, and each
 * commitment's digest by pointer (the `_sd` it put there).
 */
export function sealBody(
  body: JsonObject,
  pointers: readonly string[],
  newSalt: () => string = randomSalt,
): { sealed: JsonObject; disclosures: Disclosures; commitments: Record<string, string> } {
  const disclosures: Disclosures = {};
  const commitments: Record<string, string> = {};
  let sealed = body;
  for (const pointer of pointers) {
    const value = getAtPointer(body, pointer);
    if (value === undefined) continue;
    const salt = newSalt();
    const digest = commitment(salt, pointer, value);
    sealed = withValueAt(sealed, pointer, { _sd: digest });
    disclosures[pointer] = { salt, value };
    commitments[pointer] = digest;
  }
  return { sealed, disclosures, commitments };
}

/** A copy of `root` with the value at an existing pointer replaced; only the objects on the path are copied. */
function withValueAt(root: JsonObject, pointer: string, value: unknown): JsonObject {
  const copy: JsonObject = { ...root };
  const tokens = parsePointer(pointer);
  let node = copy;
  tokens.forEach((token, i) => {
    if (i === tokens.length - 1) node[token] = value;
    else node = node[token] = { ...(node[token] as JsonObject) };
  });
  return copy;
}

/** hex SHA-256 of JCS(sealed body): the `body` of the entry and the seed `sha256` fingerprint. */
export function bodyDigest(sealed: JsonObject): string {
  return sha256Hex(canonicalJson(sealed));
}

/** The entry string: JCS of the leaf object. Store it exactly as returned; never rebuild it. */
export function buildEntry(fields: {
  log: string;
  sequence: number;
  prev: string;
  receivedAt: string;
  body: string;
}): string {
  return entryJcs({
    v: 1,
    log: fields.log,
    idx: String(fields.sequence),
    prev: fields.prev,
    rcv: fields.receivedAt,
    body: fields.body,
  });
}

/** RFC 9162 leaf hash of an entry string: SHA-256 of 0x00 followed by its UTF-8 (U+0000 encodes as 0x00). */
export function entryLeafHash(entry: string): Uint8Array {
  return sha256(`\u0000${entry}`);
}

/** hex RFC 9162 leaf hash of an entry string. */
export function entryLeafHashHex(entry: string): string {
  return sha256Hex(`\u0000${entry}`);
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The canonical v1 entry whose log and rcv need no escaping: JSON.stringify leaves a string as it
 * is, between quotes, exactly when it has no quote, backslash, control character or lone surrogate.
 */
const PLAIN_ENTRY =
  // eslint-disable-next-line no-control-regex -- control characters are what the classes exclude
  /^\{"body":"([0-9a-f]{64})","idx":"([1-9][0-9]*)","log":"([^"\\\u0000-\u001f\ud800-\udfff]*)","prev":"([0-9a-f]{64})","rcv":"([^"\\\u0000-\u001f\ud800-\udfff]*)","v":1\}$/;

/**
 * parseEntry for the common entry, without parsing and re-serializing it: a match is exactly
 * entryJcs of its captured fields, so parseEntry would accept it and return the same fields.
 * Entries that need escapes (or are not canonical) answer null and take the exact path.
 */
function parsePlainEntry(entry: string): LeafEntryV1 | null {
  const m = PLAIN_ENTRY.exec(entry);
  if (m === null) return null;
  return { body: m[1]!, idx: m[2]!, log: m[3]!, prev: m[4]!, rcv: m[5]!, v: 1 };
}

/** Parses an entry and checks its shape and that it is in canonical form; throws with the reason. */
export function parseEntry(entry: string): LeafEntryV1 {
  return parsePlainEntry(entry) ?? parseEntryExact(entry);
}

/** parseEntry by parsing and re-serializing: the definition the plain-entry shortcut must agree with. */
export function parseEntryExact(entry: string): LeafEntryV1 {
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry);
  } catch {
    throw new Error('entry is not JSON');
  }
  const l = parsed as Partial<LeafEntryV1>;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    l.v !== 1 ||
    typeof l.log !== 'string' ||
    typeof l.idx !== 'string' ||
    !/^[1-9][0-9]*$/.test(l.idx) ||
    typeof l.prev !== 'string' ||
    !HEX64.test(l.prev) ||
    typeof l.rcv !== 'string' ||
    typeof l.body !== 'string' ||
    !HEX64.test(l.body) ||
    Object.keys(parsed).length !== 6
  ) {
    throw new Error('entry does not have the v1 shape');
  }
  if (entryJcs(l as LeafEntryV1) !== entry) throw new Error('entry is not in JCS form');
  return parsed as LeafEntryV1;
}

/**
 * JCS of a leaf object whose shape was checked: members sorted by UTF-16 code units (body, idx,
 * log, prev, rcv, v) and strings serialized as JSON.stringify does (RFC 8785 §3.2.2.2, §3.2.3),
 * without the cost of a general canonicalizer.
 */
function entryJcs(l: LeafEntryV1): string {
  const str = JSON.stringify;
  return `{"body":${str(l.body)},"idx":${str(l.idx)},"log":${str(l.log)},"prev":${str(l.prev)},"rcv":${str(l.rcv)},"v":1}`;
}

/**
 * Opens a sealed body for reading, in place, trusting the stored disclosures (verifiers use
 * revealBody, which checks every commitment). A field whose value was erased is left out of the
 * body; the pointers of those fields are returned.
 */
export function openSealedBody(sealed: JsonObject, disclosures: Disclosures): { body: JsonObject; erased: string[] } {
  const erased: string[] = [];
  for (const pointer of findCommitments(sealed)) {
    const d = disclosures[pointer];
    if (d === undefined) {
      erased.push(pointer);
      removeAtPointer(sealed, pointer);
    } else replaceAtPointer(sealed, pointer, d.value);
  }
  return { body: sealed, erased };
}

/**
 * Opens the commitments of a sealed body with the disclosures that survive.
 * Returns the clear body, the pointers whose disclosure was erased, and those whose
 * disclosure does not match its commitment (tampering).
 */
export function revealBody(
  sealed: JsonObject,
  disclosures: Disclosures,
): { body: JsonObject; erased: string[]; mismatched: string[] } {
  const body = structuredClone(sealed);
  const erased: string[] = [];
  const mismatched: string[] = [];
  for (const pointer of findCommitments(sealed)) {
    const c = getAtPointer(sealed, pointer) as Commitment;
    const d = disclosures[pointer];
    if (d === undefined) erased.push(pointer);
    else if (commitment(d.salt, pointer, d.value) !== c._sd) mismatched.push(pointer);
    else replaceAtPointer(body, pointer, d.value);
  }
  for (const pointer of Object.keys(disclosures)) {
    if (!isCommitment(getAtPointer(sealed, pointer))) mismatched.push(pointer);
  }
  return { body, erased, mismatched };
}

/** JSON Pointers of every commitment in a sealed body (objects only; arrays are never sealed). */
export function findCommitments(node: unknown): string[] {
  const out: string[] = [];
  collectCommitments(node, '', out);
  return out;
}

function collectCommitments(node: unknown, prefix: string, out: string[]): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  if (prefix !== '' && isCommitment(node)) {
    out.push(prefix);
    return;
  }
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null)
      collectCommitments(child, `${prefix}/${escapePointerToken(key)}`, out);
  }
}
