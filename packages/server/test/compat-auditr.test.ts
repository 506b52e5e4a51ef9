import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let acmeKey: string;

beforeEach(async () => {
  t = await createTestApp();
  acmeKey = await t.tenantWithKey('acme');
  await t.tenantWithKey('acme-eu', ['events:write', 'events:read'], 'acme');
});
afterEach(() => t.close());

/** The request example of seed 000, with realistic values in place of `<string>`, as its curl sends it. */
const PAGE_EXAMPLE = `{
  "org_id": "acme-eu",
  "action": "document.delete",
  "action_result": "success",
  "actor_id": "user_8f3a2c",
  "actor_type": "user",
  "actor_email": "jsmith@example.com",
  "actor_name": "Jane Smith",
  "client_ip": "81.2.69.142",
  "request_method": "DELETE",
  "request_path": "/api/documents/42",
  "response_status": 204,
  "occurred_at": "2023-11-07T05:31:56Z"
}`;

/** curl's own headers plus the page's: Authorization: Bearer and Content-Type: application/json. */
function curl(payload: string, key: string | null = acmeKey, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'curl/8.5.0',
    accept: '*/*',
    ...extra,
  };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return t.app.inject({ method: 'POST', url: '/api/events', headers, payload });
}

const example = (changes: Record<string, unknown> = {}, drop: string[] = []) => {
  const body: Record<string, unknown> = { ...JSON.parse(PAGE_EXAMPLE), ...changes };
  for (const field of drop) delete body[field];
  return JSON.stringify(body);
};

describe('auditr: POST /api/events (seed 000)', () => {
  it('answers the page example with every documented response field, typed as documented', async () => {
    const res = await curl(PAGE_EXAMPLE);
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e.id).toEqual(expect.any(String));
    expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(e.parent_org_id).toBe('acme');
    expect(e.client_geo_lat).toEqual(expect.any(Number));
    expect(e.client_geo_lon).toEqual(expect.any(Number));
    for (const field of ['client_city', 'client_region_code', 'client_subdivision_1_code']) {
      expect(e[field], field).toEqual(expect.any(String));
    }
    expect(e.user_agent_name).toBe('curl');
    expect(e.user_agent_version).toBe('8.5.0');
    expect(e).toMatchObject({
      ...JSON.parse(PAGE_EXAMPLE),
      occurred_at: '2023-11-07T05:31:56.000Z',
    });
  });
});

describe('auditr: the user agent and the canonical event', () => {
  it('takes the user agent from the user_agent extension field over the request header', async () => {
    const chrome =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const res = await curl(example({ user_agent: chrome }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user_agent_name: 'Chrome',
      user_agent_version: '126.0.0.0',
      user_agent: chrome,
    });
  });

  it('stores one canonical event, readable through the native API with the same fingerprint', async () => {
    const e = (await curl(PAGE_EXAMPLE)).json();
    const native = await t.call(acmeKey, {
      method: 'GET',
      url: `/v1/events/${e.id}`,
      headers: { 'x-tenant-id': 'acme-eu' },
    });
    expect(native.statusCode).toBe(200);
    expect(native.json()).toMatchObject({
      tenant_id: 'acme-eu',
      action: 'document.delete',
      outcome: 'success',
      occurred_at: '2023-11-07T05:31:56.000Z',
      actor: { type: 'user', id: 'user_8f3a2c', email: 'jsmith@example.com', name: 'Jane Smith' },
      context: {
        ip: '81.2.69.142',
        user_agent: 'curl/8.5.0',
        http: { method: 'DELETE', path: '/api/documents/42', status: 204 },
      },
      enrichment: { geo: { city: e.client_city, lat: e.client_geo_lat, lon: e.client_geo_lon } },
      sha256: e.sha256,
    });
  });

  it('maps failure and machine actors, and leaves out what is unknown instead of sending null', async () => {
    const res = await curl(
      example({
        org_id: 'acme',
        action_result: 'failure',
        actor_type: 'machine',
        client_ip: '10.0.0.1',
        actor_name: '',
      }),
    );
    expect(res.statusCode).toBe(200);
    const e = res.json();
    expect(e).toMatchObject({ org_id: 'acme', action_result: 'failure', actor_type: 'machine', client_ip: '10.0.0.1' });
    for (const absent of ['parent_org_id', 'client_geo_lat', 'client_city', 'actor_name']) {
      expect(e, absent).not.toHaveProperty(absent);
    }
  });

  it('answers every field the page documents for the page example, and omits only unknown optional ones', async () => {
    const documented = [
      ...['org_id', 'action', 'action_result', 'actor_id', 'actor_type', 'occurred_at'], // required
      ...['id', 'sha256', 'parent_org_id', 'client_geo_lat', 'client_geo_lon', 'client_city'],
      ...['client_region_code', 'client_subdivision_1_code', 'user_agent_name', 'user_agent_version'],
      ...['actor_email', 'actor_name', 'client_ip', 'request_method', 'request_path', 'response_status'],
    ];
    const full = (await curl(PAGE_EXAMPLE)).json();
    expect(Object.keys(full).sort()).toEqual([...documented, 'user_agent'].sort());

    // A top-level org, a private address, no user agent the parser knows, only the required fields.
    const bare = await curl(
      JSON.stringify({
        org_id: 'acme',
        action: 'login',
        action_result: 'success',
        actor_id: 'u1',
        actor_type: 'user',
        client_ip: '192.168.1.20',
        occurred_at: '2023-11-07T05:31:56Z',
      }),
      acmeKey,
      { 'user-agent': '' },
    );
    expect(bare.statusCode).toBe(200);
    const e = bare.json();
    expect(Object.keys(e).sort()).toEqual(
      [
        'id',
        'sha256',
        'org_id',
        'action',
        'action_result',
        'actor_id',
        'actor_type',
        'client_ip',
        'occurred_at',
      ].sort(),
    );
    // The page types every field as a plain string or number: none is ever null.
    for (const [field, value] of Object.entries(e)) expect(value, field).not.toBeNull();
  });
});

describe('auditr: org_id and keys', () => {
  it('lets a key write to its own org and to orgs below it, not above or beside', async () => {
    const childKey = await t.tenantWithKey('acme-us', ['events:write'], 'acme');
    await t.tenantWithKey('globex');
    expect((await curl(example({ org_id: 'acme-us' }), childKey)).statusCode).toBe(200);
    for (const org of ['acme', 'acme-eu', 'globex', 'no-such-org', 'acme\u0000', 'acme/../globex']) {
      const res = await curl(example({ org_id: org }), childKey);
      expect(res.statusCode, org).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'TK_ERR_FORBIDDEN', field: 'org_id' } });
    }
  });

  it('refuses an unknown org_id for an admin key with 404 and creates nothing', async () => {
    const tenantsBefore = await t.store.listTenants();
    const res = await curl(example({ org_id: 'ghost' }), t.adminKey);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'TK_ERR_TENANT_NOT_FOUND', field: 'org_id' } });
    expect(await t.store.listTenants()).toEqual(tenantsBefore);
    expect(await t.store.getLogHead('ghost')).toBeUndefined();
    expect((await curl(example({ org_id: 'acme' }), t.adminKey)).statusCode).toBe(200);
  });

  it('answers 401 without a bearer key and 403 for a read-only key', async () => {
    const readOnly = await t.tenantWithKey('readers', ['events:read']);
    const missing = await curl(PAGE_EXAMPLE, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json()).toMatchObject({ error: { code: 'TK_ERR_UNAUTHENTICATED' } });
    const token = await curl(PAGE_EXAMPLE, null, { authorization: `Token ${acmeKey}` });
    expect(token.statusCode).toBe(401);
    expect((await curl(PAGE_EXAMPLE, null, { authorization: `bearer ${acmeKey}` })).statusCode).toBe(200);
    const forbidden = await curl(example({ org_id: 'readers' }), readOnly);
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('auditr: each documented constraint violated once', () => {
  const REQUIRED = ['org_id', 'action', 'action_result', 'actor_id', 'actor_type', 'occurred_at'];
  const cases: Array<[string, string, string]> = [
    ...REQUIRED.map((field): [string, string, string] => [`${field} missing`, example({}, [field]), field]),
    ...['org_id', 'action', 'actor_id'].map((field): [string, string, string] => [
      `${field} empty`,
      example({ [field]: '' }),
      field,
    ]),
    ...REQUIRED.map((field): [string, string, string] => [`${field} null`, example({ [field]: null }), field]),
    ['action_result not in success|failure', example({ action_result: 'error' }), 'action_result'],
    ['action_result in another case', example({ action_result: 'Success' }), 'action_result'],
    ['action_result not a string', example({ action_result: true }), 'action_result'],
    ['actor_type not in user|machine', example({ actor_type: 'service' }), 'actor_type'],
    ['actor_type in another case', example({ actor_type: 'USER' }), 'actor_type'],
    ['occurred_at not ISO', example({ occurred_at: 'yesterday' }), 'occurred_at'],
    ['occurred_at an impossible date', example({ occurred_at: '2023-02-30T05:31:56Z' }), 'occurred_at'],
    ['occurred_at without an offset', example({ occurred_at: '2023-11-07T05:31:56' }), 'occurred_at'],
    ['occurred_at a number', example({ occurred_at: 1699335116 }), 'occurred_at'],
    ['actor_id not a string', example({ actor_id: 8 }), 'actor_id'],
    ['actor_email not a string', example({ actor_email: 42 }), 'actor_email'],
    ['actor_name not a string', example({ actor_name: 42 }), 'actor_name'],
    ['actor_name an object', example({ actor_name: { first: 'Jane' } }), 'actor_name'],
    ['client_ip not IPv4/IPv6', example({ client_ip: '300.1.1.1' }), 'client_ip'],
    ['client_ip a host name', example({ client_ip: 'example.com' }), 'client_ip'],
    ['client_ip not a string', example({ client_ip: 1234 }), 'client_ip'],
    ['action with U+0000 (no database column holds it)', example({ action: 'user.login\u0000' }), 'action'],
    ['request_method not a string', example({ request_method: 1 }), 'request_method'],
    ['request_method longer than 16', example({ request_method: 'X'.repeat(17) }), 'request_method'],
    ['request_path not a string', example({ request_path: ['/a'] }), 'request_path'],
    ['response_status not an integer', example({ response_status: '204' }), 'response_status'],
    ['response_status a fraction', example({ response_status: 204.5 }), 'response_status'],
    ['response_status below 100', example({ response_status: 99 }), 'response_status'],
    ['response_status above 599', example({ response_status: 600 }), 'response_status'],
    ['user_agent (extension) not a string', example({ user_agent: 5 }), 'user_agent'],
    ['an undocumented field', example({ severity: 'high' }), 'severity'],
  ];
  it.each(cases)('%s → 400 naming the field', async (_name, payload, field) => {
    const res = await curl(payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const { error } = res.json();
    expect(error.code).toMatch(/^TK_ERR_(VALIDATION|INVALID_TIMESTAMP)$/);
    expect(error.field).toBe(field);
    expect(error.message).toEqual(expect.any(String));
    expect((await t.store.getLogHead('acme-eu'))?.size).toBe(0);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await curl('{"org_id": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'TK_ERR_MALFORMED_JSON' } });
  });
});
