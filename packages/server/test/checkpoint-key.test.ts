/**
 * The installation's checkpoint key: generated once into the data directory (0600), or given by
 * TRAILKEEP_SIGNER_KEY; node:crypto signatures that tlog (and Go's note package) verify.
 */
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNoteKeyPair, openNote, parseSignerKey, parseVerifierKey, signNote } from '@trailkeep/tlog';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_KEY_FILE,
  assertCheckpointKeyMatches,
  checkpointKeyFromSeed,
  loadCheckpointKey,
} from '../src/config/checkpoint-key.js';
import { createTreeIntegrationStep } from '../src/domain/tree-integration.js';
import { createTestStorage } from './helpers/test-storage.js';
import { addTenant, append, sealed } from './storage/conformance/fixtures.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { makeTempDir } from './helpers/temp-dir.js';

const temps: Array<() => void> = [];
afterEach(() => temps.splice(0).forEach((remove) => remove()));

function dataDir(): string {
  const temp = makeTempDir();
  temps.push(temp.remove);
  return temp.dir;
}

describe('the checkpoint key', () => {
  it('is generated on first use into the data directory, readable by its owner only, and kept', () => {
    const dir = dataDir();
    const config = loadConfig({}, { dataDir: dir });
    const first = loadCheckpointKey(config);
    const file = join(dir, CHECKPOINT_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(
      /^PRIVATE\+KEY\+trailkeep-checkpoints\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}\n$/,
    );
    expect(loadCheckpointKey(config).verifierKey('x/t/acme')).toBe(first.verifierKey('x/t/acme'));
  });

  it('signs each log under its origin with node:crypto, verifiably by tlog', () => {
    const key = loadCheckpointKey(loadConfig({}, { dataDir: dataDir() }));
    const note = signNote('localhost/t/acme\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n', [
      key.signer('localhost/t/acme'),
    ]);
    const verifier = parseVerifierKey(key.verifierKey('localhost/t/acme'));
    expect(openNote(note, [verifier]).verified).toHaveLength(1);
    expect(key.verifierKey('localhost/t/globex')).not.toBe(key.verifierKey('localhost/t/acme'));
  });

  it('uses TRAILKEEP_SIGNER_KEY when given (its seed, whatever its name)', () => {
    const { signerKey } = generateNoteKeyPair('elsewhere', new Uint8Array(32).fill(5));
    const key = loadCheckpointKey(loadConfig({ TRAILKEEP_SIGNER_KEY: signerKey }, { dataDir: dataDir() }));
    const expected = parseSignerKey(generateNoteKeyPair('localhost/t/acme', new Uint8Array(32).fill(5)).signerKey);
    expect(key.verifierKey('localhost/t/acme')).toBe(expected.verifierKey);
  });

  it('refuses a malformed or tampered key, naming where it came from', () => {
    const { signerKey } = generateNoteKeyPair('k', new Uint8Array(32).fill(5));
    const wrongId = signerKey.replace(/\+k\+[0-9a-f]{8}\+/, '+k+00000000+');
    expect(() => loadCheckpointKey(loadConfig({ TRAILKEEP_SIGNER_KEY: wrongId }))).toThrow(ConfigError);
    expect(() => loadCheckpointKey(loadConfig({ TRAILKEEP_SIGNER_KEY: wrongId }))).toThrow(/TRAILKEEP_SIGNER_KEY/);
    expect(() => loadConfig({ TRAILKEEP_SIGNER_KEY: 'not a key' })).toThrow(/TRAILKEEP_SIGNER_KEY/);
  });

  it('has integration settings with defaults, read from TRAILKEEP_* variables', () => {
    expect(loadConfig({})).toMatchObject({ integrationIntervalMs: 100, treeIntegration: true });
    expect(loadConfig({})).not.toHaveProperty('signerKey');
    const env = { TRAILKEEP_TREE_INTEGRATION: 'false', TRAILKEEP_INTEGRATION_INTERVAL_MS: '250' };
    expect(loadConfig(env)).toMatchObject({ integrationIntervalMs: 250, treeIntegration: false });
    expect(() => loadConfig({ TRAILKEEP_INTEGRATION_INTERVAL_MS: '-1' })).toThrow(/TRAILKEEP_INTEGRATION_INTERVAL_MS/);
    expect(loadConfig({ TRAILKEEP_SIGNER_KEY_FILE: '/etc/trailkeep/key' }).signerKeyFile).toBe('/etc/trailkeep/key');
  });

  it('must be the key that signed the database’s checkpoints', async () => {
    const storage = await createTestStorage();
    const store = await storage.openStore();
    try {
      const signer = checkpointKeyFromSeed(new Uint8Array(32).fill(7));
      const other = checkpointKeyFromSeed(new Uint8Array(32).fill(8));
      await assertCheckpointKeyMatches(store, other, 'nothing signed yet');
      await addTenant(store, 'acme');
      await append(store, 'acme', [sealed()]);
      const step = createTreeIntegrationStep({ key: signer, maxLeaves: 10, checkpointIntervalMs: 1000 });
      await store.integrateTrees(['acme'], step);
      await assertCheckpointKeyMatches(store, signer, 'the signer');
      await expect(assertCheckpointKeyMatches(store, other, 'key.file')).rejects.toThrow(
        /tenant acme were signed with another key than key\.file/,
      );
    } finally {
      await store.close();
      await storage.remove();
    }
  });
});
