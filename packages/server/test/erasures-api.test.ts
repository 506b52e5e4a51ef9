/**
 * POST /v1/erasures over real HTTP and a real store: a data subject's personal values leave the
 * tenant (reads, ip filter, full text), the erasure is recorded in the log, and every proof of the
 * erased events still verifies.
 */
import { fromHex, openCheckpoint, parseVerifierKey, verifyInclusion } from '@trailkeep/tlog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;
let admin: string;
const ids: string[] = [];

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
  admin = await t.tenantWithKey('acme-admin', ['admin'], 'acme');
  ids.length = 0;
  for (const [i, actor] of ['ada', 'bob', 'ada', 'carol'].entries()) {
    const res = await t.call(key, {
      method: 'POST',
      url: '/v1/events?sync=true',
      payload: sampleEvent({
        actor: { id: actor, email: `${actor}@example.org`, name: `${actor} Quixotic` },
        context: { ip: `198.51.100.${i + 1}`, user_agent: 'Firefox/133.0' },
        summary: `step ${i}`,
      }),
    });
    ids.push(res.json().id);
  }
});
afterEach(() => t.close());

async function tenantAdminKey(): Promise<string> {
  return (
    await t.services.admin.createKey(
      { keyId: 'cli', tenantId: null, scopes: ['admin'] },
      { tenantId: 'acme', scopes: ['admin'] },
    )
  ).key;
}

const erase = (k: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.call(k, { method: 'POST', url: '/v1/erasures', payload: payload as object, headers });

describe('POST /v1/erasures', () => {
  it('erases by actor id: values leave reads, filters and search; the erasure is an event', async () => {
    const res = await erase(await tenantAdminKey(), { actor_id: 'ada' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tenant_id: 'acme', events_erased: 2, fields_erased: 8, event: { sequence: 5 } });
    const first = (await t.call(key, { method: 'GET', url: `/v1/events/${ids[0]}` })).json();
    expect(first.actor).toEqual({ id: 'ada', type: 'user' });
    expect(first.context.ip).toBeUndefined();
    expect(first.erased).toEqual(['/actor/email', '/actor/name', '/context/ip', '/context/user_agent']);
    const bob = (await t.call(key, { method: 'GET', url: `/v1/events/${ids[1]}` })).json();
    expect(bob.actor.email).toBe('bob@example.org');
    const byIp = (await t.call(key, { method: 'GET', url: '/v1/events?ip=198.51.100.1' })).json();
    expect(byIp.data).toEqual([]);
    const search = (await t.call(key, { method: 'GET', url: '/v1/events?q=Quixotic&order=asc' })).json();
    expect(search.data.map((e: { actor: { id: string } }) => e.actor.id)).toEqual(['bob', 'carol']);
    const recorded = (await t.call(key, { method: 'GET', url: '/v1/events?action=trailkeep.subject.erase' })).json();
    expect(recorded.data).toHaveLength(1);
    expect(recorded.data[0]).toMatchObject({
      sequence: 5,
      target: { type: 'data_subject', id: 'ada' },
      metadata: { matched_by: 'actor_id', events_erased: 2, fields_erased: 8 },
    });
  });

  it('erases by email, and never writes the email into the erasure event', async () => {
    const res = await erase(t.adminKey, { email: 'carol@example.org' }, { 'x-tenant-id': 'acme' });
    expect(res.json()).toMatchObject({ events_erased: 1, fields_erased: 4 });
    const recorded = (await t.call(key, { method: 'GET', url: '/v1/events?action=trailkeep.subject.erase' })).json();
    expect(JSON.stringify(recorded)).not.toContain('carol@');
    expect(recorded.data[0].metadata).toMatchObject({ matched_by: 'email' });
  });

  it('leaves every proof of the erased events valid', async () => {
    await erase(await tenantAdminKey(), { actor_id: 'ada' });
    await t.services.integrator.waitForCheckpoint('acme', 5, 10_000);
    const vkey = parseVerifierKey(t.services.checkpointKey.verifierKey('localhost/t/acme'));
    const event = (await t.call(key, { method: 'GET', url: `/v1/events/${ids[0]}` })).json();
    const proof = (await t.call(key, { method: 'GET', url: `/v1/log/proof/inclusion?event_id=${ids[0]}` })).json();
    const { checkpoint } = openCheckpoint(proof.checkpoint, 'localhost/t/acme', [vkey]);
    expect(proof.leaf_hash).toBe(event.hash);
    verifyInclusion(0, checkpoint.size, fromHex(event.hash), proof.hashes.map(fromHex), checkpoint.rootHash);
  });

  it.each([
    [{}, 400, 'TK_ERR_VALIDATION'],
    [{ actor_id: 'ada', email: 'ada@example.org' }, 400, 'TK_ERR_VALIDATION'],
    [{ actor_id: '' }, 400, 'TK_ERR_VALIDATION'],
    [{ name: 'ada' }, 400, 'TK_ERR_VALIDATION'],
  ])('refuses %j', async (payload, status, code) => {
    const res = await erase(await tenantAdminKey(), payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().code).toBe(code);
  });

  it('needs the admin scope on the tenant', async () => {
    expect((await erase(key, { actor_id: 'ada' })).json().code).toBe('TK_ERR_FORBIDDEN');
    expect((await erase(t.adminKey, { actor_id: 'ada' })).json().code).toBe('TK_ERR_TENANT_REQUIRED');
    const other = await t.tenantWithKey('globex', ['admin']);
    expect((await erase(other, { actor_id: 'ada' }, { 'x-tenant-id': 'acme' })).statusCode).toBe(403);
    // An admin of a child tenant administers only below itself.
    expect((await erase(admin, { actor_id: 'ada' }, { 'x-tenant-id': 'acme' })).statusCode).toBe(403);
    expect((await t.call(key, { method: 'GET', url: `/v1/events/${ids[0]}` })).json().actor.email).toBe(
      'ada@example.org',
    );
  });
});
