/**
 * GET /v1/exports over real HTTP: a streamed JSON Lines evidence bundle that tlog verifies with
 * the tenant's vkey alone, whole or from a sequence on; every export is recorded in the log.
 */
import { parseVerifierKey, verifyEvidence } from '@trailkeep/tlog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
  const payload = { events: Array.from({ length: 25 }, (_, i) => sampleEvent({ summary: `e${i}` })) };
  await t.call(key, { method: 'POST', url: '/v1/events/batch', payload });
});
afterEach(() => t.close());

async function vkey(): Promise<string> {
  return (await t.call(key, { method: 'GET', url: '/v1/log/key' })).json().vkey;
}

describe('GET /v1/exports', () => {
  it('streams a bundle of every sequenced event that verifies with the vkey alone', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/exports' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jsonl/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="acme-25.evidence.jsonl"');
    const lines = res.body.split('\n');
    expect(lines).toHaveLength(28); // header, 25 events, trailer, and the final newline
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'trailkeep-evidence', version: 1, tree_size: 25 });
    const verdict = verifyEvidence(lines, { verifiers: [parseVerifierKey(await vkey())] });
    expect(verdict).toMatchObject({ ok: true, eventsChecked: 25, treeSize: 25, origin: 'localhost/t/acme' });
  });

  it('records the export, with the key that took it, in the log', async () => {
    await t.call(key, { method: 'GET', url: '/v1/exports' });
    const page = (await t.call(key, { method: 'GET', url: '/v1/events?action=trailkeep.log.export' })).json();
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({
      sequence: 26,
      actor: { type: 'api_key' },
      metadata: { format: 'trailkeep-evidence/1', tree_size: 25, first_sequence: 1 },
    });
    const keys = await t.store.listApiKeys('acme');
    expect(keys.map((k) => k.id)).toContain(page.data[0].actor.id);
  });

  it('exports from a sequence on, with the prefix the root needs', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/exports?from_sequence=11' });
    const lines = res.body.split('\n');
    expect(JSON.parse(lines[0]!).prefix.size).toBe(10);
    const verdict = verifyEvidence(lines, { verifiers: [parseVerifierKey(await vkey())] });
    expect(verdict).toMatchObject({ ok: true, firstSequence: 11, eventsChecked: 15 });
  });

  it('refuses a start beyond the log, an empty log, and keys without read access', async () => {
    const beyond = await t.call(key, { method: 'GET', url: '/v1/exports?from_sequence=99' });
    expect(beyond.json()).toMatchObject({ status: 400, code: 'TK_ERR_INVALID_TREE_SIZE', field: 'from_sequence' });
    const empty = await t.tenantWithKey('empty');
    expect((await t.call(empty, { method: 'GET', url: '/v1/exports' })).json().code).toBe(
      'TK_ERR_CHECKPOINT_NOT_FOUND',
    );
    const writer = await t.tenantWithKey('writer', ['events:write']);
    expect((await t.call(writer, { method: 'GET', url: '/v1/exports' })).statusCode).toBe(403);
  });
});
