/**
 * C2SP tlog-proof (https://c2sp.org/tlog-proof): an offline-verifiable proof that an entry is in
 * a log, as text:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra <base64>            (optional, unauthenticated application data)
 *   index <decimal>
 *   <base64 hash>             (zero or more: the RFC 9162 inclusion path, leaf sibling first)
 *   <empty line>
 *   <signed checkpoint note, verbatim>
 *
 * Parsing is strict (canonical decimals and base64, 32-byte hashes, a well-formed checkpoint) so
 * that format(parse(text)) === text.
 */
import { fromBase64Canonical, toBase64 } from './base64.js';
import { openCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { HASH_SIZE } from './merkle.js';
import { verifyInclusion } from './merkle-verify.js';
import { parseNote, type NoteVerifier, type VerifiedNote } from './note.js';

/** First line of every tlog-proof. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** A parsed tlog-proof. `extra` is present only when the proof has an extra line. */
export interface TlogProof {
  readonly extra?: Uint8Array;
  readonly index: number;
  readonly hashes: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** Thrown when a tlog-proof is malformed. */
export class TlogProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlogProofError';
  }
}

function decode(text: string, what: string): Uint8Array {
  try {
    return fromBase64Canonical(text);
  } catch {
    throw new TlogProofError(`${what} is not canonical base64`);
  }
}

/** Checks that the checkpoint is a structurally valid signed checkpoint note (not its signatures). */
function checkCheckpointShape(checkpoint: string): void {
  try {
    parseCheckpoint(parseNote(checkpoint).text);
  } catch (e) {
    throw new TlogProofError(`malformed checkpoint: ${(e as Error).message}`);
  }
}

/** Serializes a proof; throws TlogProofError for values the format cannot carry. */
export function formatTlogProof(proof: TlogProof): string {
  if (!Number.isSafeInteger(proof.index) || proof.index < 0) throw new TlogProofError('bad index');
  if (proof.hashes.some((h) => h.length !== HASH_SIZE)) {
    throw new TlogProofError(`proof hashes must be ${HASH_SIZE} bytes`);
  }
  checkCheckpointShape(proof.checkpoint);
  const lines = [TLOG_PROOF_HEADER];
  if (proof.extra !== undefined) lines.push(`extra ${toBase64(proof.extra)}`);
  lines.push(`index ${proof.index}`, ...proof.hashes.map(toBase64), '');
  return `${lines.join('\n')}\n${proof.checkpoint}`;
}

/** Reads the text line by line; every line must end with a newline. */
class LineReader {
  #pos = 0;
  constructor(readonly text: string) {}

  next(): string {
    const end = this.text.indexOf('\n', this.#pos);
    if (end < 0) throw new TlogProofError('tlog-proof ended early');
    const line = this.text.slice(this.#pos, end);
    this.#pos = end + 1;
    return line;
  }

  rest(): string {
    return this.text.slice(this.#pos);
  }
}

function parseIndex(line: string): number {
  const match = /^index (0|[1-9][0-9]*)$/.exec(line);
  const index = Number(match?.[1]);
  if (match === null || !Number.isSafeInteger(index)) {
    throw new TlogProofError('missing or malformed index line');
  }
  return index;
}

/** Parses a tlog-proof without verifying it. */
export function parseTlogProof(text: string): TlogProof {
  const reader = new LineReader(text);
  if (reader.next() !== TLOG_PROOF_HEADER) throw new TlogProofError('missing tlog-proof header');
  let line = reader.next();
  let extra: Uint8Array | undefined;
  if (line.startsWith('extra ')) {
    extra = decode(line.slice('extra '.length), 'extra data');
    line = reader.next();
  }
  const index = parseIndex(line);
  const hashes: Uint8Array[] = [];
  for (line = reader.next(); line !== ''; line = reader.next()) {
    const hash = decode(line, 'proof hash');
    if (hash.length !== HASH_SIZE) throw new TlogProofError(`proof hashes must be ${HASH_SIZE} bytes`);
    hashes.push(hash);
  }
  const checkpoint = reader.rest();
  checkCheckpointShape(checkpoint);
  return extra === undefined ? { index, hashes, checkpoint } : { extra, index, hashes, checkpoint };
}

/**
 * Verifies a tlog-proof for an entry's leaf hash: the checkpoint must be signed by a known key
 * (see openCheckpoint) for the expected origin, and the inclusion path must lead from the leaf
 * at `index` to its root hash. Throws on any failure. `extra` is returned unauthenticated.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  origin: string,
  verifiers: readonly NoteVerifier[],
): { proof: TlogProof; checkpoint: Checkpoint; note: VerifiedNote } {
  const proof = parseTlogProof(text);
  const { checkpoint, note } = openCheckpoint(proof.checkpoint, origin, verifiers);
  verifyInclusion(proof.index, checkpoint.size, leafHash, proof.hashes, checkpoint.rootHash);
  return { proof, checkpoint, note };
}
