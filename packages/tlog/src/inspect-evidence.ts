/**
 * The checks of one evidence-bundle event line that need no other event (verify-evidence.ts does
 * the rest): the line's shape, the entry's v1 form and origin, the sealed body's digest, the
 * disclosures against their commitments, and the leaf hash. Pure and independent per line, so
 * callers may run it on several threads and feed the results, in order, to EvidenceVerifier.
 */
import { scanCommitments } from './commitment-scan.js';
import { sha256Hex } from './hash.js';
import { fromHex, toHex } from './hex.js';
import { getAtPointer, type JsonObject } from './json-pointer.js';
import {
  commitment,
  entryLeafHash,
  entryLeafHashHex,
  findCommitments,
  parseEntry,
  type Disclosure,
} from './leaf-v1.js';

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

/**
 * Opens every commitment of a sealed body with the disclosures; returns erased pointers or a failure.
 * The body is parsed and walked: a commitment counts only where findCommitments finds it (an
 * object member of a JSON object, never inside an array), and each opens at its own pointer, so
 * no text search stands in for the structure.
 */
function checkDisclosures(sealedBody: string, disclosures: JsonObject): { erased: string[] } | { reason: string } {
  const pointers = Object.keys(disclosures);
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
  const clean = inspectPlainEvent(line, origin);
  if (clean === null) return inspectEvidenceEventExact(line, origin);
  const { sequence, idx, prev, rcv, leafHex } = clean;
  return inspection(sequence, null, { idx, prev, rcv, leafHash: fromHex(leafHex) });
}

/** inspectEvidenceEvent by parsing the whole line: the definition every shortcut must agree with. */
export function inspectEvidenceEventExact(line: string, origin: string): EventInspection {
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

/** An event line that passed every check of inspectEvidenceEvent, with nothing erased. */
export interface CleanEvent {
  sequence: number;
  idx: string;
  prev: string;
  rcv: string;
  leafHex: string;
}

const LINE_START = '{"sequence":';
const BODY_KEY = '","disclosures":{';
const SEQUENCE = /^[1-9][0-9]{0,14}$/;
/** A string JSON.stringify leaves as it is: no quote, backslash, control character or surrogate. */
const PLAIN = '[^"\\\\\\u0000-\\u001f\\ud800-\\udfff]*';
/**
 * The entry literal of a line (after its opening quote) when the entry is canonical v1 with plain
 * log and rcv: its only escapes are then the `\"` around keys and values, so the entry is the
 * captured fields put back into `{"body":"…","idx":"…","log":"…","prev":"…","rcv":"…","v":1}`,
 * which is entryJcs of those fields (parseEntry accepts it and reads the same fields).
 */
const PLAIN_ENTRY_LITERAL = new RegExp(
  `\\{\\\\"body\\\\":\\\\"([0-9a-f]{64})\\\\",\\\\"idx\\\\":\\\\"([1-9][0-9]*)\\\\",\\\\"log\\\\":\\\\"(${PLAIN})\\\\",` +
    `\\\\"prev\\\\":\\\\"([0-9a-f]{64})\\\\",\\\\"rcv\\\\":\\\\"(${PLAIN})\\\\",\\\\"v\\\\":1\\}","sealed_body":"`,
  'y',
);
/**
 * One disclosure whose pointer, salt and value are plain strings: their text in the line is then
 * exactly their JCS, and what JSON.parse would read.
 */
const PLAIN_DISCLOSURE = new RegExp(`"(${PLAIN})":\\{"salt":"(${PLAIN})","value":"(${PLAIN})"\\}([,}])`, 'y');

/**
 * The JSON string literal of `line` from the quote at `open` to the quote at `close`, or null. If
 * it parses, the quote at `close` is the first unescaped one, so the literal really ends there.
 */
function literalAt(line: string, open: number, close: number): string | null {
  if (close <= open || line.charCodeAt(open) !== 0x22) return null;
  try {
    const value: unknown = JSON.parse(line.slice(open, close + 1));
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/**
 * The disclosures object of a line whose disclosures are all plain strings (from its `{` at `open`
 * to the line's closing `}`), as JSON.parse would read it; null if it is not plain or a pointer
 * repeats (JSON.parse would keep only the last).
 */
function plainDisclosures(line: string, open: number): JsonObject | null {
  // No prototype: a "__proto__" pointer must be an own member, as JSON.parse makes it.
  const disclosures = Object.create(null) as JsonObject;
  if (line.charCodeAt(open + 1) === CLOSE_BRACE) return isLineEnd(line, open + 2) ? disclosures : null;
  PLAIN_DISCLOSURE.lastIndex = open + 1;
  for (;;) {
    const m = PLAIN_DISCLOSURE.exec(line);
    if (m === null) return null;
    const [, pointer, salt, value, next] = m as unknown as [string, string, string, string, string];
    if (Object.hasOwn(disclosures, pointer)) return null;
    disclosures[pointer] = { salt, value };
    if (next === '}') return isLineEnd(line, PLAIN_DISCLOSURE.lastIndex) ? disclosures : null;
  }
}

const CLOSE_BRACE = 0x7d;

/** The line's last character, the `}` closing the line's object, is at `at`. */
function isLineEnd(line: string, at: number): boolean {
  return line.length === at + 1 && line.charCodeAt(at) === CLOSE_BRACE;
}

/**
 * The common event line, read without JSON.parse of the whole line: exactly
 * `{"sequence":N,"entry":"…","sealed_body":"…","disclosures":{…}}` with a plain canonical entry
 * of this log, plain disclosures, the body digest matching and every commitment opened (found by
 * scanCommitments in the body's canonical text, the commitments the exact path's walk finds). Answers
 * its inspection when inspectEvidenceEventExact would find no failure and nothing erased; null
 * otherwise (the caller then takes the exact path, which finds the failure or the erasures).
 */
export function inspectPlainEvent(line: string, origin: string): CleanEvent | null {
  if (!line.startsWith(LINE_START)) return null;
  const entryOpen = line.indexOf(',"entry":"', LINE_START.length) + 9;
  const digits = line.slice(LINE_START.length, entryOpen - 9);
  if (entryOpen < 9 || !SEQUENCE.test(digits)) return null;
  PLAIN_ENTRY_LITERAL.lastIndex = entryOpen + 1;
  const m = PLAIN_ENTRY_LITERAL.exec(line);
  if (m === null || m[3] !== origin) return null;
  const [, body, idx, log, prev, rcv] = m as unknown as [string, string, string, string, string, string];
  // The disclosures are short and last, so their key is found from the end; a match that is not
  // the body literal's end fails to parse as one string literal.
  const bodyOpen = PLAIN_ENTRY_LITERAL.lastIndex - 1;
  const bodyClose = line.lastIndexOf(BODY_KEY);
  const sealedBody = literalAt(line, bodyOpen, bodyClose);
  if (sealedBody === null || sha256Hex(sealedBody) !== body) return null;
  const disclosures = plainDisclosures(line, bodyClose + BODY_KEY.length - 1);
  if (disclosures === null) return null;
  if (!opensEveryCommitment(sealedBody, disclosures)) return null;
  const entry = `{"body":"${body}","idx":"${idx}","log":"${log}","prev":"${prev}","rcv":"${rcv}","v":1}`;
  return { sequence: Number(digits), idx, prev, rcv, leafHex: entryLeafHashHex(entry) };
}

/**
 * Whether a sealed body in canonical form (scanCommitments) has every commitment opened by its
 * plain disclosure and no disclosure without a commitment: checkDisclosures finding nothing erased,
 * without parsing the body. False also when the body is not in that form.
 */
function opensEveryCommitment(sealedBody: string, disclosures: JsonObject): boolean {
  const found = scanCommitments(sealedBody);
  if (found === null || found.length !== Object.keys(disclosures).length) return false;
  for (const { pointer, sd } of found) {
    const d = disclosures[pointer] as Disclosure | undefined;
    if (d === undefined || commitment(d.salt, pointer, d.value) !== sd) return false;
  }
  return true;
}

const RCV = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Whether an entry's rcv is an RFC 3339 UTC time in the form entries use. */
export function isEntryRcv(rcv: string): boolean {
  return RCV.test(rcv) && !Number.isNaN(Date.parse(rcv));
}

/**
 * Consecutive event lines that passed inspection, where each event after the first also passes
 * every rule that ties it to the one before: sequence one more, idx its sequence, prev the leaf
 * hash of the one before, rcv a valid time not earlier than the one before's. The first event is
 * still checked by the verifier against the state before the run (EvidenceVerifier.pushRun),
 * so a run carries only what that check and the tree need, not a result per event.
 */
export interface EventRun {
  /** Sequence of the first event (its idx is its sequence). */
  first: number;
  count: number;
  /** The events' leaf hashes, 32 bytes each, in order. */
  leafHashes: Uint8Array;
  /** The first event's prev and rcv. */
  prev: string;
  firstRcv: string;
  /** The last event's rcv. */
  lastRcv: string;
  /** Erased pointers of the events that have any, by position in the run. */
  erased: Array<{ offset: number; pointers: string[] }>;
}

/** What inspectEvidenceLines answers per line, in order: runs, single inspections, other lines. */
export type InspectedLine = EventRun | EventInspection | { line: string };

/** An event inspected without failure, as runs take it. */
interface PassedEvent extends CleanEvent {
  erased: readonly string[];
}

const NONE_ERASED: readonly string[] = Object.freeze([]);

function passed(line: string, origin: string): PassedEvent | EventInspection {
  const clean = inspectPlainEvent(line, origin) as PassedEvent | null;
  if (clean !== null) {
    clean.erased = NONE_ERASED;
    return clean;
  }
  const e = inspectEvidenceEventExact(line, origin);
  if (e.failure !== null || e.sequence === null || e.leafHash === null) return e;
  return { sequence: e.sequence, idx: e.idx, prev: e.prev, rcv: e.rcv, leafHex: toHex(e.leafHash), erased: e.erased };
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  throw new Error('invalid hex string');
}

/** Writes the 32 bytes of a lower-case hex hash at `offset`. */
function hexInto(hex: string, out: Uint8Array, offset: number): void {
  if (hex.length !== 64) throw new Error('invalid hex string');
  for (let i = 0; i < 32; i++)
    out[offset + i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
}

/** Groups the passed events of a block into runs, keeping failed ones and other lines apart. */
class RunCollector {
  readonly out: InspectedLine[] = [];
  readonly #leaves: Uint8Array;
  #used = 0;
  #run: EventRun | null = null;
  #runStart = 0;
  #lastHex = '';

  constructor(capacity: number) {
    this.#leaves = new Uint8Array(32 * capacity);
  }

  other(item: EventInspection | { line: string }): void {
    this.#close();
    this.out.push(item);
  }

  event(e: PassedEvent): void {
    if (e.idx !== String(e.sequence)) return this.other(asInspection(e));
    const run = this.#run;
    const follows =
      run !== null &&
      e.sequence === run.first + run.count &&
      e.prev === this.#lastHex &&
      isEntryRcv(e.rcv) &&
      e.rcv >= run.lastRcv;
    if (!follows) {
      this.#close();
      this.#run = {
        first: e.sequence,
        count: 0,
        leafHashes: this.#leaves,
        prev: e.prev,
        firstRcv: e.rcv,
        lastRcv: e.rcv,
        erased: [],
      };
      this.#runStart = this.#used;
    }
    const current = this.#run!;
    if (e.erased.length > 0) current.erased.push({ offset: current.count, pointers: [...e.erased] });
    hexInto(e.leafHex, this.#leaves, 32 * this.#used++);
    current.count++;
    current.lastRcv = e.rcv;
    this.#lastHex = e.leafHex;
  }

  finish(): InspectedLine[] {
    this.#close();
    return this.out;
  }

  #close(): void {
    if (this.#run === null) return;
    this.#run.leafHashes = this.#leaves.subarray(32 * this.#runStart, 32 * this.#used);
    this.out.push(this.#run);
    this.#run = null;
  }
}

function asInspection(e: PassedEvent): EventInspection {
  const { sequence, idx, prev, rcv, leafHex, erased } = e;
  return inspection(sequence, null, { idx, prev, rcv, leafHash: fromHex(leafHex), erased: [...erased] });
}

/**
 * Inspects a block of consecutive bundle lines (after the header): blank lines are skipped, the
 * trailer and lines after it come back as they are, and event lines come back as runs (see
 * EventRun) or, when an event failed or does not follow on, as its own inspection. Feeding the
 * answers in order to EvidenceVerifier.pushInspected gives the same verdict as pushing the lines.
 * The runs' leaf hashes share one buffer, so a worker can transfer it rather than copy it.
 */
export function inspectEvidenceLines(lines: readonly string[], origin: string): InspectedLine[] {
  const runs = new RunCollector(lines.length);
  let trailer = false;
  for (const line of lines) {
    if (line.trim() === '') continue;
    trailer ||= line.startsWith('{"end"');
    if (trailer) {
      runs.other({ line });
      continue;
    }
    const e = passed(line, origin);
    if ('failure' in e) runs.other(e);
    else runs.event(e);
  }
  return runs.finish();
}
