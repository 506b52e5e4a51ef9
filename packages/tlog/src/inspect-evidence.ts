/**
 * The checks of one evidence-bundle event line that need no other event (verify-evidence.ts does
 * the rest): the line's shape, the entry's v1 form and origin, the sealed body's digest, the
 * disclosures against their commitments, and the leaf hash. Pure and independent per line, so
 * callers may run it on several threads and feed the results, in order, to EvidenceVerifier.
 */
import { sha256Hex } from './hash.js';
import { getAtPointer, type JsonObject } from './json-pointer.js';
import { commitment, entryLeafHash, findCommitments, parseEntry, type Disclosure } from './leaf-v1.js';

/** Why a bundle failed; stable strings (docs/VERIFYING.md explains each). */
export type EvidenceFailureCode =
  | 'bundle-format'
  | 'unsupported-version'
  | 'checkpoint-signature'
  | 'trusted-checkpoint'
  | 'truncated'
  | 'trusted-not-covered'
  | 'event-missing'
  | 'event-order'
  | 'event-unexpected'
  | 'entry-format'
  | 'entry-log'
  | 'entry-idx'
  | 'entry-prev'
  | 'entry-rcv'
  | 'body-digest'
  | 'body-format'
  | 'disclosure-mismatch'
  | 'root-mismatch'
  | 'trusted-inconsistent';

/** What inspecting one event line found, before the checks that need the events around it. */
export interface EventInspection {
  /** The line's sequence, or null if the line is not an event line. */
  sequence: number | null;
  idx: string;
  prev: string;
  rcv: string;
  leafHash: Uint8Array | null;
  erased: string[];
  failure: { code: EvidenceFailureCode; reason: string } | null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function inspection(
  sequence: number | null,
  failure: EventInspection['failure'],
  rest: Partial<EventInspection> = {},
): EventInspection {
  return { sequence, idx: '', prev: '', rcv: '', leafHash: null, erased: [], failure, ...rest };
}

const COMMITMENT_PREFIX = '{"_sd":"';

/** Occurrences of a commitment's opening in JCS text (inside JSON strings a quote is always escaped). */
function countCommitments(text: string): number {
  let count = 0;
  for (let i = text.indexOf(COMMITMENT_PREFIX); i >= 0; i = text.indexOf(COMMITMENT_PREFIX, i + 1)) count++;
  return count;
}

/**
 * The common case without parsing the body: every disclosure opens a commitment that occurs in the
 * sealed body's JCS text, and there are no other commitments (nothing erased). The commitment
 * binds its pointer, and the body digest binds the text, so this is as strong as walking the body;
 * anything else (erasures, malformed disclosures) takes the exact path.
 */
function disclosuresOpenAll(sealedBody: string, disclosures: JsonObject, pointers: readonly string[]): boolean {
  if (countCommitments(sealedBody) !== pointers.length) return false;
  for (const pointer of pointers) {
    const d = disclosures[pointer] as Partial<Disclosure> | null;
    if (!isObject(d) || typeof d.salt !== 'string' || !('value' in d)) return false;
    if (!sealedBody.includes(`${COMMITMENT_PREFIX}${commitment(d.salt, pointer, d.value)}"}`)) return false;
  }
  return true;
}

/** Opens every commitment of a sealed body with the disclosures; returns erased pointers or a failure. */
function checkDisclosures(sealedBody: string, disclosures: JsonObject): { erased: string[] } | { reason: string } {
  const pointers = Object.keys(disclosures);
  if (disclosuresOpenAll(sealedBody, disclosures, pointers)) return { erased: [] };
  let sealed: unknown;
  try {
    sealed = JSON.parse(sealedBody);
  } catch {
    return { reason: 'the sealed body is not JSON' };
  }
  if (!isObject(sealed)) return { reason: 'the sealed body is not a JSON object' };
  const committed = findCommitments(sealed);
  const erased: string[] = [];
  for (const pointer of committed) {
    const d = disclosures[pointer] as Disclosure | undefined;
    if (d === undefined) {
      erased.push(pointer);
      continue;
    }
    const expected = (getAtPointer(sealed, pointer) as { _sd: string })._sd;
    if (!isObject(d) || typeof d.salt !== 'string' || !('value' in d)) {
      return { reason: `the disclosure of ${pointer} is malformed` };
    }
    if (commitment(d.salt, pointer, d.value) !== expected) {
      return { reason: `the disclosure of ${pointer} does not open its commitment` };
    }
  }
  if (committed.length - erased.length !== pointers.length) {
    const extra = pointers.find((p) => !committed.includes(p));
    return { reason: `the disclosure of ${extra ?? '?'} has no commitment in the sealed body` };
  }
  return { erased };
}

/**
 * Checks one event line on its own: shape, entry form and origin, body digest, disclosures, and
 * computes its leaf hash. Never throws. Sequence-dependent rules are left to EvidenceVerifier.
 */
export function inspectEvidenceEvent(line: string, origin: string): EventInspection {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return inspection(null, { code: 'bundle-format', reason: 'the line is not JSON' });
  }
  const e = parsed as { sequence?: unknown; entry?: unknown; sealed_body?: unknown; disclosures?: unknown };
  const sequence = Number.isSafeInteger(e?.sequence) && (e.sequence as number) > 0 ? (e.sequence as number) : null;
  if (
    sequence === null ||
    typeof e.entry !== 'string' ||
    typeof e.sealed_body !== 'string' ||
    !isObject(e.disclosures)
  ) {
    return inspection(sequence, { code: 'bundle-format', reason: 'the line is not an event line' });
  }
  let entry;
  try {
    entry = parseEntry(e.entry);
  } catch (error) {
    return inspection(sequence, { code: 'entry-format', reason: (error as Error).message });
  }
  const fields = { idx: entry.idx, prev: entry.prev, rcv: entry.rcv, leafHash: entryLeafHash(e.entry) };
  if (entry.log !== origin) {
    const reason = `the entry names log ${JSON.stringify(entry.log)}, not ${JSON.stringify(origin)}`;
    return inspection(sequence, { code: 'entry-log', reason }, fields);
  }
  if (sha256Hex(e.sealed_body) !== entry.body) {
    const reason = "the sealed body does not match the entry's body digest";
    return inspection(sequence, { code: 'body-digest', reason }, fields);
  }
  const opened = checkDisclosures(e.sealed_body, e.disclosures);
  if ('reason' in opened) {
    const code = opened.reason.startsWith('the sealed body') ? 'body-format' : 'disclosure-mismatch';
    return inspection(sequence, { code, reason: opened.reason }, fields);
  }
  return inspection(sequence, null, { ...fields, erased: opened.erased });
}
