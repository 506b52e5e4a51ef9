/**
 * Trailkeep leaf format v1 worked example (fixtures/leaf-v1.json): every intermediate value is
 * recomputed from the event and the fixed salts with the functions of leaf-v1.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PERSONAL_POINTERS,
  bodyDigest,
  buildEntry,
  canonicalJson,
  commitment,
  entryLeafHashHex,
  getAtPointer,
  parseEntry,
  revealBody,
  sealBody,
  sha256Hex,
  type JsonObject,
} from '../src/index.js';

interface Fixture {
  event: JsonObject;
  salts: Record<string, string>;
  log: string;
  sequence: number;
  prev: string;
  received_at: string;
  expected: {
    commitments: Record<string, string>;
    sealed_body_jcs: string;
    body_sha256: string;
    entry: string;
    leaf_hash: string;
  };
}

const fx = JSON.parse(readFileSync(new URL('./fixtures/leaf-v1.json', import.meta.url), 'utf8')) as Fixture;

/** sealBody asks for one salt per present pointer, in pointer order: hand out the fixed ones. */
function fixedSalts(): () => string {
  const order = DEFAULT_PERSONAL_POINTERS.filter((p) => getAtPointer(fx.event, p) !== undefined);
  let next = 0;
  return () => {
    const salt = fx.salts[order[next++] ?? ''];
    if (salt === undefined) throw new Error('no fixed salt left');
    return salt;
  };
}

describe('leaf format v1 worked example', () => {
  const { sealed, disclosures, commitments } = sealBody(fx.event, DEFAULT_PERSONAL_POINTERS, fixedSalts());

  it('uses each fixed salt for its own pointer', () => {
    expect(Object.keys(disclosures).sort()).toEqual(Object.keys(fx.salts).sort());
    for (const [pointer, salt] of Object.entries(fx.salts)) {
      expect(disclosures[pointer]).toEqual({ salt, value: getAtPointer(fx.event, pointer) });
    }
  });

  it.each(Object.entries(fx.expected.commitments))('commitment of %s', (pointer, expected) => {
    expect(commitment(fx.salts[pointer] as string, pointer, getAtPointer(fx.event, pointer))).toBe(expected);
    expect(getAtPointer(sealed, pointer)).toEqual({ _sd: expected });
    expect(commitments[pointer]).toBe(expected);
  });

  it('names the commitments it made, and only those', () => {
    expect(Object.keys(commitments).sort()).toEqual(Object.keys(fx.expected.commitments).sort());
  });

  it('sealed body JCS', () => {
    expect(canonicalJson(sealed)).toBe(fx.expected.sealed_body_jcs);
  });

  it('body SHA-256', () => {
    expect(bodyDigest(sealed)).toBe(fx.expected.body_sha256);
    expect(sha256Hex(fx.expected.sealed_body_jcs)).toBe(fx.expected.body_sha256);
  });

  it('entry', () => {
    const entry = buildEntry({
      log: fx.log,
      sequence: fx.sequence,
      prev: fx.prev,
      receivedAt: fx.received_at,
      body: bodyDigest(sealed),
    });
    expect(entry).toBe(fx.expected.entry);
    expect(parseEntry(entry)).toEqual({
      v: 1,
      log: fx.log,
      idx: '1',
      prev: fx.prev,
      rcv: fx.received_at,
      body: fx.expected.body_sha256,
    });
  });

  it('leaf hash', () => {
    expect(entryLeafHashHex(fx.expected.entry)).toBe(fx.expected.leaf_hash);
  });

  it('opens back to the event, and detects a tampered disclosure', () => {
    expect(revealBody(sealed, disclosures)).toEqual({ body: fx.event, erased: [], mismatched: [] });
    const tampered = {
      ...disclosures,
      '/actor/email': { salt: fx.salts['/actor/email'] as string, value: 'eve@example.org' },
    };
    expect(revealBody(sealed, tampered).mismatched).toEqual(['/actor/email']);
  });

  it('a different salt gives a different commitment', () => {
    const value = getAtPointer(fx.event, '/actor/email');
    expect(commitment('AAECAwQFBgcICQoLDA0OEA', '/actor/email', value)).not.toBe(
      fx.expected.commitments['/actor/email'],
    );
  });
});
