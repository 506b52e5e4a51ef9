import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

/** A native event with a value for every field the events-list page shows. */
const fullEvent = (overrides: Record<string, unknown> = {}) =>
  sampleEvent({
    action: 'vm.start',
    category: 'compute',
    outcome: 'failure',
    actor: { type: 'user', id: '42', email: 'ada@example.org' },
    resource: { type: 'vm', id: 'vm-7' },
    context: {
      ip: '8.8.8.8',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      session_id: 'sess-1',
      request_id: 'req-1',
      correlation_id: 'corr-1',
      http: { method: 'POST', path: '/vms/vm-7/start', status: 500, latency_ms: 12.5 },
      source: 'scheduler',
      node_ip: '10.1.2.3',
      worker_id: 'worker-3',
      vm_id: 'vm-7',
      task_id: 991,
    },
    metadata: { attempt: 2 },
    error_message: 'hypervisor unavailable',
    ...overrides,
  });

async function ingest(...events: Array<Record<string, unknown>>): Promise<void> {
  const res = await t.call(key, { method: 'POST', url: '/v1/events/batch', payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

/** As the page's client sends it: an OAuth2 bearer token (or X-API-Key). */
const list = (query = '', headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
  t.app.inject({ method: 'GET', url: `/v1/audit/events${query}`, headers: { accept: 'application/json', ...headers } });

describe('events-list: GET /v1/audit/events (seed 002)', () => {
  it('answers {items, next_cursor} with every documented item field, typed as documented', async () => {
    await ingest(fullEvent());
    const res = await list();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.next_cursor).toBeNull();
    expect(body.items).toHaveLength(1);
    const item = body.items[0];
    expect(item).toEqual({
      id: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      user_id: 42,
      actor_type: 'user',
      actor_id: '42',
      source: 'scheduler',
      event_group: 'compute',
      event_type: 'vm.start',
      status: 'failure',
      resource_type: 'vm',
      resource_id: 'vm-7',
      session_id: 'sess-1',
      vm_id: 'vm-7',
      task_id: 991,
      request_id: 'req-1',
      correlation_id: 'corr-1',
      http_method: 'POST',
      path: '/vms/vm-7/start',
      http_status: 500,
      latency_ms: 12.5,
      ip_address: '8.8.8.8',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      node_ip: '10.1.2.3',
      worker_id: 'worker-3',
      event_payload: { attempt: 2 },
      error_message: 'hypervisor unavailable',
    });
  });

  it('answers null where the canonical event has no value, and the required fields always', async () => {
    await ingest({ action: 'user.login', actor: { id: 'u-1' } });
    const [item] = (await list('', { 'x-api-key': key })).json().items;
    expect(item).toMatchObject({ actor_type: 'user', source: 'api', event_group: '', status: 'unknown' });
    for (const field of [
      'user_id',
      'resource_type',
      'vm_id',
      'task_id',
      'http_status',
      'event_payload',
      'ip_address',
    ]) {
      expect(item[field], field).toBeNull();
    }
  });

  it('filters by event_group, event_type, status, user_id, vm_id and session_id', async () => {
    await ingest(
      fullEvent(),
      fullEvent({ category: 'billing', action: 'invoice.pay', outcome: 'success' }),
      fullEvent({ actor: { type: 'user', id: '7' }, context: { vm_id: 'vm-9', session_id: 'sess-2' } }),
      fullEvent({ actor: { type: 'machine', id: '42' } }),
    );
    const count = async (query: string) => (await list(query)).json().items.length;
    expect(await count('?event_group=billing')).toBe(1);
    expect(await count('?event_type=vm.start')).toBe(3);
    expect(await count('?status=success')).toBe(1);
    expect(await count('?status=exploded')).toBe(0);
    expect(await count('?user_id=42')).toBe(2); // the machine with id 42 is no user
    expect(await count('?user_id=7')).toBe(1);
    expect(await count('?vm_id=vm-9')).toBe(1);
    expect(await count('?session_id=sess-1')).toBe(3);
    expect(await count('?vm_id=vm-7&session_id=sess-1&status=failure')).toBe(2);
  });

  it('pages newest first with next_cursor, 50 items by default', async () => {
    await ingest(...Array.from({ length: 55 }, (_, i) => fullEvent({ id: `evt_${String(i).padStart(2, '0')}` })));
    const first = (await list()).json();
    expect(first.items).toHaveLength(50);
    expect(first.items[0].id).toBe('evt_54');
    const rest = (await list(`?cursor=${first.next_cursor}`)).json();
    expect(rest.items.map((i: { id: string }) => i.id)).toEqual(['evt_04', 'evt_03', 'evt_02', 'evt_01', 'evt_00']);
    expect(rest.next_cursor).toBeNull();
    const small = (await list('?limit=200')).json();
    expect(small.items).toHaveLength(55);
  });
});

describe('events-list: each documented constraint violated once → FastAPI 422', () => {
  it.each([
    ['?limit=0', 'limit', 'greater_than_equal'],
    ['?limit=201', 'limit', 'less_than_equal'],
    ['?limit=ten', 'limit', 'int_parsing'],
    ['?user_id=ada', 'user_id', 'int_parsing'],
    ['?user_id=4.5', 'user_id', 'int_parsing'],
    ['?cursor=not-a-cursor', 'cursor', 'value_error'],
  ])('%s', async (query, field, type) => {
    const res = await list(query);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ detail: [{ loc: ['query', field], msg: expect.any(String), type }] });
  });

  it.each([
    ['?user_id=0x2a', 'user_id'],
    ['?user_id=1e1', 'user_id'],
    ['?user_id=%2042', 'user_id'],
    ['?user_id=%2B42', 'user_id'],
    ['?user_id=42.0', 'user_id'],
    ['?user_id=', 'user_id'],
    ['?limit=1e2', 'limit'],
    ['?limit=0x10', 'limit'],
    ['?limit=%2010', 'limit'],
    ['?limit=', 'limit'],
  ])('%s → 422 int_parsing: integers are decimal digits only', async (query, field) => {
    await ingest(fullEvent());
    const res = await list(query);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ detail: [{ loc: ['query', field], msg: expect.any(String), type: 'int_parsing' }] });
  });

  it('reads decimal integers with a sign or leading zeros as pydantic does', async () => {
    await ingest(fullEvent(), fullEvent({ actor: { type: 'user', id: '-3' } }));
    const count = async (query: string) => {
      const res = await list(query);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items.length;
    };
    expect(await count('?user_id=0042')).toBe(1);
    expect(await count('?user_id=-3')).toBe(1);
    expect(await count('?user_id=9007199254740993')).toBe(0); // beyond the integers an item can show
    expect(await count('?limit=001')).toBe(1);
  });

  it('answers 401 {"detail"} without credentials', async () => {
    const res = await list('', {});
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ detail: 'Not authenticated' });
  });

  it('answers 401 "Could not validate credentials" to a wrong bearer token or X-API-Key', async () => {
    for (const headers of [
      { authorization: 'Bearer tk_live_not_a_key_0123456789abcdef' },
      { authorization: `Bearer ${key}x` },
      { 'x-api-key': 'tk_live_not_a_key_0123456789abcdef' },
    ]) {
      const res = await list('', headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toEqual({ detail: 'Could not validate credentials' });
    }
  });
});

describe('events-list: credentials (OAuth2 bearer or X-API-Key)', () => {
  it("reads X-API-Key when Authorization carries another scheme (a gateway's Basic credentials)", async () => {
    await ingest(fullEvent());
    const res = await list('', { authorization: 'Basic Z2F0ZXdheTpzZWNyZXQ=', 'x-api-key': key });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1);
    const alone = await list('', { authorization: 'Basic Z2F0ZXdheTpzZWNyZXQ=' });
    expect(alone.statusCode).toBe(401);
    expect(alone.json()).toEqual({ detail: 'Not authenticated' });
    expect((await list('', { authorization: `bearer ${key}` })).statusCode).toBe(200);
  });

  it('refuses a wrong or malformed bearer token even beside a good X-API-Key', async () => {
    for (const authorization of ['Bearer tk_live_not_a_key_0123456789abcdef', 'Bearer', `Bearer ${key} extra`]) {
      const res = await list('', { authorization, 'x-api-key': key });
      expect(res.statusCode, authorization).toBe(401);
    }
  });
});
