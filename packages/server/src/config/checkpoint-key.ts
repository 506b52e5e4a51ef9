/**
 * The installation's checkpoint signing key (DESIGN §3): one Ed25519 key, given by configuration
 * or generated on first start into the data directory (mode 0600). It is stored as a C2SP note
 * signer key, `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`, readable by Go's note package;
 * each tenant's log signs under its own origin as key name, so every log has its own vkey.
 * Signing uses node:crypto (several times faster than the pure-JS signer the browser build has).
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ed25519Verifier,
  fromBase64,
  generateNoteKeyPair,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
} from '@trailkeep/tlog';
import type { AuditStore } from '../storage/port.js';
import type { CheckpointKey } from '../domain/tree.js';
import { ConfigError, type Config } from './config.js';

/** File name of a generated key in the data directory. */
export const CHECKPOINT_KEY_FILE = 'checkpoint-signer.key';

/** Key name a generated key file carries; logs sign under their origins, not this name. */
const GENERATED_KEY_NAME = 'trailkeep-checkpoints';

/** The 32-byte seed of a note signer key string; throws ConfigError if it is not one. */
export function seedOfSignerKey(skey: string, source: string): Uint8Array {
  try {
    parseSignerKey(skey);
  } catch (error) {
    throw new ConfigError(`${source} is not a valid note signer key: ${(error as Error).message}`);
  }
  // PRIVATE+KEY+<name>+<id>+<base64>: the name and id hold no '+', the base64 may.
  const afterName = skey.indexOf('+', 'PRIVATE+KEY+'.length);
  return fromBase64(skey.slice(skey.indexOf('+', afterName + 1) + 1)).slice(1);
}

/** Reads the key file, creating it (exclusively, mode 0600) if it does not exist. */
function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { signerKey } = generateNoteKeyPair(GENERATED_KEY_NAME);
  try {
    writeFileSync(path, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
    return signerKey;
  } catch (error) {
    // Another process created it first: use theirs, so every process signs with one key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}

/** Where the key comes from: TRAILKEEP_SIGNER_KEY, else the key file (generated when missing). */
export function checkpointKeySource(config: Config): { skey: string; source: string } {
  if (config.signerKey !== undefined) return { skey: config.signerKey, source: 'TRAILKEEP_SIGNER_KEY' };
  const path = config.signerKeyFile ?? join(config.dataDir, CHECKPOINT_KEY_FILE);
  return { skey: readOrCreateKeyFile(path), source: path };
}

// RFC 8410 PKCS#8 wrapping of a raw Ed25519 private key (the 32-byte seed follows).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A CheckpointKey over a 32-byte Ed25519 seed. */
export function checkpointKeyFromSeed(seed: Uint8Array): CheckpointKey {
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
  const signers = new Map<string, NoteSigner>();
  return {
    publicKey,
    verifierKey: (origin) => ed25519Verifier(origin, publicKey).verifierKey,
    signer(origin) {
      let signer = signers.get(origin);
      if (signer === undefined) {
        const { keyId } = ed25519Verifier(origin, publicKey);
        signer = { name: origin, keyId, sign: (message) => new Uint8Array(sign(null, message, privateKey)) };
        if (signers.size >= 10_000) signers.clear();
        signers.set(origin, signer);
      }
      return signer;
    },
  };
}

/** The configured checkpoint key, and where it came from (for messages). */
export function loadCheckpointKey(config: Config): CheckpointKey & { source: string } {
  const { skey, source } = checkpointKeySource(config);
  return { ...checkpointKeyFromSeed(seedOfSignerKey(skey, source)), source };
}

/**
 * Refuses a key that did not sign this database's checkpoints: every process of an installation
 * must sign with the same key (several servers on one PostgreSQL each have their own data
 * directory, hence their own generated key, unless TRAILKEEP_SIGNER_KEY gives them one), or a
 * tenant's log would carry checkpoints under different vkeys. Checks the newest checkpoints of the
 * first tenants that have one.
 */
export async function assertCheckpointKeyMatches(
  store: Pick<AuditStore, 'listTenants' | 'getLatestCheckpoint'>,
  key: CheckpointKey,
  source: string,
): Promise<void> {
  let checked = 0;
  for (const tenant of await store.listTenants()) {
    if (checked >= 3) return;
    const checkpoint = await store.getLatestCheckpoint(tenant.id);
    if (checkpoint === undefined) continue;
    checked++;
    try {
      openNote(checkpoint.note, [parseVerifierKey(key.verifierKey(tenant.logOrigin))]);
    } catch {
      throw new ConfigError(
        `the checkpoints of tenant ${tenant.id} were signed with another key than ${source}; give every server of this installation the same key (TRAILKEEP_SIGNER_KEY)`,
      );
    }
  }
}
