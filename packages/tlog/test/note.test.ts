/**
 * C2SP signed notes. Interop vectors come from golang.org/x/mod/sumdb/note (note.go package
 * documentation and note_test.go) and from the signed-note specification's example.
 */
import { describe, expect, it } from 'vitest';
import {
  NoteError,
  computeKeyId,
  ed25519Signer,
  formatNote,
  fromBase64,
  generateNoteKeyPair,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  toBase64,
  utf8,
  type NoteSignature,
} from '../src/index.js';

// golang.org/x/mod/sumdb/note note_test.go.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// The signed-note specification's example key and note.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);
const names = (sigs: readonly NoteSignature[]) => sigs.map((s) => s.name);

describe('interop with golang.org/x/mod/sumdb/note', () => {
  it('signs byte for byte like Go (Ed25519 is deterministic)', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.verifierKey).toBe(PETER_VKEY);
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('computes the key IDs of the Go keys', () => {
    expect(peter.keyId).toBe(0xc74f20a3);
    expect(enoch.keyId).toBe(0xaf0cfe78);
    expect(computeKeyId('PeterNeumann', fromBase64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))).toBe(0xc74f20a3);
  });

  it('verifies a known key and ignores an unknown one', () => {
    const n = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter]);
    expect(n.text).toBe(TEXT);
    expect(names(n.verified)).toEqual(['PeterNeumann']);
    expect(names(n.unverified)).toEqual(['EnochRoot']);
  });

  it('verifies both when both keys are known', () => {
    const n = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter, enoch]);
    expect(names(n.verified)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(n.unverified).toEqual([]);
  });

  it('rejects a note when no known key signed it', () => {
    expect(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [])).toThrow(/no verifiable signatures/);
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [peter])).toThrow(/no verifiable signatures/);
  });

  it('rejects an ambiguous verifier list only when the ambiguous key is used', () => {
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow(/ambiguous key/);
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified).toHaveLength(1);
  });

  it('rejects more than 100 signatures', () => {
    expect(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter])).toThrow(/too many/);
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(16)}`, [peter]).verified).toHaveLength(16);
  });

  it('rejects an invalid signature from a known key', () => {
    const bad = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => openNote(bad, [peter])).toThrow(/invalid signature for key PeterNeumann\+c74f20a3/);
  });

  it.each([
    ['text only', TEXT],
    ['no signatures', `${TEXT}\n`],
    ['missing final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['last line not ending in newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}X`],
    ['control character', `\x01${TEXT}\n${PETER_SIG}`],
    [
      'name with a space',
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    ],
    ['line after signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
  ])("rejects Go's malformed note: %s", (_, msg) => {
    expect(() => openNote(msg, [peter])).toThrow(NoteError);
  });

  it('rejects bytes that are not UTF-8', () => {
    const bytes = utf8(`${TEXT}\n${PETER_SIG}`);
    expect(openNote(bytes, [peter]).verified).toHaveLength(1);
    expect(() => openNote(new Uint8Array([0xff, ...bytes]), [peter])).toThrow(/UTF-8/);
  });

  it('rejects every truncation and every single-byte change of the verifier key', () => {
    expect(parseVerifierKey(PETER_VKEY).verifierKey).toBe(PETER_VKEY);
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i === 0 && j === PETER_VKEY.length) continue;
        expect(() => parseVerifierKey(PETER_VKEY.slice(i, j)), PETER_VKEY.slice(i, j)).toThrow(NoteError);
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed =
        PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(changed), changed).toThrow(NoteError);
    }
    // Go's extra cases: wrong key length and unknown algorithm, each with a matching key ID.
    expect(() =>
      parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    ).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(
      NoteError,
    );
  });

  it('rejects every truncation and every single-byte change of the signer key', () => {
    for (let i = 0; i <= PETER_SKEY.length; i++) {
      for (let j = i + 1; j <= PETER_SKEY.length; j++) {
        if (i === 0 && j === PETER_SKEY.length) continue;
        expect(() => parseSignerKey(PETER_SKEY.slice(i, j)), PETER_SKEY.slice(i, j)).toThrow(NoteError);
      }
    }
    for (let i = 0; i < PETER_SKEY.length; i++) {
      const changed =
        PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1);
      expect(() => parseSignerKey(changed), changed).toThrow(NoteError);
    }
  });
});

describe('signed-note specification example', () => {
  it('verifies, and re-formats byte for byte', () => {
    const verifier = parseVerifierKey(SPEC_VKEY);
    expect(verifier.keyId).toBe(0x530d903a);
    const n = openNote(SPEC_NOTE, [verifier]);
    expect(n.text).toBe('This is an example message.\n');
    expect(formatNote(parseNote(SPEC_NOTE))).toBe(SPEC_NOTE);
  });

  it('rejects the note once its text is changed', () => {
    const tampered = SPEC_NOTE.replace('example message', 'example massage');
    expect(() => openNote(tampered, [parseVerifierKey(SPEC_VKEY)])).toThrow(/invalid signature/);
  });
});

describe('sign and verify round trip', () => {
  const seed = new Uint8Array(32).map((_, i) => i);
  const keys = generateNoteKeyPair('trailkeep.example/log', seed);
  const signer = parseSignerKey(keys.signerKey);
  const verifier = parseVerifierKey(keys.verifierKey);
  const text = 'line one\n\nline three after an empty line\n';

  it('generates matching key strings', () => {
    expect(keys.signerKey.startsWith('PRIVATE+KEY+trailkeep.example/log+')).toBe(true);
    expect(keys.verifierKey).toBe(signer.verifierKey);
    expect(verifier.keyId).toBe(signer.keyId);
    expect(keys.verifierKey.split('+')[1]).toMatch(/^[0-9a-f]{8}$/);
    const random = generateNoteKeyPair('a');
    expect(random.signerKey).not.toBe(generateNoteKeyPair('a').signerKey);
  });

  it('round trips a text containing an empty line', () => {
    const note = signNote(text, [signer]);
    const opened = openNote(note, [verifier]);
    expect(opened.text).toBe(text);
    expect(formatNote(parseNote(note))).toBe(note);
  });

  it('ignores a signature that shares only the name or only the key ID with the known key', () => {
    const other = ed25519Signer('trailkeep.example/log', new Uint8Array(32).fill(9));
    const renamed = { ...signer, name: 'trailkeep.example/other', sign: (m: Uint8Array) => signer.sign(m) };
    const note = signNote(text, [other, renamed, signer]);
    const opened = openNote(note, [verifier]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified).toHaveLength(2);
    expect(() => openNote(signNote(text, [other, renamed]), [verifier])).toThrow(/no verifiable/);
  });

  it('rejects a tampered text and a tampered signature', () => {
    const note = signNote(text, [signer]);
    expect(() => openNote(note.replace('line one', 'line 0ne'), [verifier])).toThrow(/invalid signature/);
    const sig = parseNote(note).signatures[0] as NoteSignature;
    const flipped = sig.signature.slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    const forged = formatNote({ text, signatures: [{ ...sig, signature: flipped }] });
    expect(() => openNote(forged, [verifier])).toThrow(/invalid signature/);
  });

  it('refuses to sign text that is not a valid note text', () => {
    expect(() => signNote('no final newline', [signer])).toThrow(NoteError);
    expect(() => signNote('tab\there\n', [signer])).toThrow(NoteError);
    expect(() => signNote('lone \ud800 surrogate\n', [signer])).toThrow(NoteError);
  });
});

describe('strict note parsing', () => {
  const note = `${TEXT}\n${PETER_SIG}`;
  const sigB64 = PETER_SIG.slice('— PeterNeumann '.length, -1);
  it.each([
    ['hyphen instead of em dash', `${TEXT}\n- PeterNeumann ${sigB64}\n`],
    ['two spaces after the name', `${TEXT}\n— PeterNeumann  ${sigB64}\n`],
    ['trailing space', `${TEXT}\n— PeterNeumann ${sigB64} \n`],
    ['empty name', `${TEXT}\n—  ${sigB64}\n`],
    ['plus in the name', `${TEXT}\n— Peter+Neumann ${sigB64}\n`],
    ['no-break space in the name', `${TEXT}\n— Peter\u00a0Neumann ${sigB64}\n`],
    ['signature without key ID', `${TEXT}\n— PeterNeumann AAAA\n`],
    ['signature not base64', `${TEXT}\n— PeterNeumann ${sigB64.replace('/', '_')}\n`],
    ['non-canonical base64', `${TEXT}\n— PeterNeumann AAAAAAB=\n`],
    ['missing signature', `${TEXT}\n— PeterNeumann\n`],
    ['CRLF line ends', note.replace(/\n/g, '\r\n')],
    ['blank line after the signatures', `${note}\n`],
    ['empty', ''],
  ])('rejects %s', (_, msg) => {
    expect(() => parseNote(msg)).toThrow(NoteError);
  });

  it('accepts the well-formed original', () => {
    const parsed = parseNote(note);
    expect(parsed.text).toBe(TEXT);
    expect(parsed.signatures).toHaveLength(1);
    expect(toBase64(parsed.signatures[0]?.signature ?? new Uint8Array())).toHaveLength(88);
  });
});
