import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applicationId } from '../src/domain/application-service.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

describe('/v1/applications', () => {
  it('creates with PUT (201), updates only the given fields (200), keeps id and created_at', async () => {
    const created = await t.call(key, {
      method: 'PUT',
      url: '/v1/applications/billing',
      payload: { name: 'Billing', accent_color: '#aabbcc' },
    });
    expect(created.statusCode).toBe(201);
    const app = created.json();
    expect(app).toMatchObject({
      key: 'billing',
      name: 'Billing',
      description: null,
      accent_color: '#aabbcc',
      param_count: 0,
    });
    expect(app.id).toMatch(/^app_/);
    const updated = await t.call(key, {
      method: 'PUT',
      url: '/v1/applications/billing',
      payload: { description: 'Invoices', accent_color: null },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      id: app.id,
      name: 'Billing',
      description: 'Invoices',
      accent_color: null,
      created_at: app.created_at,
    });
    expect(updated.json().updated_at >= app.updated_at).toBe(true);
  });

  it('creates with POST (key in the body), lists by key and gets one', async () => {
    expect(
      (await t.call(key, { method: 'POST', url: '/v1/applications', payload: { key: 'shipping' } })).statusCode,
    ).toBe(201);
    expect(
      (await t.call(key, { method: 'POST', url: '/v1/applications', payload: { key: 'audit', name: 'Audit' } }))
        .statusCode,
    ).toBe(201);
    const again = await t.call(key, {
      method: 'POST',
      url: '/v1/applications',
      payload: { key: 'audit', name: 'Audit 2' },
    });
    expect(again.statusCode).toBe(200);
    const list = await t.call(key, { method: 'GET', url: '/v1/applications' });
    expect(list.json().data.map((a: { key: string; name: string }) => [a.key, a.name])).toEqual([
      ['audit', 'Audit 2'],
      ['shipping', 'shipping'],
    ]);
    expect((await t.call(key, { method: 'GET', url: '/v1/applications/shipping' })).json().key).toBe('shipping');
  });

  it('answers problem+json for an unknown application, a bad key or colour, and a read-only write', async () => {
    const missing = await t.call(key, { method: 'GET', url: '/v1/applications/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'TK_ERR_APPLICATION_NOT_FOUND' });
    const badKey = await t.call(key, { method: 'PUT', url: '/v1/applications/Bad-Key', payload: {} });
    expect(badKey.statusCode).toBe(400);
    const badColour = await t.call(key, {
      method: 'PUT',
      url: '/v1/applications/x',
      payload: { accent_color: 'blue' },
    });
    expect(badColour.json()).toMatchObject({ code: 'TK_ERR_VALIDATION', field: 'accent_color' });
    const reader = await t.tenantWithKey('readers', ['events:read']);
    const denied = await t.call(reader, { method: 'PUT', url: '/v1/applications/x', payload: {} });
    expect(denied.statusCode).toBe(403);
  });
});

describe('application ids', () => {
  const record = (applicationKey: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/audit-trail/records',
      headers: { 'x-api-key': key },
      payload: { event_type: 'a.b', summary: 's', application_key: applicationKey },
    });

  it('derives a new application id from tenant and key, the same through PUT and through a record', async () => {
    const other = await t.tenantWithKey('globex');
    const put = (await t.call(key, { method: 'PUT', url: '/v1/applications/billing', payload: {} })).json();
    expect(put.id).toBe(applicationId('acme', 'billing'));
    expect((await record('billing')).json().application_id).toBe(put.id);
    expect((await record('shipping')).json().application_id).toBe(applicationId('acme', 'shipping'));
    // Another tenant's application of the same key is another application.
    const theirs = (await t.call(other, { method: 'PUT', url: '/v1/applications/billing', payload: {} })).json();
    expect(theirs.id).toBe(applicationId('globex', 'billing'));
    expect(theirs.id).not.toBe(put.id);
  });

  it('keeps the stored id of an application created before ids were derived', async () => {
    const at = new Date().toISOString();
    const legacy = 'app_0190a5f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b';
    await t.store.putApplication({
      id: legacy,
      tenantId: 'acme',
      key: 'legacy',
      name: 'Legacy',
      description: null,
      accentColor: null,
      createdAt: at,
      updatedAt: at,
    });
    const res = await record('legacy');
    expect(res.json().application).toMatchObject({ id: legacy, name: 'Legacy' });
    const stored = (await t.call(key, { method: 'GET', url: `/v1/events/${res.json().id}` })).json();
    expect(stored.application).toEqual({ id: legacy, key: 'legacy' });
  });
});
