/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text of a signed tree head.
 *
 *   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n ...]
 *
 * Parsing is strict so that format(parse(text)) === text for every accepted text: sizes have no
 * leading zeros or signs, the root is canonical base64 of exactly 32 bytes, and every line is
 * non-empty. Tree sizes above Number.MAX_SAFE_INTEGER (2^53 - 1) are rejected, since sizes are
 * JavaScript numbers throughout this package.
 */
import { fromBase64Canonical, toBase64 } from './base64.js';
import { HASH_SIZE } from './merkle.js';
import {
  checkNoteCharacters,
  openNote,
  signNote,
  type NoteSigner,
  type NoteVerifier,
  type VerifiedNote,
} from './note.js';

/** A parsed checkpoint body. */
export interface Checkpoint {
  /** Unique identifier of the log, conventionally a schema-less URL. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** RFC 9162 root hash of the tree at `size`. */
  readonly rootHash: Uint8Array;
  /** Optional opaque extension lines (not recommended by the spec). */
  readonly extensions: readonly string[];
}

/** Thrown when a checkpoint is malformed or does not match what the caller expects. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function parseSize(line: string): number {
  const size = Number(line);
  if (!DECIMAL.test(line) || !Number.isSafeInteger(size)) {
    throw new CheckpointError('checkpoint tree size is not a canonical decimal below 2^53');
  }
  return size;
}

function parseRootHash(line: string): Uint8Array {
  let hash: Uint8Array;
  try {
    hash = fromBase64Canonical(line);
  } catch {
    throw new CheckpointError('checkpoint root hash is not canonical base64');
  }
  if (hash.length !== HASH_SIZE) throw new CheckpointError(`checkpoint root hash is not ${HASH_SIZE} bytes`);
  return hash;
}

function checkCharacters(text: string): void {
  try {
    checkNoteCharacters(text);
  } catch (e) {
    throw new CheckpointError((e as Error).message);
  }
}

/** Parses checkpoint note text (the part of the signed note before the signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  checkCharacters(text);
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint text must end with a newline');
  const [origin, sizeLine, rootLine, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || sizeLine === undefined || rootLine === undefined) {
    throw new CheckpointError('checkpoint needs origin, size and root hash lines');
  }
  if (origin === '') throw new CheckpointError('checkpoint origin is empty');
  if (extensions.includes('')) throw new CheckpointError('checkpoint extension lines must be non-empty');
  return { origin, size: parseSize(sizeLine), rootHash: parseRootHash(rootLine), extensions };
}

/** Formats a checkpoint as note text; throws CheckpointError for values the spec cannot carry. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  const lines = [origin, String(size), toBase64(rootHash), ...extensions];
  if (lines.some((l) => l === '' || l.includes('\n'))) {
    throw new CheckpointError('checkpoint lines must be non-empty single lines');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError('bad checkpoint size');
  if (rootHash.length !== HASH_SIZE) throw new CheckpointError(`root hash must be ${HASH_SIZE} bytes`);
  const text = `${lines.join('\n')}\n`;
  checkCharacters(text);
  return text;
}

/** Formats and signs a checkpoint, returning the signed note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/**
 * Verifies a signed checkpoint note against the verifiers (see openNote) and parses it, and
 * checks that it comes from the expected log: a verifier must know which origin it is tracking,
 * since a validly signed checkpoint of another log proves nothing about this one.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  origin: string,
  verifiers: readonly NoteVerifier[],
): { checkpoint: Checkpoint; note: VerifiedNote } {
  const verified = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(verified.text);
  if (checkpoint.origin !== origin) {
    throw new CheckpointError(
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`,
    );
  }
  return { checkpoint, note: verified };
}
