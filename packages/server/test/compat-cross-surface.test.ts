import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let keyA: string;
let keyB: string;

beforeEach(async () => {
  t = await createTestApp();
  keyA = await t.tenantWithKey('tenant-a');
  keyB = await t.tenantWithKey('tenant-b');
});
afterEach(() => t.close());

const json = { 'content-type': 'application/json' };

/** One event through each ingest surface, as each surface's clients send it. */
async function ingestThroughEverySurface(
  key: string,
  tenant: string,
): Promise<{ auditr: string; records: string; native: string }> {
  const auditr = await t.app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { ...json, authorization: `Bearer ${key}` },
    payload: {
      org_id: tenant,
      action: 'user.login',
      action_result: 'failure',
      actor_id: '42',
      actor_type: 'user',
      actor_email: 'ada@example.org',
      client_ip: '81.2.69.142',
      request_method: 'POST',
      request_path: '/login',
      response_status: 401,
      occurred_at: '2024-05-01T08:00:00Z',
    },
  });
  const records = await t.app.inject({
    method: 'POST',
    url: '/api/audit-trail/records',
    headers: { ...json, 'x-api-key': key },
    payload: {
      event_type: 'invoice.approved',
      summary: 'Approved',
      category: 'billing',
      application_key: 'billing',
      entity_type: 'invoice',
      entity_id: '1001',
      severity: 'high',
      params: { amount: 10 },
    },
  });
  const native = await t.app.inject({
    method: 'POST',
    url: '/v1/events?sync=true',
    headers: { ...json, authorization: `Bearer ${key}` },
    payload: {
      action: 'document.delete',
      category: 'docs',
      outcome: 'success',
      actor: { id: '7', email: 'grace@example.org' },
      resource: { type: 'document', id: '55', name: 'Plan' },
      timestamp: '2024-05-02T09:00:00Z',
      context: { session_id: 'sess-9', vm_id: 'vm-1' },
    },
  });
  for (const res of [auditr, records, native]) expect(res.statusCode, res.body).toBeLessThan(300);
  return { auditr: auditr.json().id, records: records.json().id, native: native.json().id };
}

const byId = <T extends Record<string, unknown>>(items: T[], field: string) =>
  new Map(items.map((item) => [item[field] as string, item]));

describe('one canonical log behind every surface', () => {
  it('shows events from auditr, records and the native API, mapped, in /v1/audit/events', async () => {
    const ids = await ingestThroughEverySurface(keyA, 'tenant-a');
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/audit/events',
      headers: { authorization: `Bearer ${keyA}` },
    });
    const items = byId(res.json().items, 'id');
    expect(items.size).toBe(3);
    expect(items.get(ids.auditr)).toMatchObject({
      event_type: 'user.login',
      status: 'failure',
      actor_type: 'user',
      user_id: 42,
      ip_address: '81.2.69.142',
      http_method: 'POST',
      path: '/login',
      http_status: 401,
    });
    expect(items.get(ids.records)).toMatchObject({
      event_type: 'invoice.approved',
      event_group: 'billing',
      actor_type: 'api_key',
      user_id: null,
      resource_type: 'invoice',
      resource_id: '1001',
      ip_address: '127.0.0.1',
      event_payload: { params: { amount: 10 } },
    });
    expect(items.get(ids.native)).toMatchObject({
      event_type: 'document.delete',
      event_group: 'docs',
      status: 'success',
      user_id: 7,
      resource_type: 'document',
      resource_id: '55',
      session_id: 'sess-9',
      vm_id: 'vm-1',
    });
    const onlyVm = await t.app.inject({
      method: 'GET',
      url: '/v1/audit/events?vm_id=vm-1',
      headers: { 'x-api-key': keyA },
    });
    expect(onlyVm.json().items.map((i: { id: string }) => i.id)).toEqual([ids.native]);
  });

  it('shows them, mapped, in /audit-events/ and GET /v1/events', async () => {
    const ids = await ingestThroughEverySurface(keyA, 'tenant-a');
    const drf = await t.app.inject({
      method: 'GET',
      url: '/audit-events/',
      headers: { authorization: `Token ${keyA}` },
    });
    expect(drf.json().count).toBe(3);
    const results = byId(drf.json().results, 'uuid');
    expect(results.get(ids.auditr)).toMatchObject({
      timestamp: '2024-05-01T08:00:00.000Z',
      remote_addr: '81.2.69.142',
      url: '/login',
      user: 42,
      user_email: 'ada@example.org',
      content_type: null,
      object_id: null,
    });
    expect(results.get(ids.records)).toMatchObject({ object_id: 1001, content_type: expect.any(Number), user: null });
    expect(results.get(ids.native)).toMatchObject({ object_id: 55, content_type: expect.any(Number), user: 7 });

    const native = await t.app.inject({
      method: 'GET',
      url: '/v1/events',
      headers: { authorization: `Bearer ${keyA}` },
    });
    const events = byId(native.json().data, 'id');
    expect(events.get(ids.auditr)).toMatchObject({
      outcome: 'failure',
      actor: { type: 'user', id: '42', email: 'ada@example.org' },
      context: { ip: '81.2.69.142', http: { method: 'POST', path: '/login', status: 401 } },
      enrichment: { geo: { country_code: 'GB' } },
    });
    expect(events.get(ids.records)).toMatchObject({
      action: 'invoice.approved',
      severity: 'high',
      summary: 'Approved',
      target: { type: 'invoice', id: '1001' },
      application: { key: 'billing' },
    });
    expect(events.get(ids.native)).toMatchObject({ tenant_id: 'tenant-a', target: { type: 'document', id: '55' } });
  });
});

describe('tenant isolation on every surface', () => {
  it('never shows tenant B to a key of tenant A', async () => {
    const idsB = await ingestThroughEverySurface(keyB, 'tenant-b');
    await ingestThroughEverySurface(keyA, 'tenant-a');
    const bIds = new Set(Object.values(idsB));

    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/audit/events',
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(list.json().items.some((i: { id: string }) => bIds.has(i.id))).toBe(false);
    const drf = await t.app.inject({
      method: 'GET',
      url: '/audit-events/',
      headers: { authorization: `Token ${keyA}` },
    });
    expect(drf.json().count).toBe(3);
    expect(drf.json().results.some((r: { uuid: string }) => bIds.has(r.uuid))).toBe(false);
    for (const id of bIds) {
      const one = await t.app.inject({
        method: 'GET',
        url: `/audit-events/${id}/`,
        headers: { authorization: `Token ${keyA}` },
      });
      expect(one.statusCode).toBe(404);
    }
    // The native API, listing and by id: tenant B's auditr-, records- and native-ingested ids are
    // not there for A, while B's own key reads each of them (so the ids are right).
    const nativeList = await t.app.inject({
      method: 'GET',
      url: '/v1/events?limit=200',
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(nativeList.statusCode).toBe(200);
    expect(nativeList.json().data).toHaveLength(3);
    expect(nativeList.json().data.some((e: { id: string }) => bIds.has(e.id))).toBe(false);
    for (const [surface, id] of Object.entries(idsB)) {
      const asA = await t.app.inject({
        method: 'GET',
        url: `/v1/events/${id}`,
        headers: { authorization: `Bearer ${keyA}` },
      });
      expect(asA.statusCode, surface).toBe(404);
      // The answer an id that exists nowhere gets: nothing says the event exists elsewhere.
      expect(asA.json(), surface).toMatchObject({ code: 'TK_ERR_EVENT_NOT_FOUND' });
      expect(asA.body, surface).not.toContain('tenant-b');
      const asB = await t.app.inject({
        method: 'GET',
        url: `/v1/events/${id}`,
        headers: { authorization: `Bearer ${keyB}` },
      });
      expect(asB.statusCode, surface).toBe(200);
      expect(asB.json().tenant_id, surface).toBe('tenant-b');
    }
    const apps = await t.app.inject({
      method: 'GET',
      url: '/v1/applications',
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(apps.json().data.map((a: { key: string }) => a.key)).toEqual(['billing']);
    expect(apps.json().data[0].param_count).toBe(1);
  });

  it('refuses to read or write tenant B with a key of tenant A, whatever the surface', async () => {
    const asB = { 'x-tenant-id': 'tenant-b' };
    const cases = [
      t.app.inject({ method: 'GET', url: '/v1/audit/events', headers: { authorization: `Bearer ${keyA}`, ...asB } }),
      t.app.inject({
        method: 'GET',
        url: '/audit-events/?tenant_id=tenant-b',
        headers: { authorization: `Token ${keyA}` },
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/audit-trail/records',
        headers: { ...json, authorization: `Bearer ${keyA}`, ...asB },
        payload: { event_type: 'a.b', summary: 's' },
      }),
      t.app.inject({
        method: 'POST',
        url: '/api/events',
        headers: { ...json, authorization: `Bearer ${keyA}` },
        payload: {
          org_id: 'tenant-b',
          action: 'a',
          action_result: 'success',
          actor_id: '1',
          actor_type: 'user',
          occurred_at: '2024-01-01T00:00:00Z',
        },
      }),
      t.app.inject({ method: 'GET', url: '/v1/applications', headers: { authorization: `Bearer ${keyA}`, ...asB } }),
      t.app.inject({ method: 'GET', url: '/v1/events', headers: { authorization: `Bearer ${keyA}`, ...asB } }),
      t.app.inject({
        method: 'GET',
        url: '/v1/events?tenant_id=tenant-b',
        headers: { authorization: `Bearer ${keyA}` },
      }),
    ];
    for (const res of await Promise.all(cases)) expect(res.statusCode, res.body).toBe(403);
    expect((await t.store.getLogHead('tenant-b'))?.size).toBe(0);
  });

  it('does not let a cursor made for tenant B reveal anything to tenant A', async () => {
    await ingestThroughEverySurface(keyB, 'tenant-b');
    await ingestThroughEverySurface(keyB, 'tenant-b');
    const pageB = await t.app.inject({
      method: 'GET',
      url: '/v1/audit/events?limit=2',
      headers: { authorization: `Bearer ${keyB}` },
    });
    const cursor = pageB.json().next_cursor as string;
    const asA = await t.app.inject({
      method: 'GET',
      url: `/v1/audit/events?cursor=${cursor}`,
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(asA.statusCode).toBe(200);
    expect(asA.json().items).toEqual([]);
  });
});
