/**
 * The verifiable-log API over real HTTP (app.inject) and a real store: checkpoints signed by the
 * tenant's vkey, inclusion and consistency proofs that tlog verifies, tlog-proof text, tlog-tiles.
 */
import {
  CompactRange,
  consistencyProof,
  fromHex,
  inclusionProof,
  leafHash,
  memoryNodeReader,
  openCheckpoint,
  parseEntryBundle,
  parseHashTile,
  parseVerifierKey,
  toHex,
  utf8,
  verifyConsistency,
  verifyInclusion,
  verifyTlogProof,
} from '@trailkeep/tlog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;
let vkey: string;
const ORIGIN = 'localhost/t/acme';
const EVENTS = 300;

beforeAll(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
  const batch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => sampleEvent({ summary: `e${i}` })) });
  for (let i = 0; i < EVENTS / 100; i++) {
    expect((await t.call(key, { method: 'POST', url: '/v1/events/batch', payload: batch(100) })).statusCode).toBe(200);
  }
  await t.services.integrator.waitForCheckpoint('acme', EVENTS, 10_000);
  vkey = (await t.call(key, { method: 'GET', url: '/v1/log/key' })).json().vkey;
});
afterAll(() => t.close());

async function storedLeafHashes(size: number): Promise<Uint8Array[]> {
  return t.store.getLeafHashes('acme', 1, size);
}

describe('checkpoints and keys', () => {
  it('serves the vkey named by the log origin, as JSON and as text', async () => {
    expect(vkey).toMatch(/^localhost\/t\/acme\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const text = await t.call(key, { method: 'GET', url: '/v1/log/key', headers: { accept: 'text/plain' } });
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.body).toBe(`${vkey}\n`);
    expect(t.services.checkpointKey.verifierKey(ORIGIN)).toBe(vkey);
  });

  it('serves a checkpoint signed by that key whose root is the tree of every stored leaf', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/log/checkpoint' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const { checkpoint } = openCheckpoint(res.body, ORIGIN, [parseVerifierKey(vkey)]);
    expect(checkpoint.size).toBe(EVENTS);
    const range = new CompactRange();
    for (const h of await storedLeafHashes(EVENTS)) range.append(h);
    expect(toHex(checkpoint.rootHash)).toBe(toHex(range.root()));
  });

  it('answers 404 TK_ERR_CHECKPOINT_NOT_FOUND for a log with no events yet', async () => {
    const other = await t.tenantWithKey('empty-log');
    const res = await t.call(other, { method: 'GET', url: '/v1/log/checkpoint' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TK_ERR_CHECKPOINT_NOT_FOUND');
  });
});

describe('inclusion proofs', () => {
  it.each([1, 2, 128, 255, 256, 257, 299, 300])('proves sequence %i against the newest checkpoint', async (seq) => {
    const res = await t.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?sequence=${seq}` });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ origin: ORIGIN, sequence: seq, leaf_index: seq - 1, tree_size: EVENTS });
    expect(p.leaf_hash).toBe(toHex(leafHash(utf8(p.entry))));
    const { checkpoint } = openCheckpoint(p.checkpoint, ORIGIN, [parseVerifierKey(vkey)]);
    verifyInclusion(seq - 1, EVENTS, fromHex(p.leaf_hash), p.hashes.map(fromHex), checkpoint.rootHash);
  });

  it('proves against any earlier tree size, identically to an in-memory tree', async () => {
    const leaves = await storedLeafHashes(EVENTS);
    const reader = memoryNodeReader(leaves);
    for (const [seq, size] of [
      [1, 1],
      [3, 7],
      [200, 256],
      [256, 257],
      [100, 299],
    ] as const) {
      const p = (
        await t.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?sequence=${seq}&tree_size=${size}` })
      ).json();
      expect(p.hashes).toEqual(inclusionProof(seq - 1, size, reader).map(toHex));
      const root = new CompactRange();
      leaves.slice(0, size).forEach((h) => root.append(h));
      expect(p.root_hash).toBe(toHex(root.root()));
    }
  });

  it('finds the event by id', async () => {
    const page = (await t.call(key, { method: 'GET', url: '/v1/events?order=asc&limit=5' })).json();
    const event = page.data[4];
    const p = (await t.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?event_id=${event.id}` })).json();
    expect(p.sequence).toBe(5);
    expect(p.leaf_hash).toBe(event.hash);
  });

  it('answers C2SP tlog-proof text that tlog verifies', async () => {
    const res = await t.call(key, {
      method: 'GET',
      url: '/v1/log/proof/inclusion?sequence=42',
      headers: { accept: 'text/x.tlog-proof' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/x\.tlog-proof/);
    const [leaf] = await t.store.getLeafHashes('acme', 42, 42);
    const { proof, checkpoint } = verifyTlogProof(res.body, leaf!, ORIGIN, [parseVerifierKey(vkey)]);
    expect(proof.index).toBe(41);
    expect(checkpoint.size).toBe(EVENTS);
  });

  it('returns the proof with a sync ingest on ?proof=true', async () => {
    const res = await t.call(key, { method: 'POST', url: '/v1/events?proof=true', payload: sampleEvent() });
    expect(res.statusCode).toBe(201);
    const event = res.json();
    const { checkpoint } = openCheckpoint(event.proof.checkpoint, ORIGIN, [parseVerifierKey(vkey)]);
    expect(event.proof.sequence).toBe(event.sequence_number);
    expect(event.proof.leaf_hash).toBe(event.hash);
    verifyInclusion(
      event.sequence_number - 1,
      checkpoint.size,
      fromHex(event.hash),
      event.proof.hashes.map(fromHex),
      checkpoint.rootHash,
    );
  });

  it.each([
    ['sequence=1&event_id=x', 400, 'TK_ERR_VALIDATION'],
    ['tree_size=1', 400, 'TK_ERR_VALIDATION'],
    ['sequence=5&tree_size=4', 400, 'TK_ERR_INVALID_TREE_SIZE'],
    ['sequence=5&tree_size=1000000', 400, 'TK_ERR_INVALID_TREE_SIZE'],
    ['sequence=999999', 404, 'TK_ERR_EVENT_NOT_FOUND'],
    ['sequence=0', 400, 'TK_ERR_VALIDATION'],
  ])('refuses ?%s with %i %s', async (query, status, code) => {
    const res = await t.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?${query}` });
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
  });

  it('answers 406 for tlog-proof text of a tree size without a stored checkpoint', async () => {
    const res = await t.call(key, {
      method: 'GET',
      url: '/v1/log/proof/inclusion?sequence=1&tree_size=3',
      headers: { accept: 'text/x.tlog-proof' },
    });
    expect(res.statusCode).toBe(406);
    expect(res.json().code).toBe('TK_ERR_NOT_ACCEPTABLE');
  });
});

describe('consistency proofs', () => {
  it('proves every old size against the newest checkpoint, as tlog computes', async () => {
    const leaves = await storedLeafHashes(EVENTS);
    const reader = memoryNodeReader(leaves);
    const rootOf = (size: number) => {
      const r = new CompactRange();
      leaves.slice(0, size).forEach((h) => r.append(h));
      return r.root();
    };
    for (const old of [1, 2, 3, 64, 255, 256, 257, 299, 300]) {
      const res = await t.call(key, { method: 'GET', url: `/v1/log/proof/consistency?old=${old}&new=${EVENTS}` });
      expect(res.statusCode).toBe(200);
      const p = res.json();
      expect(p.hashes).toEqual(old === EVENTS ? [] : consistencyProof(old, EVENTS, reader).map(toHex));
      expect(p.old_root).toBe(toHex(rootOf(old)));
      verifyConsistency(old, EVENTS, p.hashes.map(fromHex), rootOf(old), fromHex(p.new_root));
    }
  });

  it('refuses an old size above the new one, and tlog-proof text', async () => {
    const bad = await t.call(key, { method: 'GET', url: '/v1/log/proof/consistency?old=20&new=10' });
    expect(bad.json().code).toBe('TK_ERR_INVALID_TREE_SIZE');
    const text = await t.call(key, {
      method: 'GET',
      url: '/v1/log/proof/consistency?old=1',
      headers: { accept: 'text/x.tlog-proof' },
    });
    expect(text.statusCode).toBe(406);
  });
});

describe('tlog-tiles', () => {
  it('serves full and partial hash tiles and entry bundles matching the stored leaves', async () => {
    const leaves = await storedLeafHashes(EVENTS);
    const full = await t.call(key, { method: 'GET', url: '/v1/log/tile/0/000' });
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(parseHashTile(full.rawPayload).map(toHex)).toEqual(leaves.slice(0, 256).map(toHex));
    const partial = await t.call(key, { method: 'GET', url: '/v1/log/tile/0/001.p/30' });
    expect(parseHashTile(partial.rawPayload).map(toHex)).toEqual(leaves.slice(256, 286).map(toHex));
    const bundle = await t.call(key, { method: 'GET', url: '/v1/log/tile/entries/000.p/10' });
    expect(parseEntryBundle(bundle.rawPayload).map((e) => toHex(leafHash(e)))).toEqual(leaves.slice(0, 10).map(toHex));
  });

  it.each(['1/000', '0/002', '0/001', 'nonsense', '0/001.p/0', '0/1'])('answers 404 for tile %s', async (path) => {
    const res = await t.call(key, { method: 'GET', url: `/v1/log/tile/${path}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TK_ERR_TILE_NOT_FOUND');
  });
});

describe('integration figures', () => {
  it('shows installation admins the commit-to-integration lag, and no one else', async () => {
    const res = await t.call(t.adminKey, { method: 'GET', url: '/v1/log/integration' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.lag_ms.samples).toBeGreaterThan(0);
    expect(body.lag_ms.p99).toBeGreaterThanOrEqual(body.lag_ms.p50);
    expect(body.rounds).toBeGreaterThan(0);
    expect((await t.call(key, { method: 'GET', url: '/v1/log/integration' })).statusCode).toBe(403);
  });
});

describe('access', () => {
  it("never shows another tenant's log", async () => {
    const other = await t.tenantWithKey('globex');
    const res = await t.call(other, { method: 'GET', url: '/v1/log/checkpoint', headers: { 'x-tenant-id': 'acme' } });
    expect(res.statusCode).toBe(403);
    expect((await t.call(undefined, { method: 'GET', url: '/v1/log/checkpoint' })).statusCode).toBe(401);
    const writer = await t.tenantWithKey('writer-only', ['events:write']);
    expect((await t.call(writer, { method: 'GET', url: '/v1/log/key' })).statusCode).toBe(403);
  });
});
