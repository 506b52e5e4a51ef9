/**
 * A real tlog-tiles log written by transparency-dev/tessera (fixtures/tessera-log): 16 signed
 * checkpoints, level-0 tiles and entry bundles. Everything is recomputed from the entries.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CompactRange,
  EMPTY_ROOT,
  MerkleProofError,
  NoteError,
  consistencyProof,
  formatCheckpoint,
  formatEntryBundle,
  formatTlogProof,
  generateNoteKeyPair,
  inclusionProof,
  leafHash,
  memoryNodeReader,
  merkleRoot,
  openCheckpoint,
  parseEntryBundle,
  parseHashTile,
  parseNote,
  parseVerifierKey,
  tilePath,
  toHex,
  verifyConsistency,
  verifyInclusion,
  verifyTlogProof,
  type Checkpoint,
} from '../src/index.js';

const LOG = fileURLToPath(new URL('./fixtures/tessera-log/log/', import.meta.url));
const ORIGIN = 'example.com/log/testdata';
const VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const VERIFIER = parseVerifierKey(VKEY);

const read = (path: string): Uint8Array => new Uint8Array(readFileSync(LOG + path));
const NOTES = Array.from({ length: 16 }, (_, i) => readFileSync(`${LOG}checkpoint.${i}`, 'utf8'));
const open = (i: number): Checkpoint => openCheckpoint(NOTES[i] as string, ORIGIN, [VERIFIER]).checkpoint;

// The largest checkpoint covers all 15 entries; smaller trees are prefixes of it.
const ENTRIES = parseEntryBundle(read(tilePath('entries', 0, 15)));
const LEAF_HASHES = ENTRIES.map(leafHash);
const READER = memoryNodeReader(LEAF_HASHES);
const SIZES = Array.from({ length: 16 }, (_, i) => i);

describe('tessera checkpoints', () => {
  it('the verifier key parses to the expected name and key ID', () => {
    expect(VERIFIER.name).toBe(ORIGIN);
    expect(VERIFIER.keyId).toBe(0x33d7b496);
    expect(VERIFIER.verifierKey).toBe(VKEY);
  });

  it('the current checkpoint is checkpoint.15', () => {
    expect(readFileSync(`${LOG}checkpoint`, 'utf8')).toBe(NOTES[15]);
  });

  it.each(SIZES)('checkpoint.%i verifies and its root is rebuilt from the tiles and entries', (i) => {
    const checkpoint = open(i);
    expect(checkpoint.origin).toBe(ORIGIN);
    expect(checkpoint.size).toBe(i);
    expect(formatCheckpoint(checkpoint)).toBe(parseNote(NOTES[i] as string).text);
    if (i === 0) {
      expect(toHex(checkpoint.rootHash)).toBe(toHex(EMPTY_ROOT));
      return;
    }
    const bundle = read(tilePath('entries', 0, i));
    const entries = parseEntryBundle(bundle);
    expect(entries).toHaveLength(i);
    expect(formatEntryBundle(entries)).toEqual(bundle);
    const tile = parseHashTile(read(tilePath(0, 0, i)));
    expect(tile.map(toHex)).toEqual(entries.map((e) => toHex(leafHash(e))));
    expect(toHex(merkleRoot(tile))).toBe(toHex(checkpoint.rootHash));
    const range = new CompactRange();
    entries.forEach((e) => range.append(leafHash(e)));
    expect(toHex(range.root())).toBe(toHex(checkpoint.rootHash));
  });

  it('rejects a checkpoint whose text was changed', () => {
    const note = NOTES[5] as string;
    const tampered = note.replace('\n5\n', '\n6\n');
    expect(tampered).not.toBe(note);
    expect(() => openCheckpoint(tampered, ORIGIN, [VERIFIER])).toThrow(NoteError);
  });

  it('rejects a checkpoint for another origin or signed by no known key', () => {
    expect(() => openCheckpoint(NOTES[5] as string, 'example.com/other', [VERIFIER])).toThrow(CheckpointError);
    const stranger = parseVerifierKey(generateNoteKeyPair(ORIGIN).verifierKey);
    expect(() => openCheckpoint(NOTES[5] as string, ORIGIN, [stranger])).toThrow(NoteError);
  });
});

const PAIRS = SIZES.flatMap((m) => SIZES.filter((n) => m >= 1 && n >= m).map((n) => [m, n] as const));

describe('consistency proofs between every pair of non-empty checkpoints', () => {
  it('covers all 120 pairs 1 <= m <= n <= 15', () => {
    expect(PAIRS).toHaveLength(120);
  });

  it.each(PAIRS)('%i -> %i', (m, n) => {
    const [a, b] = [open(m), open(n)];
    const proof = consistencyProof(m, n, READER);
    expect(() => verifyConsistency(m, n, proof, a.rootHash, b.rootHash)).not.toThrow();
    if (m < n) {
      expect(() => verifyConsistency(m, n, proof, b.rootHash, a.rootHash)).toThrow(MerkleProofError);
    }
  });

  it('a proof from the empty checkpoint is refused (RFC 9162 requires 0 < size1)', () => {
    expect(() => verifyConsistency(0, 15, [], open(0).rootHash, open(15).rootHash)).toThrow(MerkleProofError);
  });
});

describe('inclusion proofs of every entry in every checkpoint', () => {
  it.each(SIZES.slice(1))('checkpoint.%i', (n) => {
    const checkpoint = open(n);
    for (let m = 0; m < n; m++) {
      const leaf = LEAF_HASHES[m] as Uint8Array;
      const hashes = inclusionProof(m, n, READER);
      expect(() => verifyInclusion(m, n, leaf, hashes, checkpoint.rootHash)).not.toThrow();
      const text = formatTlogProof({ index: m, hashes, checkpoint: NOTES[n] as string });
      expect(verifyTlogProof(text, leaf, ORIGIN, [VERIFIER]).checkpoint.size).toBe(n);
      const other = LEAF_HASHES[(m + 1) % n] as Uint8Array;
      if (n > 1) expect(() => verifyTlogProof(text, other, ORIGIN, [VERIFIER])).toThrow(MerkleProofError);
    }
  });
});
