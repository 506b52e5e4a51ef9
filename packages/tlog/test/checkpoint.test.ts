/** C2SP tlog-checkpoint parsing and formatting. */
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  NoteError,
  fromBase64,
  formatCheckpoint,
  generateNoteKeyPair,
  openCheckpoint,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  toHex,
} from '../src/index.js';

// The example body of the tlog-checkpoint specification.
const SPEC_TEXT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const ROOT_B64 = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';

describe('checkpoint text', () => {
  it('parses the specification example and formats it back byte for byte', () => {
    const cp = parseCheckpoint(SPEC_TEXT);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(toHex(cp.rootHash)).toBe(toHex(fromBase64(ROOT_B64)));
    expect(cp.extensions).toEqual([]);
    expect(formatCheckpoint(cp)).toBe(SPEC_TEXT);
  });

  it('keeps extension lines, and accepts size 0 and the largest safe size', () => {
    const text = `o\n0\n${ROOT_B64}\next one\next two\n`;
    expect(parseCheckpoint(text).extensions).toEqual(['ext one', 'ext two']);
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
    expect(parseCheckpoint(`o\n9007199254740991\n${ROOT_B64}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['no final newline', `o\n1\n${ROOT_B64}`],
    ['only two lines', 'o\n1\n'],
    ['empty origin', `\n1\n${ROOT_B64}\n`],
    ['leading zero', `o\n01\n${ROOT_B64}\n`],
    ['plus sign', `o\n+1\n${ROOT_B64}\n`],
    ['negative size', `o\n-1\n${ROOT_B64}\n`],
    ['space in size', `o\n 1\n${ROOT_B64}\n`],
    ['hex size', `o\n0x10\n${ROOT_B64}\n`],
    ['size above 2^53 - 1', `o\n9007199254740992\n${ROOT_B64}\n`],
    ['root of 31 bytes', `o\n1\n${ROOT_B64.slice(0, 40)}AA==\n`],
    ['root not base64', `o\n1\n${ROOT_B64.replace('/', '_')}\n`],
    ['non-canonical root base64', `o\n1\n${ROOT_B64.slice(0, -2)}J=\n`],
    ['unpadded root', `o\n1\n${ROOT_B64.slice(0, -1)}\n`],
    ['empty extension line', `o\n1\n${ROOT_B64}\n\n`],
    ['carriage return', `o\r\n1\n${ROOT_B64}\n`],
  ])('rejects %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
  });

  it('refuses to format values the text cannot carry', () => {
    const root = fromBase64(ROOT_B64);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root, extensions: [] })).toThrow(
      CheckpointError,
    );
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root, extensions: [] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.slice(1), extensions: [] })).toThrow(
      CheckpointError,
    );
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] })).toThrow(CheckpointError);
  });
});

describe('signed checkpoints', () => {
  const keys = generateNoteKeyPair('example.com/behind-the-sofa', new Uint8Array(32).fill(7));
  const signer = parseSignerKey(keys.signerKey);
  const verifier = parseVerifierKey(keys.verifierKey);
  const cp = parseCheckpoint(SPEC_TEXT);

  it('signs and opens', () => {
    const note = signCheckpoint(cp, [signer]);
    const opened = openCheckpoint(note, 'example.com/behind-the-sofa', [verifier]);
    expect(opened.checkpoint.size).toBe(20852163);
    expect(opened.note.verified).toHaveLength(1);
  });

  it('rejects the wrong origin, an unknown key, and a changed size', () => {
    const note = signCheckpoint(cp, [signer]);
    expect(() => openCheckpoint(note, 'example.com/elsewhere', [verifier])).toThrow(CheckpointError);
    const stranger = parseVerifierKey(generateNoteKeyPair('example.com/behind-the-sofa').verifierKey);
    expect(() => openCheckpoint(note, 'example.com/behind-the-sofa', [stranger])).toThrow(NoteError);
    const changed = note.replace('20852163', '20852164');
    expect(() => openCheckpoint(changed, 'example.com/behind-the-sofa', [verifier])).toThrow(NoteError);
  });

  it('rejects a validly signed note whose text is not a checkpoint', () => {
    const note = signCheckpoint(cp, [signer]).replace(SPEC_TEXT, 'just text\n');
    expect(() => parseCheckpoint('just text\n')).toThrow(CheckpointError);
    expect(() => openCheckpoint(note, 'example.com/behind-the-sofa', [verifier])).toThrow();
  });
});
