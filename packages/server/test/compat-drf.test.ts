import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTargetTypeService } from '../src/domain/target-type-service.js';
import { buildApp } from '../src/http/app.js';
import { trustProxyOption } from '../src/http/trust-proxy.js';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

const httpEvent = (overrides: Record<string, unknown> = {}) =>
  sampleEvent({
    action: 'document.update',
    actor: { type: 'user', id: '17', email: 'ada@example.org', name: 'Ada Lovelace' },
    resource: { type: 'document', id: '4711' },
    timestamp: '2024-03-01T10:00:00Z',
    context: {
      ip: '81.2.69.142',
      http: {
        method: 'POST',
        url: 'https://app.example.com/documents/4711?draft=1',
        query: { draft: '1' },
        headers: { 'content-type': 'application/json' },
        body: { title: 'Q3 plan' },
      },
    },
    metadata: { changed: ['title'] },
    ...overrides,
  });

async function ingest(...events: Array<Record<string, unknown>>): Promise<void> {
  const res = await t.call(key, { method: 'POST', url: '/v1/events/batch', payload: { events } });
  expect(res.json().accepted).toBe(events.length);
}

/** As the page's client sends it: `Authorization: Token <key>`. */
const get = (url: string, headers: Record<string, string> = { authorization: `Token ${key}` }) =>
  t.app.inject({ method: 'GET', url, headers: { accept: 'application/json', ...headers } });

const RESULT_FIELDS = {
  uuid: expect.any(String),
  timestamp: '2024-03-01T10:00:00.000Z',
  content: { changed: ['title'] },
  content_type: expect.any(Number),
  headers: { 'content-type': 'application/json' },
  object_id: 4711,
  post_data: { title: 'Q3 plan' },
  query_params: { draft: '1' },
  remote_addr: '81.2.69.142',
  url: 'https://app.example.com/documents/4711?draft=1',
};

describe('drf: GET /audit-events/ (seed 003)', () => {
  it('answers {count, next, previous, results} with every documented field, typed as documented', async () => {
    await ingest(httpEvent());
    const res = await get('/audit-events/');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ count: 1, next: null, previous: null });
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject(RESULT_FIELDS);
    expect(Number.isInteger(body.results[0].content_type)).toBe(true);
    expect(body.results[0]).toMatchObject({ user: 17, user_email: 'ada@example.org', user_name: 'Ada Lovelace' });
  });

  it('GET /audit-events/{uuid}/ answers one event, and {"detail": "Not found."} for an unknown one', async () => {
    await ingest(httpEvent({ id: '0190a5f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b' }));
    const one = await get('/audit-events/0190a5f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b/');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ ...RESULT_FIELDS, uuid: '0190a5f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b' });
    const missing = await get('/audit-events/0190a5f2-0000-7000-8000-000000000000/');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Not found.' });
  });

  it('pages with page and limit, with absolute next and previous URLs', async () => {
    await ingest(...Array.from({ length: 5 }, (_, i) => httpEvent({ id: `evt_${i}` })));
    const first = (await get('/audit-events/?limit=2')).json();
    expect(first.count).toBe(5);
    expect(first.results.map((r: { uuid: string }) => r.uuid)).toEqual(['evt_4', 'evt_3']);
    expect(first.next).toBe('http://localhost:80/audit-events/?limit=2&page=2');
    expect(first.previous).toBeNull();
    const second = (await get('/audit-events/?limit=2&page=2')).json();
    expect(second.previous).toBe('http://localhost:80/audit-events/?limit=2');
    const last = (await get('/audit-events/?limit=2&page=3')).json();
    expect(last.results.map((r: { uuid: string }) => r.uuid)).toEqual(['evt_0']);
    expect(last.next).toBeNull();
    expect(last.previous).toBe('http://localhost:80/audit-events/?limit=2&page=2');
  });

  it('builds next and previous from the forwarded host and scheme only behind a trusted proxy', async () => {
    await ingest(httpEvent({ id: 'a' }), httpEvent({ id: 'b' }));
    const res = await get('/audit-events/?limit=1', {
      authorization: `Token ${key}`,
      'x-forwarded-host': 'audit.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(res.json().next).toBe('http://localhost:80/audit-events/?limit=1&page=2');

    // The same request through a proxy the app trusts (TRAILKEEP_TRUST_PROXY): the links are the
    // client's, as docs/COMPATIBILITY.md promises.
    const behindProxy = await buildApp(t.services, { trustProxy: trustProxyOption('127.0.0.1') });
    try {
      const forwarded = (url: string) =>
        behindProxy.inject({
          method: 'GET',
          url,
          headers: {
            authorization: `Token ${key}`,
            'x-forwarded-host': 'audit.example.com',
            'x-forwarded-proto': 'https',
            'x-forwarded-for': '81.2.69.142',
          },
        });
      const first = (await forwarded('/audit-events/?limit=1&sort=-timestamp')).json();
      expect(first.next).toBe('https://audit.example.com/audit-events/?limit=1&sort=-timestamp&page=2');
      const second = (await forwarded('/audit-events/?limit=1&sort=-timestamp&page=2')).json();
      expect(second.previous).toBe('https://audit.example.com/audit-events/?limit=1&sort=-timestamp');
      expect(second.next).toBeNull();
    } finally {
      await behindProxy.close();
    }
  });

  it('filters by content_type, object_id, user and timestamps, and sorts by timestamp', async () => {
    await ingest(
      httpEvent({ id: 'doc-early', timestamp: '2024-01-01T00:00:00Z' }),
      httpEvent({ id: 'doc-late', timestamp: '2024-06-01T12:30:00Z' }),
      httpEvent({ id: 'inv', resource: { type: 'invoice', id: '9' }, actor: { type: 'user', id: '18' } }),
    );
    const ids = async (query: string) =>
      (await get(`/audit-events/${query}`)).json().results.map((r: { uuid: string }) => r.uuid);
    const types = (await get('/audit-events/')).json().results;
    const invoiceType = types.find((r: { uuid: string }) => r.uuid === 'inv').content_type;
    const documentType = types.find((r: { uuid: string }) => r.uuid === 'doc-late').content_type;
    expect(invoiceType).not.toBe(documentType);
    expect(await ids(`?content_type=${invoiceType}`)).toEqual(['inv']);
    expect(await ids('?content_type=999')).toEqual([]);
    expect(await ids('?object_id=4711')).toEqual(['doc-late', 'doc-early']);
    expect(await ids('?user=18')).toEqual(['inv']);
    expect(await ids('?timestamp=2024-01-01T00:00:00Z')).toEqual(['doc-early']);
    expect(await ids('?timestamp__gt=2024-01-01T00:00:00Z&sort=timestamp')).toEqual(['inv', 'doc-late']);
    expect(await ids('?timestamp__gte=2024-01-01&sort=-timestamp')).toEqual(['doc-late', 'inv', 'doc-early']);
    expect(await ids('?timestamp__lt=2024-03-01T10:00:00%2B00:00')).toEqual(['doc-early']);
    expect(await ids('?timestamp__lte=2024-03-01%2010:00:00')).toEqual(['inv', 'doc-early']);
  });

  it('keeps content_type numbers stable across requests and restarts', async () => {
    await ingest(httpEvent({ id: 'a' }), httpEvent({ id: 'b', resource: { type: 'invoice', id: '1' } }));
    const numbers = async () =>
      Object.fromEntries(
        (await get('/audit-events/'))
          .json()
          .results.map((r: { uuid: string; content_type: number }) => [r.uuid, r.content_type]),
      );
    const before = await numbers();
    expect(await numbers()).toEqual(before);
    // A second store on the same database (another process, or after a restart) reads the same numbers.
    const again = await t.storage.openStore();
    try {
      const fresh = createTargetTypeService(again);
      expect(await fresh.numbersFor('acme', ['invoice', 'document'])).toEqual(
        new Map([
          ['invoice', before.b],
          ['document', before.a],
        ]),
      );
    } finally {
      await again.close();
    }
  });
});

describe('drf: errors in Django REST framework shapes', () => {
  it.each([
    ['?content_type=document', 'content_type', 'Enter a whole number.'],
    ['?object_id=2147483648', 'object_id', 'Ensure this value is less than or equal to 2147483647.'],
    ['?user=ada', 'user', 'Enter a whole number.'],
    ['?limit=0', 'limit', 'Ensure this value is greater than or equal to 1.'],
    ['?timestamp=last-week', 'timestamp', 'Enter a valid date/time.'],
    ['?timestamp__gt=2024-13-01', 'timestamp__gt', 'Enter a valid date/time.'],
    ['?timestamp__gte=soon', 'timestamp__gte', 'Enter a valid date/time.'],
    ['?timestamp__lt=2024-02-30T00:00:00Z', 'timestamp__lt', 'Enter a valid date/time.'],
    ['?timestamp__lte=noon', 'timestamp__lte', 'Enter a valid date/time.'],
    ['?sort=size', 'sort', 'Invalid sort field "size": use timestamp or -timestamp.'],
  ])('%s → 400 {field: [message]}', async (query, field, message) => {
    const res = await get(`/audit-events/${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ [field]: [message] });
  });

  it.each([
    ['?user=0x2a', 'user'],
    ['?user=1e1', 'user'],
    ['?user=%2042', 'user'],
    ['?user=42%20', 'user'],
    ['?user=%2B42', 'user'],
    ['?user=4.0', 'user'],
    ['?object_id=1e3', 'object_id'],
    ['?object_id=0x10', 'object_id'],
    ['?content_type=%201', 'content_type'],
    ['?limit=1e2', 'limit'],
    ['?limit=0x10', 'limit'],
  ])('%s → 400: integers are decimal digits only', async (query, field) => {
    await ingest(httpEvent({ actor: { type: 'user', id: '42' } }));
    const res = await get(`/audit-events/${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ [field]: ['Enter a whole number.'] });
  });

  it('reads decimal integers with a sign or leading zeros as Django does', async () => {
    await ingest(
      httpEvent({ id: 'u42', actor: { type: 'user', id: '42' } }),
      httpEvent({ id: 'neg', actor: { type: 'user', id: '-7' }, resource: { type: 'document', id: '12' } }),
    );
    const ids = async (query: string) => {
      const res = await get(`/audit-events/${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().results.map((r: { uuid: string }) => r.uuid);
    };
    expect(await ids('?user=0042')).toEqual(['u42']);
    expect(await ids('?user=-7')).toEqual(['neg']);
    expect(await ids('?object_id=012')).toEqual(['neg']);
    expect(await ids('?user=9007199254740993')).toEqual([]); // beyond the integers a result can show
    expect(await ids('?limit=001')).toHaveLength(1);
  });

  it('ignores empty filters and reads an empty page or limit as the default, as django-filter and DRF do', async () => {
    await ingest(...Array.from({ length: 3 }, (_, i) => httpEvent({ id: `evt_${i}` })));
    const all = ['evt_2', 'evt_1', 'evt_0'];
    for (const query of [
      '?user=',
      '?content_type=',
      '?object_id=',
      '?timestamp=',
      '?timestamp__gt=&timestamp__gte=&timestamp__lt=&timestamp__lte=',
      '?sort=',
      '?page=',
      '?limit=',
      '?user=&page=&limit=&content_type=',
    ]) {
      const res = await get(`/audit-events/${query}`);
      expect(res.statusCode, query).toBe(200);
      expect(res.json().count, query).toBe(3);
      expect(
        res.json().results.map((r: { uuid: string }) => r.uuid),
        query,
      ).toEqual(all);
      expect(res.json().previous, query).toBeNull();
    }
    // An empty page with a limit is page 1 of that limit; its next link names page 2.
    const paged = (await get('/audit-events/?page=&limit=2')).json();
    expect(paged.results.map((r: { uuid: string }) => r.uuid)).toEqual(['evt_2', 'evt_1']);
    expect(paged.next).toBe('http://localhost:80/audit-events/?page=2&limit=2');
  });

  it.each(['?page=0', '?page=two', '?page=2', '?page=0x1', '?page=1e0'])(
    '%s → 404 {"detail": "Invalid page."}',
    async (query) => {
      const res = await get(`/audit-events/${query}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Invalid page.' });
    },
  );

  it('answers 401 and 403 with {"detail"} and WWW-Authenticate: Token', async () => {
    const missing = await get('/audit-events/', {});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Token');
    expect(missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    // Like DRF's TokenAuthentication, another scheme is no credential at all.
    const bearer = await get('/audit-events/', { authorization: `Bearer ${key}` });
    expect(bearer.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const wrong = await get('/audit-events/', { authorization: 'Token tk_live_not_a_key' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ detail: 'Invalid token.' });
    const writeOnly = await t.tenantWithKey('writers', ['events:write']);
    const forbidden = await get('/audit-events/', { authorization: `Token ${writeOnly}` });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
  });
});
