/**
 * Ed25519 keys for C2SP signed notes, encoded as golang.org/x/mod/sumdb/note does:
 *   verifier key  name+<8 hex key ID>+base64(0x01 || 32-byte public key)
 *   signer key    PRIVATE+KEY+name+<8 hex key ID>+base64(0x01 || 32-byte seed)
 * with key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4] (signed-note "Ed25519
 * signatures"). The key ID in the string is checked against the key, so a typo or a key pasted
 * under the wrong name is caught when it is loaded rather than when a note fails to verify.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64Canonical, toBase64 } from './base64.js';
import {
  ED25519_SIGNATURE_TYPE,
  NoteError,
  computeKeyId,
  isValidKeyName,
  keyIdHex,
  type NoteSigner,
  type NoteVerifier,
} from './note.js';

const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const SIGNER_PREFIX = 'PRIVATE+KEY+';

/** A note verifier backed by an Ed25519 public key. */
export interface Ed25519NoteVerifier extends NoteVerifier {
  readonly publicKey: Uint8Array;
  /** The verifier key string, `name+hexKeyID+base64(0x01||pubkey)`. */
  readonly verifierKey: string;
}

/** A note signer backed by an Ed25519 seed; also knows its public half. */
export interface Ed25519NoteSigner extends NoteSigner {
  readonly publicKey: Uint8Array;
  readonly verifierKey: string;
}

function typed(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = ED25519_SIGNATURE_TYPE;
  out.set(key, 1);
  return out;
}

/** Splits `name+hexID+base64` and checks the shape; the key bytes still include the type byte. */
function splitKey(text: string): { name: string; keyId: number; key: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('malformed key');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError('malformed key');
  let key: Uint8Array;
  try {
    key = fromBase64Canonical(text.slice(second + 1));
  } catch {
    throw new NoteError('malformed key encoding');
  }
  if (key.length !== 1 + ED25519_KEY_SIZE || key[0] !== ED25519_SIGNATURE_TYPE) {
    throw new NoteError('not an Ed25519 note key');
  }
  return { name, keyId: parseInt(idHex, 16), key };
}

/** Formats the verifier key string for an Ed25519 public key under `name`. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== ED25519_KEY_SIZE) throw new NoteError('Ed25519 public keys are 32 bytes');
  const key = typed(publicKey);
  return `${name}+${keyIdHex(computeKeyId(name, key))}+${toBase64(key)}`;
}

/** A verifier for an Ed25519 public key; signatures are checked per RFC 8032 (not ZIP 215). */
export function ed25519Verifier(name: string, publicKey: Uint8Array): Ed25519NoteVerifier {
  const verifierKey = formatVerifierKey(name, publicKey);
  const pub = publicKey.slice();
  return {
    name,
    keyId: computeKeyId(name, typed(pub)),
    publicKey: pub,
    verifierKey,
    verify(message: Uint8Array, signature: Uint8Array): boolean {
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return ed25519.verify(signature, message, pub, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/** Parses a verifier key string; throws NoteError if malformed or if its key ID does not match. */
export function parseVerifierKey(vkey: string): Ed25519NoteVerifier {
  const { name, keyId, key } = splitKey(vkey);
  if (computeKeyId(name, key) !== keyId) throw new NoteError('verifier key ID does not match key');
  return ed25519Verifier(name, key.slice(1));
}

/** A signer for a 32-byte Ed25519 seed (the RFC 8032 private key). */
export function ed25519Signer(name: string, seed: Uint8Array): Ed25519NoteSigner {
  if (seed.length !== ED25519_KEY_SIZE) throw new NoteError('Ed25519 seeds are 32 bytes');
  const secret = seed.slice();
  const publicKey = ed25519.getPublicKey(secret);
  const verifierKey = formatVerifierKey(name, publicKey);
  return {
    name,
    keyId: computeKeyId(name, typed(publicKey)),
    publicKey,
    verifierKey,
    sign: (message: Uint8Array) => ed25519.sign(message, secret),
  };
}

/** Parses a signer key string; throws NoteError if malformed or if its key ID does not match. */
export function parseSignerKey(skey: string): Ed25519NoteSigner {
  if (!skey.startsWith(SIGNER_PREFIX)) throw new NoteError('malformed signer key');
  const { name, keyId, key } = splitKey(skey.slice(SIGNER_PREFIX.length));
  const signer = ed25519Signer(name, key.slice(1));
  if (signer.keyId !== keyId) throw new NoteError('signer key ID does not match key');
  return signer;
}

/** Formats the signer key string for a seed. Keep it secret: it is the private key. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const { keyId } = ed25519Signer(name, seed);
  return `${SIGNER_PREFIX}${name}+${keyIdHex(keyId)}+${toBase64(typed(seed))}`;
}

/**
 * Generates a new Ed25519 note key pair from the platform CSPRNG (crypto.getRandomValues), or
 * from the given 32-byte seed for reproducible tests. Returns both key strings.
 */
export function generateNoteKeyPair(
  name: string,
  seed: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(ED25519_KEY_SIZE)),
): { signerKey: string; verifierKey: string } {
  const signer = ed25519Signer(name, seed);
  return { signerKey: formatSignerKey(name, seed), verifierKey: signer.verifierKey };
}
