import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applicationId } from '../src/domain/application-service.js';
import { EVENT_LIMITS } from '../src/domain/event-rules.js';
import { buildApp } from '../src/http/app.js';
import { recordToDraft } from '../src/http/compat/records/records.mapper.js';
import { trustProxyOption } from '../src/http/trust-proxy.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

const URL = '/api/audit-trail/records';

/** An application as a client sets it up first, so the example's application_id is a real one. */
async function billingApp(): Promise<{ id: string; key: string }> {
  const res = await t.call(key, {
    method: 'PUT',
    url: '/v1/applications/billing',
    payload: { name: 'Billing', description: 'Invoices and payments', accent_color: '#3366ff' },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}

/** The request example of seed 001 with realistic values, as its curl sends it. */
const pageExample = (applicationId: string) => `
{
  "event_type": "invoice.approved",
  "summary": "Invoice INV-2023-0042 approved by finance",
  "category": "general",
  "application_id": "${applicationId}",
  "application_key": "billing",
  "entity_type": "invoice",
  "entity_id": "INV-2023-0042",
  "severity": "low",
  "params": {},
  "metadata": {}
}
`;

function curl(payload: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) {
  return t.app.inject({
    method: 'POST',
    url: URL,
    headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', accept: '*/*', ...headers },
    payload,
  });
}

const record = (fields: Record<string, unknown>) =>
  curl(JSON.stringify({ event_type: 'x.y', summary: 's', ...fields }));

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('records: POST /api/audit-trail/records (seed 001)', () => {
  it('answers the page example with every documented response field, typed as documented', async () => {
    const app = await billingApp();
    const res = await curl(pageExample(app.id));
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      event_type: 'invoice.approved',
      category: 'general',
      summary: 'Invoice INV-2023-0042 approved by finance',
      application_id: app.id,
      application_key: 'billing',
      entity_type: 'invoice',
      entity_id: 'INV-2023-0042',
      severity: 'low',
      params: {},
      metadata: {},
      ip_address: '127.0.0.1',
    });
    expect(r.id).toEqual(expect.any(String));
    expect(r.created_at).toMatch(ISO);
    expect(r.actor).toMatch(/^key_/);
    expect(r.application).toEqual({
      id: app.id,
      key: 'billing',
      name: 'Billing',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      description: 'Invoices and payments',
      accent_color: '#3366ff',
      param_count: 0,
    });
  });

  it('fills the documented defaults: category general, severity low; null for absent nullable fields', async () => {
    const res = await curl(JSON.stringify({ event_type: 'user.invited', summary: 'Invited ada', entity_id: null }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      category: 'general',
      severity: 'low',
      entity_type: null,
      entity_id: null,
      params: {},
      metadata: {},
      application_key: 'default',
    });
  });

  it('registers an unknown application_key and counts the distinct params keys seen for it', async () => {
    const first = await record({ application_key: 'payments', params: { amount: 10, currency: 'EUR' } });
    expect(first.statusCode).toBe(200);
    expect(first.json().application).toMatchObject({ key: 'payments', name: 'payments', param_count: 2 });
    const second = await record({ application_key: 'payments', params: { amount: 5, method: 'card' } });
    expect(second.json().application).toMatchObject({ id: first.json().application.id, param_count: 3 });
    const other = await record({ application_key: 'shipping', params: { amount: 1 } });
    expect(other.json().application.param_count).toBe(1);
    const listed = await t.call(key, { method: 'GET', url: '/v1/applications/payments' });
    expect(listed.json()).toMatchObject({ key: 'payments', param_count: 3 });
  });

  it('keeps params and metadata side by side in the canonical event', async () => {
    const r = (await record({ params: { plan: 'pro' }, metadata: { params: 'not a clash' } })).json();
    expect(r).toMatchObject({ params: { plan: 'pro' }, metadata: { params: 'not a clash' } });
    const native = (await t.call(key, { method: 'GET', url: `/v1/events/${r.id}` })).json();
    expect(native.metadata).toEqual({ params: { plan: 'pro' }, metadata: { params: 'not a clash' } });
    expect(native.application).toEqual({ id: r.application_id, key: 'default' });
    expect(native.actor).toEqual({ type: 'api_key', id: r.actor });
  });
});

describe('records: credentials (Bearer, X-API-Key, the antidote_session cookie)', () => {
  it('accepts each of the three styles', async () => {
    const body = JSON.stringify({ event_type: 'a.b', summary: 's' });
    expect((await curl(body, { authorization: `Bearer ${key}` })).statusCode).toBe(200);
    expect((await curl(body, { 'x-api-key': key })).statusCode).toBe(200);
    expect((await curl(body, { cookie: `theme=dark; antidote_session=${key}` })).statusCode).toBe(200);
  });

  it('answers FastAPI 401s: "Not authenticated" without credentials, another detail for a wrong key', async () => {
    const body = JSON.stringify({ event_type: 'a.b', summary: 's' });
    const missing = await curl(body, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json()).toEqual({ detail: 'Not authenticated' });
    const wrong = await curl(body, { cookie: 'antidote_session=tk_live_nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ detail: 'Could not validate credentials' });
  });

  it('answers 403 {"detail"} for a read-only key', async () => {
    const readOnly = await t.tenantWithKey('readers', ['events:read']);
    const res = await curl(JSON.stringify({ event_type: 'a.b', summary: 's' }), { 'x-api-key': readOnly });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ detail: expect.any(String) });
  });
});

describe('records: credentials (Authorization of another scheme, wrong bearer tokens)', () => {
  const body = JSON.stringify({ event_type: 'a.b', summary: 's' });
  const basic = 'Basic Z2F0ZXdheTpzZWNyZXQ=';

  it('reads X-API-Key and the cookie when Authorization carries another scheme, as from a gateway', async () => {
    expect((await curl(body, { authorization: basic, 'x-api-key': key })).statusCode).toBe(200);
    expect((await curl(body, { authorization: basic, cookie: `antidote_session=${key}` })).statusCode).toBe(200);
    expect((await curl(body, { authorization: `bearer ${key}` })).statusCode).toBe(200);
    // An empty X-API-Key (a gateway that sets the header anyway) carries no credential.
    expect((await curl(body, { 'x-api-key': '', cookie: `antidote_session=${key}` })).statusCode).toBe(200);
    const alone = await curl(body, { authorization: basic });
    expect(alone.statusCode).toBe(401);
    expect(alone.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('refuses a wrong or malformed bearer token even beside a good X-API-Key or cookie', async () => {
    for (const authorization of ['Bearer tk_live_not_a_key_0123456789abcdef', 'Bearer', `Bearer ${key} ${key}`]) {
      for (const other of [{ 'x-api-key': key }, { cookie: `antidote_session=${key}` }]) {
        const res = await curl(body, { authorization, ...other });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    }
    const wrong = await curl(body, { authorization: 'Bearer tk_live_not_a_key_0123456789abcdef', 'x-api-key': key });
    expect(wrong.json()).toEqual({ detail: 'Could not validate credentials' });
    expect((await t.store.getLogHead('acme'))?.size).toBe(0);
  });
});

describe('records: a refused record leaves no trace in the applications registry', () => {
  const applications = async (tk: TestApp = t, k: string = key) =>
    (await tk.call(k, { method: 'GET', url: '/v1/applications' })).json().data as Array<{
      key: string;
      param_count: number;
    }>;
  const big = 'x'.repeat(EVENT_LIMITS.metadataBytes);

  it.each([
    ['params over 32 KiB', { params: { blob: big } }, ['body', 'params'], 'value_error'],
    ['metadata over 32 KiB', { params: { a: 1 }, metadata: { blob: big } }, ['body', 'metadata'], 'value_error'],
    [
      'params and metadata together over 32 KiB, params the larger',
      { params: { blob: big.slice(0, 20_000) }, metadata: { blob: big.slice(0, 13_000) } },
      ['body', 'params'],
      'value_error',
    ],
    [
      'a params value shaped like a sealed commitment',
      { params: { card: { _sd: 'a'.repeat(64) } } },
      ['body', 'params', 'card'],
      'value_error',
    ],
    [
      'a metadata value shaped like a sealed commitment',
      { params: { a: 1 }, metadata: { who: { _sd: 'b'.repeat(64) } } },
      ['body', 'metadata', 'who'],
      'value_error',
    ],
  ])('%s → 422 at the field the client sent, nothing registered', async (_name, fields, loc, type) => {
    // A known application first: its param_count must not move either.
    expect((await record({ application_key: 'known', params: { amount: 1 } })).statusCode).toBe(200);
    for (const application_key of ['fresh', 'known']) {
      const res = await record({ application_key, ...fields });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ detail: [{ loc, msg: expect.any(String), type }] });
    }
    expect(await applications()).toEqual([expect.objectContaining({ key: 'known', param_count: 1 })]);
    expect((await t.store.getLogHead('acme'))?.size).toBe(1);
  });

  it('503 overload → nothing registered, no param counted, nothing stored', async () => {
    const full = await createTestApp({ queueMaxEvents: 0 });
    try {
      const k = await full.tenantWithKey('acme');
      await full.call(k, { method: 'PUT', url: '/v1/applications/known', payload: {} });
      for (const application_key of ['fresh', 'known']) {
        const res = await full.app.inject({
          method: 'POST',
          url: URL,
          headers: { 'content-type': 'application/json', 'x-api-key': k },
          payload: { event_type: 'a.b', summary: 's', application_key, params: { amount: 1, currency: 'EUR' } },
        });
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.json()).toEqual({ detail: expect.any(String) });
      }
      expect(await applications(full, k)).toEqual([expect.objectContaining({ key: 'known', param_count: 0 })]);
      expect((await full.store.getLogHead('acme'))?.size).toBe(0);
    } finally {
      await full.close();
    }
  });

  it('gives racing first records of a new application one id, the one their events seal', async () => {
    const [a, b] = await Promise.all([
      record({ application_key: 'payments', params: { amount: 1 } }),
      record({ application_key: 'payments', params: { currency: 'EUR' } }),
    ]);
    const id = applicationId('acme', 'payments');
    for (const res of [a, b]) {
      expect(res.statusCode).toBe(200);
      expect(res.json().application_id).toBe(id);
      const stored = (await t.call(key, { method: 'GET', url: `/v1/events/${res.json().id}` })).json();
      expect(stored.application).toEqual({ id, key: 'payments' });
    }
    const app = (await t.call(key, { method: 'GET', url: '/v1/applications/payments' })).json();
    expect(app).toMatchObject({ id, param_count: 2 });
  });

  it('registers, under the id already sealed, an application whose first record was stored just before a crash', async () => {
    // What a process that died between the durable append and the registry write leaves behind:
    // the record, and no application.
    const principal = await t.services.auth.authenticate(key);
    const use = await t.services.applications.forRecord('acme', { key: 'crm' }, ['deal']);
    const draft = recordToDraft(
      { event_type: 'deal.won', summary: 'Won', params: { deal: 'D-1' } },
      use.application,
      { principal, ip: '127.0.0.1', userAgent: undefined },
      new Date(),
    );
    const [orphan] = await t.services.ingest.ingest('acme', [draft]);
    if (orphan?.kind !== 'created') throw new Error(`expected a new record, got ${orphan?.kind ?? 'nothing'}`);
    expect(await applications()).toEqual([]);

    // The next record of the application (nothing is cached: register never ran), as after a restart.
    const res = await record({ application_key: 'crm', params: { stage: 'won' } });
    expect(res.statusCode).toBe(200);
    const sealed = (await t.call(key, { method: 'GET', url: `/v1/events/${orphan.event.id}` })).json();
    expect(sealed.application.id).toBe(res.json().application_id);
    expect(res.json().application).toMatchObject({ key: 'crm', param_count: 1 });
  });
});

describe('records: each documented constraint violated once → FastAPI 422', () => {
  const long = (n: number) => 'a'.repeat(n);
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['event_type missing', { event_type: undefined }, 'event_type', 'missing'],
    ['event_type shorter than 1', { event_type: '' }, 'event_type', 'string_too_short'],
    ['event_type longer than 128', { event_type: long(129) }, 'event_type', 'string_too_long'],
    ['summary missing', { summary: undefined }, 'summary', 'missing'],
    ['summary shorter than 1', { summary: '' }, 'summary', 'string_too_short'],
    ['summary longer than 1024', { summary: long(1025) }, 'summary', 'string_too_long'],
    ['category longer than 64', { category: long(65) }, 'category', 'string_too_long'],
    ['application_id not a string', { application_id: 7 }, 'application_id', 'string_type'],
    ['application_key shorter than 1', { application_key: '' }, 'application_key', 'string_too_short'],
    ['application_key longer than 64', { application_key: long(65) }, 'application_key', 'string_too_long'],
    [
      'application_key off its pattern',
      { application_key: 'Billing-App' },
      'application_key',
      'string_pattern_mismatch',
    ],
    ['entity_type longer than 64', { entity_type: long(65) }, 'entity_type', 'string_too_long'],
    ['entity_id longer than 128', { entity_id: long(129) }, 'entity_id', 'string_too_long'],
    ['severity not an option', { severity: 'urgent' }, 'severity', 'enum'],
    ['params not an object', { params: 'x' }, 'params', 'dict_type'],
    ['metadata not an object', { metadata: [1] }, 'metadata', 'dict_type'],
    ['an undocumented field', { actor: 'me' }, 'actor', 'extra_forbidden'],
  ];
  it.each(cases)('%s', async (_name, change, field, type) => {
    const res = await record({ application_key: 'fresh', params: { amount: 1 }, ...change });
    expect(res.statusCode).toBe(422);
    const { detail } = res.json();
    expect(detail).toContainEqual({ loc: ['body', field], msg: expect.any(String), type });
    expect((await t.store.getLogHead('acme'))?.size).toBe(0);
    expect((await t.call(key, { method: 'GET', url: '/v1/applications' })).json().data).toEqual([]);
  });

  it('reports every problem of a body at once', async () => {
    const res = await curl(JSON.stringify({ summary: '', severity: 'urgent' }));
    expect(res.statusCode).toBe(422);
    expect(
      res
        .json()
        .detail.map((d: { loc: string[] }) => d.loc[1])
        .sort(),
    ).toEqual(['event_type', 'severity', 'summary']);
  });

  it('answers malformed JSON with a json_invalid item, and an unknown application_id with 404', async () => {
    const bad = await curl('{"event_type": ');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 0] });
    const unknown = await record({ application_id: 'app_nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ detail: 'application app_nope does not exist' });
  });

  it('refuses an application_id and application_key that name different applications', async () => {
    const app = await billingApp();
    const res = await record({ application_id: app.id, application_key: 'shipping' });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail[0]).toMatchObject({ loc: ['body', 'application_key'], type: 'value_error' });
  });
});

describe('records: ip_address is the caller, through a trusted proxy only', () => {
  it('uses X-Forwarded-For from a trusted proxy, and the socket peer otherwise', async () => {
    const forwarded = { authorization: `Bearer ${key}`, 'x-forwarded-for': '81.2.69.142' };
    const direct = await curl(JSON.stringify({ event_type: 'a.b', summary: 's' }), forwarded);
    expect(direct.json().ip_address).toBe('127.0.0.1');

    const behindProxy = await buildApp(t.services, { trustProxy: trustProxyOption('127.0.0.1') });
    try {
      const res = await behindProxy.inject({
        method: 'POST',
        url: URL,
        headers: { 'content-type': 'application/json', ...forwarded },
        payload: { event_type: 'a.b', summary: 's' },
      });
      expect(res.json().ip_address).toBe('81.2.69.142');
      const stored = (await t.call(key, { method: 'GET', url: `/v1/events/${res.json().id}` })).json();
      expect(stored.enrichment.geo.country_code).toBe('GB');
    } finally {
      await behindProxy.close();
    }
  });
});
