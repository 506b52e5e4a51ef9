/**
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys, in the key encodings of
 * golang.org/x/mod/sumdb/note (vkey `name+hexKeyID+base64(0x01||pubkey)`, skey
 * `PRIVATE+KEY+name+hexKeyID+base64(0x01||seed)`), so keys and notes interoperate with Go tools.
 *
 * Parsing is strict: anything the spec does not allow, or any second spelling of the same bytes
 * (non-canonical base64, upper-case key IDs), is rejected, because a note is signed text and
 * must be re-emitted byte for byte.
 */
import { fromBase64Canonical, toBase64 } from './base64.js';
import { sha256, utf8 } from './hash.js';

/** Signature type byte of Ed25519 note signatures (signed-note "Signature types"). */
export const ED25519_SIGNATURE_TYPE = 0x01;

/** Most signature lines accepted in one note (the spec requires at least 16; Go allows 100). */
export const MAX_NOTE_SIGNATURES = 100;

const EM_DASH = '\u2014';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Thrown when a note, key or signature is malformed or does not verify. */
export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/** One signature line: key name, 32-bit key ID, and the signature bytes after the key ID. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** A parsed note: the signed text (ending in a newline) and its signature lines in order. */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose signatures were checked: `verified` by known keys, `unverified` from unknown keys. */
export interface VerifiedNote {
  readonly text: string;
  readonly verified: readonly NoteSignature[];
  readonly unverified: readonly NoteSignature[];
}

/** A public key that checks note signatures for one (name, key ID). */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** A private key that signs note text for one (name, key ID). */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Uint8Array;
}

/** True if s has an ASCII control character (below U+0020) other than newline. */
function hasForbiddenControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

/** Key names must be non-empty and contain no Unicode space, no '+', and no control character. */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 && !/[\p{White_Space}+]/u.test(name) && !hasForbiddenControl(name) && !LONE_SURROGATE.test(name)
  );
}

/** Throws unless s is encodable as UTF-8 and has no ASCII control character other than newline. */
export function checkNoteCharacters(s: string): void {
  if (LONE_SURROGATE.test(s)) throw new NoteError('note is not valid UTF-8');
  if (hasForbiddenControl(s)) throw new NoteError('note contains a control character');
}

function checkNoteText(text: string): void {
  checkNoteCharacters(text);
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
}

function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NoteError('note is not valid UTF-8');
  }
}

/** Formats a key ID the way key strings spell it: 8 lower-case hex digits. */
export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Key ID = first 4 bytes, big-endian, of SHA-256(name || 0x0A || type byte || public key). */
export function computeKeyId(name: string, typeAndPublicKey: Uint8Array): number {
  const nameBytes = utf8(name);
  const buf = new Uint8Array(nameBytes.length + 1 + typeAndPublicKey.length);
  buf.set(nameBytes, 0);
  buf[nameBytes.length] = 0x0a;
  buf.set(typeAndPublicKey, nameBytes.length + 1);
  const hash = sha256(buf);
  return new DataView(hash.buffer, hash.byteOffset).getUint32(0);
}

function parseSignatureLine(line: string): NoteSignature {
  const prefix = `${EM_DASH} `;
  if (!line.startsWith(prefix)) throw new NoteError('malformed signature line');
  const rest = line.slice(prefix.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  if (space < 0 || !isValidKeyName(name)) throw new NoteError('malformed signature line');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Canonical(rest.slice(space + 1));
  } catch {
    throw new NoteError('malformed signature encoding');
  }
  if (bytes.length < 5) throw new NoteError('signature too short');
  const keyId = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
  return { name, keyId, signature: bytes.slice(4) };
}

/**
 * Splits a signed note into text and signature lines without verifying anything. The text is
 * everything up to and including the newline before the last blank line.
 */
export function parseNote(note: string | Uint8Array): Note {
  const msg = typeof note === 'string' ? note : decodeUtf8Strict(note);
  checkNoteCharacters(msg);
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note has no blank line before its signatures');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed signature block');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoteError('too many signatures');
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** Serializes a note: text, blank line, one `— name base64(keyID||sig)` line per signature. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  const count = note.signatures.length;
  if (count === 0 || count > MAX_NOTE_SIGNATURES) throw new NoteError('bad number of signatures');
  const lines = note.signatures.map(({ name, keyId, signature }) => {
    if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
    if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xffffffff) {
      throw new NoteError('key ID must be a uint32');
    }
    const bytes = new Uint8Array(4 + signature.length);
    new DataView(bytes.buffer).setUint32(0, keyId);
    bytes.set(signature, 4);
    return `${EM_DASH} ${name} ${toBase64(bytes)}\n`;
  });
  return `${note.text}\n${lines.join('')}`;
}

/** Signs note text (which must end in a newline) with each signer and serializes the note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteText(text);
  const message = utf8(text);
  const signatures = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(message) }));
  return formatNote({ text, signatures });
}

function findVerifier(sig: NoteSignature, verifiers: readonly NoteVerifier[]): NoteVerifier | null {
  const matches = verifiers.filter((v) => v.name === sig.name && v.keyId === sig.keyId);
  if (matches.length > 1) {
    throw new NoteError(`ambiguous key ${sig.name}+${keyIdHex(sig.keyId)}`);
  }
  return matches[0] ?? null;
}

/**
 * Parses a signed note and checks its signatures. Signatures whose (name, key ID) matches no
 * verifier are ignored (listed as unverified), as the spec requires; a signature from a known key
 * that fails to verify rejects the whole note; and the note is rejected unless at least one
 * known key verified it. Throws NoteError on any failure.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const parsed = parseNote(note);
  const message = utf8(parsed.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    const verifier = findVerifier(sig, verifiers);
    if (verifier === null) {
      unverified.push(sig);
    } else if (verifier.verify(message, sig.signature)) {
      verified.push(sig);
    } else {
      throw new NoteError(`invalid signature for key ${sig.name}+${keyIdHex(sig.keyId)}`);
    }
  }
  if (verified.length === 0) throw new NoteError('note has no verifiable signatures');
  return { text: parsed.text, verified, unverified };
}
