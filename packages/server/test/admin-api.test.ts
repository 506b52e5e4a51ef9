import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const admin = (options: Parameters<TestApp['call']>[1]) => t.call(t.adminKey, options);

describe('/v1/tenants', () => {
  it('creates, lists and fetches tenants with their log origin', async () => {
    const created = await admin({ method: 'POST', url: '/v1/tenants', payload: { id: 'acme', name: 'Acme Inc' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'acme',
      name: 'Acme Inc',
      parent_id: null,
      log_origin: 'localhost/t/acme',
    });
    const child = await admin({
      method: 'POST',
      url: '/v1/tenants',
      payload: { id: 'acme-eu', name: 'EU', parent_id: 'acme' },
    });
    expect(child.json()).toMatchObject({ parent_id: 'acme' });
    const list = await admin({ method: 'GET', url: '/v1/tenants' });
    expect(list.json<{ data: Array<{ id: string }> }>().data.map((x) => x.id)).toEqual(['acme', 'acme-eu']);
    expect((await admin({ method: 'GET', url: '/v1/tenants/acme-eu' })).json()).toMatchObject({ id: 'acme-eu' });
  });

  it('refuses a duplicate id (409), an unknown parent (400) and an unsafe id (400)', async () => {
    await admin({ method: 'POST', url: '/v1/tenants', payload: { id: 'acme', name: 'A' } });
    const dup = await admin({ method: 'POST', url: '/v1/tenants', payload: { id: 'acme', name: 'B' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'TK_ERR_TENANT_EXISTS' });
    const orphan = await admin({
      method: 'POST',
      url: '/v1/tenants',
      payload: { id: 'x', name: 'X', parent_id: 'nobody' },
    });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json()).toMatchObject({ code: 'TK_ERR_PARENT_NOT_FOUND', field: 'parent_id' });
    const unsafe = await admin({ method: 'POST', url: '/v1/tenants', payload: { id: '../etc', name: 'X' } });
    expect(unsafe.statusCode).toBe(400);
    expect(unsafe.json()).toMatchObject({ code: 'TK_ERR_VALIDATION', field: 'id' });
  });

  it('a tenant admin key creates sub-tenants below its own tenant only', async () => {
    await admin({ method: 'POST', url: '/v1/tenants', payload: { id: 'acme', name: 'A' } });
    const tenantAdmin = await admin({
      method: 'POST',
      url: '/v1/keys',
      payload: { tenant_id: 'acme', scopes: ['admin'] },
    });
    const k = tenantAdmin.json<{ key: string }>().key;
    const sub = await t.call(k, {
      method: 'POST',
      url: '/v1/tenants',
      payload: { id: 'acme-us', name: 'US', parent_id: 'acme' },
    });
    expect(sub.statusCode).toBe(201);
    const top = await t.call(k, { method: 'POST', url: '/v1/tenants', payload: { id: 'rival', name: 'R' } });
    expect(top.statusCode).toBe(403);
    const list = await t.call(k, { method: 'GET', url: '/v1/tenants' });
    expect(list.json<{ data: Array<{ id: string }> }>().data.map((x) => x.id)).toEqual(['acme', 'acme-us']);
  });
});

describe('/v1/keys', () => {
  it('shows a key once, stores only its hash, lists without it, and revocation takes effect', async () => {
    await admin({ method: 'POST', url: '/v1/tenants', payload: { id: 'acme', name: 'A' } });
    const created = await admin({
      method: 'POST',
      url: '/v1/keys',
      payload: { tenant_id: 'acme', scopes: ['events:write'], name: 'ci' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json<{ key: string; id: string; prefix: string }>();
    expect(key).toMatch(/^tk_live_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(prefix)).toBe(true);

    const db = new Database(t.dbPath, { readonly: true });
    const rows = db.prepare('SELECT * FROM api_keys').all();
    db.close();
    expect(JSON.stringify(rows)).not.toContain(key);

    const listed = await admin({ method: 'GET', url: '/v1/keys?tenant_id=acme' });
    expect(JSON.stringify(listed.json())).not.toContain(key);
    expect(listed.json<{ data: Array<{ id: string }> }>().data.map((k) => k.id)).toEqual([id]);

    expect((await t.call(key, { method: 'POST', url: '/v1/events', payload: sampleEvent() })).statusCode).toBe(202);
    const revoked = await admin({ method: 'DELETE', url: `/v1/keys/${id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json<{ revoked_at: string | null }>().revoked_at).not.toBeNull();
    expect((await t.call(key, { method: 'POST', url: '/v1/events', payload: sampleEvent() })).statusCode).toBe(401);
  });

  it('refuses unknown scopes, a tenant-less key without admin, and revoking an unknown key', async () => {
    const badScope = await admin({ method: 'POST', url: '/v1/keys', payload: { scopes: ['root'] } });
    expect(badScope.statusCode).toBe(400);
    const noTenant = await admin({ method: 'POST', url: '/v1/keys', payload: { scopes: ['events:read'] } });
    expect(noTenant.statusCode).toBe(400);
    expect(noTenant.json()).toMatchObject({ field: 'scopes' });
    const unknownTenant = await admin({
      method: 'POST',
      url: '/v1/keys',
      payload: { tenant_id: 'nobody', scopes: ['events:read'] },
    });
    expect(unknownTenant.statusCode).toBe(404);
    const missing = await admin({ method: 'DELETE', url: '/v1/keys/key_nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'TK_ERR_KEY_NOT_FOUND' });
  });
});

describe('service endpoints', () => {
  it('serves /healthz, /readyz, /openapi.json and /docs without a key', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', storage: 'sqlite' });
    const spec = (await t.app.inject({ url: '/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/events/batch', '/v1/events/{id}', '/v1/tenants', '/v1/keys']),
    );
    // The batch route reads its body itself (batch-body.ts); its schema is still documented.
    expect(spec.paths['/v1/events/batch']).toMatchObject({
      post: {
        requestBody: {
          content: {
            'application/json': { schema: { required: ['events'], properties: { events: { maxItems: 1000 } } } },
          },
        },
      },
    });
    const docs = await t.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('readiness fails once shutdown begins', async () => {
    t.services.beginShutdown();
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });
});
