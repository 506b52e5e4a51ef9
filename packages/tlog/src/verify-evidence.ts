/**
 * Offline verification of a Trailkeep evidence bundle (evidence-bundle.ts), trusting only the
 * log's verifier key and, optionally, a checkpoint the auditor saw earlier.
 *
 * Checked, in this order, stopping at the first failure:
 *  1. the header's checkpoint is signed by the key (C2SP signed-note) for the bundle's origin;
 *  2. a trusted checkpoint, if given, is signed by the same key and is not larger than the bundle
 *     (a smaller export means the log was cut back);
 *  3. every event, in sequence order with none missing: its entry has the v1 shape in JCS form,
 *     `log` is the origin, `idx` its sequence, `prev` the leaf hash of the event before (64 zeros
 *     for the first), `rcv` an RFC 3339 UTC time that never decreases; its sealed body hashes to
 *     the entry's `body`; each surviving disclosure opens its commitment (a commitment without a
 *     disclosure is an erased field, reported, not a failure);
 *  4. the tree rebuilt from the leaves (RFC 9162) has the checkpoint's root, and, when a trusted
 *     checkpoint was given, the tree at its size has its root (so the two are consistent).
 *
 * Per-event work that needs no other event is `inspectEvidenceEvent`, a pure function a caller may
 * run in parallel and feed to `EvidenceVerifier.pushInspection`; the verdict is the same. Blocks of
 * lines may likewise go through `inspectEvidenceLines`, whose runs of events that follow on from
 * each other `pushInspected` takes at a small cost per event.
 */
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { CompactRange } from './compact-range.js';
import { EVIDENCE_FORMAT, EVIDENCE_VERSION, type EvidenceHeader } from './evidence-bundle.js';
import { fromHex, toHex } from './hex.js';
import {
  inspectEvidenceEvent,
  isEntryRcv,
  type EventInspection,
  type EventRun,
  type EvidenceFailureCode,
  type InspectedLine,
} from './inspect-evidence.js';
import { ZERO_HASH_HEX } from './leaf-v1.js';
import type { JsonObject } from './json-pointer.js';
import type { NoteVerifier } from './note.js';

/** The first failure found: the sequence it concerns (null when it concerns no one event) and why. */
export interface EvidenceFailure {
  sequence: number | null;
  code: EvidenceFailureCode;
  reason: string;
}

/** Fields whose values were erased (their commitments stay; their disclosures are gone). */
export interface ErasureSummary {
  /** Erased fields in all. */
  fields: number;
  /** Events with at least one erased field. */
  events: number;
  /** Erased fields per JSON Pointer. */
  byPointer: Record<string, number>;
  /** The first events with erased fields (at most ERASED_SAMPLE_SIZE). */
  sample: Array<{ sequence: number; pointers: string[] }>;
}

/** The outcome of verifying a bundle. */
export interface EvidenceVerdict {
  ok: boolean;
  origin: string | null;
  treeSize: number | null;
  /** First sequence the bundle carries (prefix size + 1). */
  firstSequence: number | null;
  /** Events that passed every check. */
  eventsChecked: number;
  failure: EvidenceFailure | null;
  erased: ErasureSummary;
  /** The trusted checkpoint's size, when one was given. */
  trustedSize: number | null;
}

export interface EvidenceVerifyOptions {
  /** Keys of the log (parseVerifierKey of the vkey an auditor was given). */
  verifiers: readonly NoteVerifier[];
  /** A signed checkpoint of the same log seen earlier: the bundle must extend it. */
  trustedCheckpoint?: string;
}

export const ERASED_SAMPLE_SIZE = 50;

const HEX64 = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Failed extends Error {
  constructor(readonly failure: EvidenceFailure) {
    super(failure.reason);
  }
}

function fail(sequence: number | null, code: EvidenceFailureCode, reason: string): never {
  throw new Failed({ sequence, code, reason });
}

function parseJson(line: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return fail(null, 'bundle-format', `the ${what} is not JSON`);
  }
}

function readHeader(line: string): EvidenceHeader {
  const h = parseJson(line, 'header') as Partial<EvidenceHeader>;
  if (!isObject(h) || h.format !== EVIDENCE_FORMAT)
    fail(null, 'bundle-format', 'this is not a Trailkeep evidence bundle');
  if (h.version !== EVIDENCE_VERSION) {
    fail(null, 'unsupported-version', `bundle format version ${String(h.version)} is not supported (only 1)`);
  }
  const prefix = h.prefix;
  if (
    typeof h.origin !== 'string' ||
    typeof h.checkpoint !== 'string' ||
    !Number.isSafeInteger(h.tree_size) ||
    !isObject(prefix) ||
    !Number.isSafeInteger(prefix.size) ||
    prefix.size < 0 ||
    prefix.size > (h.tree_size as number) ||
    !Array.isArray(prefix.peaks) ||
    !prefix.peaks.every((p) => typeof p === 'string' && HEX64.test(p))
  ) {
    fail(null, 'bundle-format', 'the header is malformed');
  }
  return h as EvidenceHeader;
}

function openSigned(note: string, origin: string, verifiers: readonly NoteVerifier[], code: EvidenceFailureCode) {
  try {
    return openCheckpoint(note, origin, verifiers).checkpoint;
  } catch (error) {
    const what = code === 'trusted-checkpoint' ? 'the trusted checkpoint' : "the bundle's checkpoint";
    return fail(null, code, `${what} does not verify: ${(error as Error).message}`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Streaming verifier: push the bundle's lines in order, then call finish(). */
export class EvidenceVerifier {
  readonly #options: EvidenceVerifyOptions;
  #header: EvidenceHeader | null = null;
  #checkpoint: Checkpoint | null = null;
  #trusted: Checkpoint | null = null;
  #range = new CompactRange();
  /** hex leaf hash of the last event checked; unknown (null) for the first event after a prefix. */
  #lastLeafHex: string | null = null;
  #lastRcv = '';
  #checked = 0;
  #trailer: number | null = null;
  #failure: EvidenceFailure | null = null;
  readonly #erased: ErasureSummary = { fields: 0, events: 0, byPointer: {}, sample: [] };

  constructor(options: EvidenceVerifyOptions) {
    this.#options = options;
  }

  /** The log origin once the header was read. */
  get origin(): string | null {
    return this.#header?.origin ?? null;
  }

  /** Events checked so far and events the bundle should carry (null before the header). */
  progress(): { checked: number; total: number | null } {
    const h = this.#header;
    return { checked: this.#checked, total: h === null ? null : h.tree_size - h.prefix.size };
  }

  /** True once a failure was found; further lines are ignored. */
  get failed(): boolean {
    return this.#failure !== null;
  }

  /** Feeds one line (without its newline). Returns false once the bundle has failed. */
  push(line: string): boolean {
    if (this.#failure !== null) return false;
    if (line.trim() === '') return true;
    if (this.#header !== null && this.#trailer === null && !line.startsWith('{"end"')) {
      return this.pushInspection(inspectEvidenceEvent(line, this.#header.origin));
    }
    return this.#guard(() => (this.#header === null ? this.#readHeader(line) : this.#readTrailer(line)));
  }

  /** Feeds the inspection of the next event line (see inspectEvidenceEvent). */
  pushInspection(inspected: EventInspection): boolean {
    if (this.#failure !== null) return false;
    return this.#guard(() => {
      // The same answers push() gives for an event line out of place.
      if (this.#header === null) fail(null, 'bundle-format', 'the bundle does not start with a header');
      if (this.#trailer !== null) fail(null, 'bundle-format', 'there are lines after the trailer');
      this.#checkEvent(inspected);
    });
  }

  /** Feeds one answer of inspectEvidenceLines (answers in order, as for lines). */
  pushInspected(item: InspectedLine): boolean {
    if ('line' in item) return this.push(item.line);
    if ('leafHashes' in item) return this.pushRun(item);
    return this.pushInspection(item);
  }

  /**
   * Feeds a run of events (see EventRun). The first event gets every check pushInspection makes;
   * the others already passed, against the event before them, every check that does not depend on
   * the verifier's state, so only the checkpoint's tree size and the trusted checkpoint remain.
   */
  pushRun(run: EventRun): boolean {
    if (this.#failure !== null) return false;
    return this.#guard(() => {
      const leaf = (i: number) => run.leafHashes.subarray(32 * i, 32 * i + 32);
      if (run.count < 1 || run.leafHashes.length !== 32 * run.count) throw new Error('malformed event run');
      const erased = run.erased;
      let next = 0;
      const erasedAt = (offset: number): string[] => (erased[next]?.offset === offset ? erased[next++]!.pointers : []);
      this.pushInspection({
        sequence: run.first,
        idx: String(run.first),
        prev: run.prev,
        rcv: run.firstRcv,
        leafHash: leaf(0),
        erased: erasedAt(0),
        failure: null,
      });
      if (this.#failure !== null) return;
      this.#appendFollowing(run, erasedAt);
    });
  }

  /** The rest of a run whose first event was checked: what #checkEvent still checks, then the same updates. */
  #appendFollowing(run: EventRun, erasedAt: (offset: number) => string[]): void {
    const treeSize = (this.#header as EvidenceHeader).tree_size;
    for (let i = 1; i < run.count; i++) {
      const sequence = run.first + i;
      if (sequence > treeSize) {
        fail(sequence, 'event-unexpected', `sequence ${sequence} is beyond the checkpoint's tree size`);
      }
      this.#range.append(run.leafHashes.subarray(32 * i, 32 * i + 32));
      this.#checked++;
      this.#countErased(sequence, erasedAt(i));
      this.#checkTrustedRoot();
    }
    this.#lastLeafHex = toHex(run.leafHashes.subarray(32 * (run.count - 1)));
    this.#lastRcv = run.lastRcv;
  }

  /** The verdict; call once every line was pushed. */
  finish(): EvidenceVerdict {
    if (this.#failure === null) this.#guard(() => this.#checkEnd());
    const h = this.#header;
    return {
      ok: this.#failure === null,
      origin: h?.origin ?? null,
      treeSize: h?.tree_size ?? null,
      firstSequence: h === null ? null : h.prefix.size + 1,
      eventsChecked: this.#checked,
      failure: this.#failure,
      erased: this.#erased,
      trustedSize: this.#trusted?.size ?? null,
    };
  }

  #guard(step: () => void): boolean {
    try {
      step();
      return true;
    } catch (error) {
      if (!(error instanceof Failed)) throw error;
      this.#failure = error.failure;
      return false;
    }
  }

  #readHeader(line: string): void {
    const header = readHeader(line);
    const { verifiers, trustedCheckpoint } = this.#options;
    const checkpoint = openSigned(header.checkpoint, header.origin, verifiers, 'checkpoint-signature');
    if (checkpoint.size !== header.tree_size) {
      fail(null, 'bundle-format', `the header says tree size ${header.tree_size}, the checkpoint ${checkpoint.size}`);
    }
    try {
      this.#range = CompactRange.fromPeaks(header.prefix.size, header.prefix.peaks.map(fromHex));
    } catch (error) {
      fail(null, 'bundle-format', `the prefix is malformed: ${(error as Error).message}`);
    }
    this.#header = header;
    this.#checkpoint = checkpoint;
    if (trustedCheckpoint !== undefined) this.#readTrusted(trustedCheckpoint, header);
  }

  #readTrusted(note: string, header: EvidenceHeader): void {
    const trusted = openSigned(note, header.origin, this.#options.verifiers, 'trusted-checkpoint');
    this.#trusted = trusted;
    if (trusted.size > header.tree_size) {
      fail(
        header.tree_size + 1,
        'truncated',
        `the trusted checkpoint covers ${trusted.size} events but this bundle only ${header.tree_size}: events from sequence ${header.tree_size + 1} on were removed`,
      );
    }
    if (trusted.size < header.prefix.size) {
      fail(null, 'trusted-not-covered', `the bundle starts after the trusted checkpoint (size ${trusted.size})`);
    }
    this.#checkTrustedRoot();
  }

  #checkTrustedRoot(): void {
    const trusted = this.#trusted;
    if (trusted === null || trusted.size !== this.#range.size || trusted.size === 0) return;
    if (!equalBytes(this.#range.root(), trusted.rootHash)) {
      fail(
        trusted.size,
        'trusted-inconsistent',
        `the tree of the first ${trusted.size} events does not have the trusted checkpoint's root: the log was rewritten at or before sequence ${trusted.size}`,
      );
    }
  }

  #checkEvent(e: EventInspection): void {
    const header = this.#header as EvidenceHeader;
    const expected = this.#range.size + 1;
    if (e.sequence === null) fail(expected, 'bundle-format', e.failure?.reason ?? 'the line is not an event line');
    if (e.sequence > expected) {
      fail(expected, 'event-missing', `sequence ${expected} is missing (the next event is ${e.sequence})`);
    }
    if (e.sequence < expected) {
      fail(expected, 'event-order', `sequence ${e.sequence} appears where ${expected} was expected`);
    }
    if (expected > header.tree_size) {
      fail(expected, 'event-unexpected', `sequence ${expected} is beyond the checkpoint's tree size`);
    }
    if (e.failure?.code === 'entry-format' || e.failure?.code === 'bundle-format') {
      fail(expected, e.failure.code, e.failure.reason);
    }
    if (e.idx !== String(expected)) fail(expected, 'entry-idx', `the entry's idx is ${e.idx}, not ${expected}`);
    if (e.failure?.code === 'entry-log') fail(expected, e.failure.code, e.failure.reason);
    this.#checkLinks(e, expected);
    if (e.failure !== null) fail(expected, e.failure.code, e.failure.reason);
    this.#range.append(e.leafHash as Uint8Array);
    this.#lastLeafHex = toHex(e.leafHash as Uint8Array);
    this.#lastRcv = e.rcv;
    this.#checked++;
    this.#countErased(expected, e.erased);
    this.#checkTrustedRoot();
  }

  /** prev links to the previous leaf (unknown for the first event after a prefix); rcv never decreases. */
  #checkLinks(e: EventInspection, sequence: number): void {
    const previous = sequence === 1 ? ZERO_HASH_HEX : this.#lastLeafHex;
    if (previous !== null && e.prev !== previous) {
      fail(
        sequence,
        'entry-prev',
        sequence === 1
          ? "the first entry's prev is not 64 zeros"
          : `the entry's prev is not the leaf hash of sequence ${sequence - 1}: the chain is broken between ${sequence - 1} and ${sequence}`,
      );
    }
    if (!isEntryRcv(e.rcv)) {
      fail(sequence, 'entry-rcv', `the entry's rcv ${JSON.stringify(e.rcv)} is not an RFC 3339 UTC time`);
    }
    if (e.rcv < this.#lastRcv) {
      fail(sequence, 'entry-rcv', `the entry's rcv ${e.rcv} is earlier than the previous event's ${this.#lastRcv}`);
    }
  }

  #countErased(sequence: number, pointers: readonly string[]): void {
    if (pointers.length === 0) return;
    const erased = this.#erased;
    erased.fields += pointers.length;
    erased.events++;
    for (const p of pointers) erased.byPointer[p] = (erased.byPointer[p] ?? 0) + 1;
    if (erased.sample.length < ERASED_SAMPLE_SIZE) erased.sample.push({ sequence, pointers: [...pointers] });
  }

  #readTrailer(line: string): void {
    if (this.#trailer !== null) fail(null, 'bundle-format', 'there are lines after the trailer');
    const t = parseJson(line, 'trailer') as { end?: { events?: unknown } };
    const events = t?.end?.events;
    if (!Number.isSafeInteger(events)) fail(null, 'bundle-format', 'the trailer is malformed');
    if (events !== this.#checked) {
      fail(null, 'bundle-format', `the trailer counts ${String(events)} events, the bundle carries ${this.#checked}`);
    }
    this.#trailer = events;
  }

  #checkEnd(): void {
    const header = this.#header;
    const checkpoint = this.#checkpoint;
    if (header === null || checkpoint === null) fail(null, 'bundle-format', 'the bundle is empty');
    if (this.#range.size < header.tree_size) {
      const next = this.#range.size + 1;
      const cut = this.#trailer === null ? ' (the bundle has no trailer: it was cut short)' : '';
      fail(
        next,
        'event-missing',
        `the bundle ends at sequence ${next - 1} but the checkpoint covers ${header.tree_size}${cut}`,
      );
    }
    if (this.#trailer === null) fail(null, 'bundle-format', 'the bundle has no trailer line');
    if (!equalBytes(this.#range.root(), checkpoint.rootHash)) {
      fail(null, 'root-mismatch', "the events do not rebuild the checkpoint's root hash");
    }
  }
}

/** Verifies a whole bundle given as lines (e.g. text.split('\n')). */
export function verifyEvidence(lines: Iterable<string>, options: EvidenceVerifyOptions): EvidenceVerdict {
  const verifier = new EvidenceVerifier(options);
  for (const line of lines) if (!verifier.push(line)) break;
  return verifier.finish();
}

/** Verifies a bundle streamed as lines (e.g. from a file reader or a fetch body). */
export async function verifyEvidenceStream(
  lines: AsyncIterable<string>,
  options: EvidenceVerifyOptions,
  onProgress?: (checked: number, total: number | null) => void,
): Promise<EvidenceVerdict> {
  const verifier = new EvidenceVerifier(options);
  for await (const line of lines) {
    if (!verifier.push(line)) break;
    if (onProgress !== undefined) {
      const { checked, total } = verifier.progress();
      onProgress(checked, total);
    }
  }
  return verifier.finish();
}

/** A short human summary of a verdict, one line per item. */
export function describeVerdict(verdict: EvidenceVerdict): string[] {
  const lines: string[] = [];
  lines.push(verdict.ok ? 'VERIFIED' : 'FAILED');
  if (verdict.origin !== null) lines.push(`log: ${verdict.origin}, tree size ${String(verdict.treeSize)}`);
  lines.push(`events checked: ${verdict.eventsChecked}`);
  if (verdict.trustedSize !== null) {
    const consistent = verdict.ok ? 'consistent' : 'not confirmed';
    lines.push(`trusted checkpoint: size ${verdict.trustedSize}, ${consistent}`);
  }
  const { erased } = verdict;
  if (erased.fields > 0) {
    const parts = Object.entries(erased.byPointer).map(([p, n]) => `${p} ×${n}`);
    lines.push(`erased fields: ${erased.fields} in ${erased.events} events (${parts.join(', ')})`);
  } else lines.push('erased fields: none');
  if (verdict.failure !== null) {
    const { sequence, code, reason } = verdict.failure;
    lines.push(`first failure: ${sequence === null ? '' : `sequence ${sequence}: `}${reason} [${code}]`);
  }
  return lines;
}
