import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterAll(async () => {
  // No bad request may leave anything behind: not one event was written by this file.
  expect((await t.store.getLogHead('acme'))?.size).toBe(0);
  await t.close();
});

interface Case {
  name: string;
  status: number;
  code: string;
  field?: string;
  payload?: string | object;
  headers?: Record<string, string>;
  url?: string;
}

const long = (n: number): string => 'x'.repeat(n);

const cases: Case[] = [
  { name: 'malformed JSON', status: 400, code: 'TK_ERR_MALFORMED_JSON', payload: '{"action": "a.b",' },
  { name: 'empty JSON body', status: 400, code: 'TK_ERR_MALFORMED_JSON', payload: '' },
  { name: 'a JSON array instead of an object', status: 400, code: 'TK_ERR_VALIDATION', payload: [] },
  { name: 'missing action', status: 400, code: 'TK_ERR_VALIDATION', field: 'action', payload: { actor: { id: 'u' } } },
  { name: 'missing actor', status: 400, code: 'TK_ERR_VALIDATION', field: 'actor', payload: { action: 'a.b' } },
  {
    name: 'actor with no identity',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'actor',
    payload: { action: 'a.b', actor: { type: 'user' } },
  },
  {
    name: 'action of the wrong type',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'action',
    payload: sampleEvent({ action: 42 }),
  },
  {
    name: 'actor id of the wrong type',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'actor.id',
    payload: sampleEvent({ actor: { id: 7 } }),
  },
  {
    name: 'metadata that is not an object',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'metadata',
    payload: sampleEvent({ metadata: 'x' }),
  },
  {
    name: 'action not in dot notation',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'action',
    payload: sampleEvent({ action: 'delete doc' }),
  },
  {
    name: 'action over 128 characters',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'action',
    payload: sampleEvent({ action: long(129) }),
  },
  {
    name: 'summary over 1024 characters',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'summary',
    payload: sampleEvent({ summary: long(1025) }),
  },
  {
    name: 'id over 128 characters',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'id',
    payload: sampleEvent({ id: long(129) }),
  },
  { name: 'id with a slash', status: 400, code: 'TK_ERR_VALIDATION', field: 'id', payload: sampleEvent({ id: 'a/b' }) },
  {
    name: 'empty action',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'action',
    payload: sampleEvent({ action: '' }),
  },
  {
    name: 'unknown outcome',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'outcome',
    payload: sampleEvent({ outcome: 'maybe' }),
  },
  {
    name: 'unknown severity',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'severity',
    payload: sampleEvent({ severity: 'urgent' }),
  },
  {
    name: 'an unknown field',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'colour',
    payload: sampleEvent({ colour: 'red' }),
  },
  {
    name: 'an invalid IP',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'context.ip',
    payload: sampleEvent({ context: { ip: '999.1.1.1' } }),
  },
  {
    name: 'http status out of range',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'context.http.status',
    payload: sampleEvent({ context: { http: { status: 42 } } }),
  },
  {
    name: 'a timestamp that is not a date',
    status: 400,
    code: 'TK_ERR_INVALID_TIMESTAMP',
    field: 'timestamp',
    payload: sampleEvent({ timestamp: 'yesterday' }),
  },
  {
    name: '30 February',
    status: 400,
    code: 'TK_ERR_INVALID_TIMESTAMP',
    field: 'timestamp',
    payload: sampleEvent({ timestamp: '2026-02-30T10:00:00Z' }),
  },
  {
    name: 'a timestamp without zone',
    status: 400,
    code: 'TK_ERR_INVALID_TIMESTAMP',
    field: 'timestamp',
    payload: sampleEvent({ timestamp: '2026-01-01T10:00:00' }),
  },
  {
    name: 'hour 24',
    status: 400,
    code: 'TK_ERR_INVALID_TIMESTAMP',
    field: 'timestamp',
    payload: sampleEvent({ timestamp: '2026-01-01T24:00:00Z' }),
  },
  {
    name: 'metadata over 32 KiB',
    status: 400,
    code: 'TK_ERR_METADATA_TOO_LARGE',
    field: 'metadata',
    payload: sampleEvent({ metadata: { blob: long(33 * 1024) } }),
  },
  {
    name: 'a value shaped like a sealed commitment',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'metadata.x',
    payload: sampleEvent({ metadata: { x: { _sd: 'a'.repeat(64) } } }),
  },
  {
    name: 'a body over 1 MiB',
    status: 413,
    code: 'TK_ERR_BODY_TOO_LARGE',
    payload: sampleEvent({ summary: long(1024 * 1024 + 10) }),
  },
  {
    name: 'a body that is not JSON',
    status: 415,
    code: 'TK_ERR_UNSUPPORTED_MEDIA_TYPE',
    payload: 'action=a.b',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  },
  {
    name: 'an unknown query parameter',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'sink',
    payload: sampleEvent(),
    url: '/v1/events?sink=true',
  },
  {
    name: 'sync not true/false',
    status: 400,
    code: 'TK_ERR_VALIDATION',
    field: 'sync',
    payload: sampleEvent(),
    url: '/v1/events?sync=yes',
  },
];

describe('bad input on POST /v1/events: a precise 4xx, never a 500, never a write', () => {
  it.each(cases)('$name → $status $code', async (c) => {
    const headers = { 'content-type': 'application/json', ...c.headers };
    const payload = typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload);
    const res = await t.call(key, { method: 'POST', url: c.url ?? '/v1/events?sync=true', payload, headers });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json<Record<string, unknown>>();
    expect(problem).toMatchObject({ code: c.code, status: c.status, type: `urn:trailkeep:error:${c.code}` });
    expect(problem.request_id).toBe(res.headers['x-request-id']);
    expect(typeof problem.detail).toBe('string');
    if (c.field !== undefined) expect(problem.field).toBe(c.field);
  });
});

describe('bad input on GET /v1/events', () => {
  const queries: Array<[string, string, string]> = [
    ['limit=0', 'TK_ERR_VALIDATION', 'limit'],
    ['limit=1001', 'TK_ERR_VALIDATION', 'limit'],
    ['limit=ten', 'TK_ERR_VALIDATION', 'limit'],
    ['order=sideways', 'TK_ERR_VALIDATION', 'order'],
    ['cursor=not-a-cursor', 'TK_ERR_INVALID_CURSOR', 'cursor'],
    ['occurred_at_gte=last-week', 'TK_ERR_INVALID_TIMESTAMP', 'occurred_at_gte'],
    ['sequence_gte=-1', 'TK_ERR_VALIDATION', 'sequence_gte'],
    ['outcome=meh', 'TK_ERR_VALIDATION', 'outcome'],
    ['colour=red', 'TK_ERR_VALIDATION', 'colour'],
  ];
  it.each(queries)('%s → 400 %s', async (query, code, field) => {
    const res = await t.call(key, { method: 'GET', url: `/v1/events?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code, field });
  });

  it('a cursor made for the other order is refused', async () => {
    const cursor = Buffer.from(JSON.stringify({ v: 1, s: 5, o: 'asc' })).toString('base64url');
    const res = await t.call(key, { method: 'GET', url: `/v1/events?order=desc&cursor=${cursor}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_INVALID_CURSOR' });
  });
});

describe('authentication and tenants', () => {
  it('no key → 401', async () => {
    const res = await t.call(undefined, { method: 'POST', url: '/v1/events', payload: sampleEvent() });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_UNAUTHENTICATED' });
  });

  it.each([
    ['an unknown key', { authorization: `Bearer tk_live_${'A'.repeat(43)}` }],
    ['garbage', { authorization: 'Bearer nope' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a wrong X-API-Key', { 'x-api-key': 'tk_live_wrong' }],
  ])('%s → 401', async (_name, headers) => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/events', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_UNAUTHENTICATED' });
  });

  it('an admin key naming no tenant → 400 TK_ERR_TENANT_REQUIRED', async () => {
    const res = await t.call(t.adminKey, { method: 'POST', url: '/v1/events', payload: sampleEvent() });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_TENANT_REQUIRED' });
  });

  it('an admin key naming an unknown tenant → 404 TK_ERR_TENANT_NOT_FOUND', async () => {
    const res = await t.call(t.adminKey, {
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-tenant-id': 'nobody' },
      payload: sampleEvent(),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_TENANT_NOT_FOUND' });
  });

  it('an unknown route → 404 TK_ERR_ROUTE_NOT_FOUND as problem+json', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_ROUTE_NOT_FOUND' });
  });
});
