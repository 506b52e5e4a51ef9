/** C2SP tlog-proof formatting, parsing and verification. */
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  MerkleProofError,
  NoteError,
  TLOG_PROOF_HEADER,
  TlogProofError,
  fromBase64,
  formatTlogProof,
  generateNoteKeyPair,
  inclusionProof,
  leafHash,
  memoryNodeReader,
  merkleRoot,
  parseSignerKey,
  parseTlogProof,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  toBase64,
  utf8,
  verifyTlogProof,
} from '../src/index.js';

const ORIGIN = 'example.com/fancylog';
const keys = generateNoteKeyPair(ORIGIN, new Uint8Array(32).fill(3));
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);

// The layout of the tlog-proof specification's example; its checkpoint signatures are elided
// in the spec ("[...]"), so the same checkpoint body is signed here with a test key.
const SPEC_EXTRA = 'YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ';
const SPEC_HASHES = [
  'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
  'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
  'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
  'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=',
  'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
];
const SPEC_CHECKPOINT = signNote(`${ORIGIN}\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n`, [signer]);
const SPEC_PROOF = [TLOG_PROOF_HEADER, `extra ${SPEC_EXTRA}`, 'index 73894', ...SPEC_HASHES, '', SPEC_CHECKPOINT].join(
  '\n',
);

describe('tlog-proof text', () => {
  it('parses the specification layout and formats it back byte for byte', () => {
    const proof = parseTlogProof(SPEC_PROOF);
    expect(proof.index).toBe(73894);
    expect(proof.hashes.map(toBase64)).toEqual(SPEC_HASHES);
    expect(toBase64(proof.extra ?? new Uint8Array())).toBe(SPEC_EXTRA);
    expect(proof.checkpoint).toBe(SPEC_CHECKPOINT);
    expect(formatTlogProof(proof)).toBe(SPEC_PROOF);
  });

  it('omits the extra line when there is no extra data, and allows an empty proof path', () => {
    const text = formatTlogProof({ index: 0, hashes: [], checkpoint: SPEC_CHECKPOINT });
    expect(text).toBe(`${TLOG_PROOF_HEADER}\nindex 0\n\n${SPEC_CHECKPOINT}`);
    const parsed = parseTlogProof(text);
    expect('extra' in parsed).toBe(false);
    expect(parsed.hashes).toEqual([]);
  });

  const hash = SPEC_HASHES[0] as string;
  const tail = `\n${SPEC_CHECKPOINT}`;
  it.each([
    ['wrong header', `wrong-header\nindex 0\n${tail}`],
    ['header with version 2', `c2sp.org/tlog-proof@v2\nindex 0\n${tail}`],
    ['extra not base64', `${TLOG_PROOF_HEADER}\nextra !!notbase64!!\nindex 0\n${tail}`],
    ['missing index', `${TLOG_PROOF_HEADER}\n\n${tail}`],
    ['index not a number', `${TLOG_PROOF_HEADER}\nindex notanumber\n${tail}`],
    ['negative index', `${TLOG_PROOF_HEADER}\nindex -5\n${tail}`],
    ['index with a leading zero', `${TLOG_PROOF_HEADER}\nindex 05\n${tail}`],
    ['index above 2^53 - 1', `${TLOG_PROOF_HEADER}\nindex 18446744073709551615\n${tail}`],
    ['extra after index', `${TLOG_PROOF_HEADER}\nindex 0\nextra ${SPEC_EXTRA}\n${tail}`],
    ['hash not base64', `${TLOG_PROOF_HEADER}\nindex 0\n!!notbase64!!\n${tail}`],
    ['hash too long', `${TLOG_PROOF_HEADER}\nindex 0\n${toBase64(new Uint8Array(64))}\n${tail}`],
    ['hash too short', `${TLOG_PROOF_HEADER}\nindex 0\n${toBase64(new Uint8Array(31))}\n${tail}`],
    ['no blank line before the checkpoint', `${TLOG_PROOF_HEADER}\nindex 0\n${hash}\n${SPEC_CHECKPOINT}`],
    ['no checkpoint', `${TLOG_PROOF_HEADER}\nindex 0\n${hash}\n\n`],
    ['truncated', `${TLOG_PROOF_HEADER}\nindex 0\n${hash}`],
    ['checkpoint without signatures', `${TLOG_PROOF_HEADER}\nindex 0\n\n${ORIGIN}\n1\n${hash}\n`],
  ])('rejects %s', (_, text) => {
    expect(() => parseTlogProof(text)).toThrow(TlogProofError);
  });
});

describe('verifying a tlog-proof', () => {
  const leaves = Array.from({ length: 11 }, (_, i) => leafHash(utf8(`entry ${i}`)));
  const reader = memoryNodeReader(leaves);
  const checkpoint = signCheckpoint({ origin: ORIGIN, size: 11, rootHash: merkleRoot(leaves), extensions: [] }, [
    signer,
  ]);
  const proofFor = (index: number) =>
    formatTlogProof({ extra: utf8('context'), index, hashes: inclusionProof(index, 11, reader), checkpoint });

  it('accepts the proof of every entry', () => {
    for (let i = 0; i < 11; i++) {
      const result = verifyTlogProof(proofFor(i), leaves[i] as Uint8Array, ORIGIN, [verifier]);
      expect(result.proof.index).toBe(i);
      expect(result.checkpoint.size).toBe(11);
      expect(result.proof.extra).toEqual(utf8('context'));
    }
  });

  it('rejects the wrong leaf, the wrong index, the wrong origin and an unknown key', () => {
    const text = proofFor(4);
    expect(() => verifyTlogProof(text, leaves[5] as Uint8Array, ORIGIN, [verifier])).toThrow(MerkleProofError);
    const moved = text.replace('index 4', 'index 5');
    expect(() => verifyTlogProof(moved, leaves[4] as Uint8Array, ORIGIN, [verifier])).toThrow(MerkleProofError);
    expect(() => verifyTlogProof(text, leaves[4] as Uint8Array, 'example.com/other', [verifier])).toThrow(
      CheckpointError,
    );
    const stranger = parseVerifierKey(generateNoteKeyPair(ORIGIN).verifierKey);
    expect(() => verifyTlogProof(text, leaves[4] as Uint8Array, ORIGIN, [stranger])).toThrow(NoteError);
  });

  it('rejects a proof hash that was changed', () => {
    const text = proofFor(4);
    const parsed = parseTlogProof(text);
    const hashes = parsed.hashes.map((h, i) => (i === 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
    const changed = formatTlogProof({ ...parsed, hashes });
    expect(() => verifyTlogProof(changed, leaves[4] as Uint8Array, ORIGIN, [verifier])).toThrow(MerkleProofError);
    expect(fromBase64(SPEC_HASHES[0] as string)).toHaveLength(32);
  });
});
