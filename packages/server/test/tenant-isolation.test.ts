import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let acme: string;
let globex: string;

beforeEach(async () => {
  t = await createTestApp();
  acme = await t.tenantWithKey('acme');
  globex = await t.tenantWithKey('globex');
});
afterEach(() => t.close());

async function ingest(key: string, body: object): Promise<Record<string, any>> {
  const res = await t.call(key, { method: 'POST', url: '/v1/events?sync=true', payload: body });
  expect(res.statusCode).toBe(201);
  return res.json();
}

describe('tenant isolation', () => {
  it('a key never reads another tenant’s events by listing, id, header or query parameter', async () => {
    const secret = await ingest(globex, sampleEvent({ id: 'globex_secret', summary: 'merger plans' }));
    await ingest(acme, sampleEvent({ id: 'acme_1' }));

    const list = await t.call(acme, { method: 'GET', url: '/v1/events?limit=1000' });
    expect(list.json<{ data: Array<{ id: string }> }>().data.map((e) => e.id)).toEqual(['acme_1']);
    const search = await t.call(acme, { method: 'GET', url: '/v1/events?q=merger' });
    expect(search.json<{ data: unknown[] }>().data).toEqual([]);

    const byId = await t.call(acme, { method: 'GET', url: `/v1/events/${secret.id}` });
    expect(byId.statusCode).toBe(404);
    expect(byId.json()).toMatchObject({ code: 'TK_ERR_EVENT_NOT_FOUND' });

    for (const url of ['/v1/events', `/v1/events/${secret.id}`]) {
      const viaHeader = await t.call(acme, { method: 'GET', url, headers: { 'x-tenant-id': 'globex' } });
      expect(viaHeader.statusCode).toBe(403);
      const viaQuery = await t.call(acme, { method: 'GET', url: `${url}?tenant_id=globex` });
      expect(viaQuery.statusCode).toBe(403);
    }
  });

  it('a key never writes into another tenant', async () => {
    const res = await t.call(acme, {
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-tenant-id': 'globex' },
      payload: sampleEvent(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_FORBIDDEN' });
    expect((await t.store.getLogHead('globex'))?.size).toBe(0);
  });

  it('a cursor from one tenant only positions within the caller’s own tenant', async () => {
    for (let i = 0; i < 3; i++) await ingest(globex, sampleEvent({ id: `g${i}` }));
    for (let i = 0; i < 3; i++) await ingest(acme, sampleEvent({ id: `a${i}` }));
    const globexPage = await t.call(globex, { method: 'GET', url: '/v1/events?limit=1' });
    const cursor = globexPage.json<{ next_cursor: string }>().next_cursor;
    expect(cursor).toBeTypeOf('string');
    const res = await t.call(acme, { method: 'GET', url: `/v1/events?limit=10&cursor=${cursor}` });
    expect(res.statusCode).toBe(200);
    const ids = res.json<{ data: Array<{ id: string; tenant_id: string }> }>().data;
    expect(ids.every((e) => e.tenant_id === 'acme')).toBe(true);
    expect(ids.map((e) => e.id)).toEqual(['a1', 'a0']);
  });

  it('the same event id in two tenants resolves to each tenant’s own event', async () => {
    await ingest(acme, sampleEvent({ id: 'same', summary: 'acme version' }));
    await ingest(globex, sampleEvent({ id: 'same', summary: 'globex version' }));
    const a = await t.call(acme, { method: 'GET', url: '/v1/events/same' });
    const g = await t.call(globex, { method: 'GET', url: '/v1/events/same' });
    expect(a.json()).toMatchObject({ tenant_id: 'acme', summary: 'acme version' });
    expect(g.json()).toMatchObject({ tenant_id: 'globex', summary: 'globex version' });
  });
});

describe('org hierarchy', () => {
  it('a parent key reads its child tenant, but never writes it; a child never reads its parent', async () => {
    const child = await t.tenantWithKey('acme-eu', ['events:write', 'events:read'], 'acme');
    await ingest(child, sampleEvent({ id: 'child_evt' }));
    await ingest(acme, sampleEvent({ id: 'parent_evt' }));

    const read = await t.call(acme, { method: 'GET', url: '/v1/events', headers: { 'x-tenant-id': 'acme-eu' } });
    expect(read.statusCode).toBe(200);
    expect(read.json<{ data: Array<{ id: string }> }>().data.map((e) => e.id)).toEqual(['child_evt']);

    const write = await t.call(acme, {
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-tenant-id': 'acme-eu' },
      payload: sampleEvent(),
    });
    expect(write.statusCode).toBe(403);

    const up = await t.call(child, { method: 'GET', url: '/v1/events', headers: { 'x-tenant-id': 'acme' } });
    expect(up.statusCode).toBe(403);
  });
});

describe('scopes and keys', () => {
  it('a read-only key cannot write and a write-only key cannot read', async () => {
    const reader = (
      await t.services.admin.createKey(
        { keyId: 'x', tenantId: null, scopes: ['admin'] },
        { tenantId: 'acme', scopes: ['events:read'] },
      )
    ).key;
    const writer = (
      await t.services.admin.createKey(
        { keyId: 'x', tenantId: null, scopes: ['admin'] },
        { tenantId: 'acme', scopes: ['events:write'] },
      )
    ).key;
    expect((await t.call(reader, { method: 'POST', url: '/v1/events', payload: sampleEvent() })).statusCode).toBe(403);
    expect((await t.call(reader, { method: 'GET', url: '/v1/events' })).statusCode).toBe(200);
    expect((await t.call(writer, { method: 'GET', url: '/v1/events' })).statusCode).toBe(403);
    expect((await t.call(writer, { method: 'POST', url: '/v1/events', payload: sampleEvent() })).statusCode).toBe(202);
  });

  it('a tenant key cannot manage keys or tenants', async () => {
    const create = await t.call(acme, {
      method: 'POST',
      url: '/v1/keys',
      payload: { tenant_id: 'acme', scopes: ['events:read'] },
    });
    expect(create.statusCode).toBe(403);
    const tenants = await t.call(acme, { method: 'POST', url: '/v1/tenants', payload: { id: 'evil', name: 'Evil' } });
    expect(tenants.statusCode).toBe(403);
  });
});
