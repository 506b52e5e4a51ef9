import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

const fixtures = [
  sampleEvent({
    id: 'e1',
    action: 'document.create',
    category: 'content',
    severity: 'low',
    timestamp: '2026-01-01T00:00:00Z',
    summary: 'Drafted the quarterly roadmap',
    actor: { id: 'alice', type: 'user' },
    resource: { type: 'document', id: 'doc_1', name: 'Roadmap' },
    context: { session_id: 's1', request_id: 'r1', ip: '198.51.100.1' },
  }),
  sampleEvent({
    id: 'e2',
    action: 'document.delete',
    category: 'content',
    severity: 'high',
    timestamp: '2026-01-02T00:00:00Z',
    outcome: 'failure',
    actor: { id: 'bob', type: 'user' },
    resource: { type: 'document', id: 'doc_1' },
    metadata: { reason: 'retention policy' },
  }),
  sampleEvent({
    id: 'e3',
    action: 'user.login',
    category: 'auth',
    timestamp: '2026-01-03T00:00:00Z',
    actor: { id: 'alice', type: 'user' },
    resource: { type: 'session', id: 's2' },
    context: { session_id: 's2', ip: '2001:db8::1' },
  }),
  sampleEvent({
    id: 'e4',
    action: 'apikey.rotate',
    category: 'auth',
    severity: 'critical',
    timestamp: '2026-01-04T00:00:00Z',
    outcome: 'error',
    actor: { id: 'deploy-bot', type: 'machine', name: 'Deploy Bot' },
    resource: { type: 'apikey', id: 'k1' },
    error_message: 'vault sealed',
  }),
  sampleEvent({
    id: 'e5',
    action: 'documents.export',
    category: 'content',
    timestamp: '2026-01-05T00:00:00Z',
    actor: { id: 'carol', type: 'user' },
    resource: { type: 'document', id: 'doc_2' },
    summary: 'Exported roadmap as PDF',
  }),
];

beforeAll(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
  for (const e of fixtures) {
    const res = await t.call(key, { method: 'POST', url: '/v1/events?sync=true', payload: e });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

async function ids(query: string): Promise<string[]> {
  const res = await t.call(key, { method: 'GET', url: `/v1/events?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json<{ data: Array<{ id: string }> }>().data.map((e) => e.id);
}

/** Follows next_cursor from the first page to the last; every page races a batch of new events. */
async function walkWhileWriting(app: TestApp, key: string, query: string, write: () => Promise<unknown>) {
  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const [pageRes]: [Awaited<ReturnType<TestApp['call']>>, unknown] = await Promise.all([
      app.call(key, { method: 'GET', url: `/v1/events?${query}${cursor ? `&cursor=${cursor}` : ''}` }),
      write(),
    ]);
    const page = pageRes.json<{ data: Array<{ sequence: number }>; next_cursor: string | null }>();
    seen.push(...page.data.map((e) => e.sequence));
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor !== null && pages < 200);
  return seen;
}

describe('GET /v1/events filters', () => {
  it.each([
    ['', ['e5', 'e4', 'e3', 'e2', 'e1']],
    ['order=asc', ['e1', 'e2', 'e3', 'e4', 'e5']],
    ['action=document.delete', ['e2']],
    ['action=document.*', ['e2', 'e1']],
    ['action=doc*', ['e5', 'e2', 'e1']],
    ['category=auth', ['e4', 'e3']],
    ['outcome=failure', ['e2']],
    ['severity=critical', ['e4']],
    ['actor_id=alice', ['e3', 'e1']],
    ['actor_type=machine', ['e4']],
    ['target_type=document', ['e5', 'e2', 'e1']],
    ['target_id=doc_1', ['e2', 'e1']],
    ['target_type=document&target_id=doc_2', ['e5']],
    ['session_id=s2', ['e3']],
    ['request_id=r1', ['e1']],
    ['ip=2001:db8::1', ['e3']],
    ['occurred_at_gte=2026-01-02T00:00:00Z&occurred_at_lt=2026-01-04T00:00:00Z', ['e3', 'e2']],
    ['occurred_at_gt=2026-01-04T00:00:00%2B00:00', ['e5']],
    ['sequence_gte=2&sequence_lte=3', ['e3', 'e2']],
    ['sequence_gt=4', ['e5']],
    ['q=roadmap', ['e5', 'e1']],
    ['q=ROADMAP exported', ['e5']],
    ['q=retention', ['e2']],
    ['q=vault', ['e4']],
    ['q=Deploy', ['e4']],
    ['q=road*', ['e5', 'e1']],
    ['q=roadmap&category=content&order=asc', ['e1', 'e5']],
    ['q="quoted" OR NOT', []],
    ['action=nothing.here', []],
  ])('%s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it('filters received_at by range', async () => {
    const all = (await t.call(key, { method: 'GET', url: '/v1/events?order=asc' })).json<{
      data: Array<{ received_at: string }>;
    }>().data;
    const from = all[0]!.received_at;
    expect((await ids(`received_at_gte=${from}`)).length).toBe(5);
    expect(await ids('received_at_lt=2000-01-01T00:00:00Z')).toEqual([]);
  });
});

describe('GET /v1/events?q= with FTS syntax and control characters', () => {
  // Terms are words, never FTS5 or tsquery syntax: the answer is the same on both drivers.
  const all = ['e5', 'e4', 'e3', 'e2', 'e1'];
  it.each([
    ['q=%00', []],
    ['q=roadmap%00', ['e5', 'e1']],
    ['q=vault%00%00', ['e4']],
    // A control character separates words like a space but keeps the term one phrase.
    ['q=Drafted%00the', ['e1']],
    ['q=road%00map', []],
    ['q=deploy%7Fbot', ['e4']],
    ['q=%01roadmap%1F', ['e5', 'e1']],
    ['q=%C2%85roadmap', ['e5', 'e1']],
    ['q=AND', []],
    ['q=roadmap AND vault', []],
    ['q=roadmap OR vault', []],
    ['q=NOT roadmap', []],
    ['q=NEAR(', []],
    ['q=NEAR(roadmap vault)', []],
    ['q=*', all],
    ['q=**', []],
    ['q=-', []],
    ['q=-roadmap', ['e5', 'e1']],
    ['q=roadmap -vault', []],
    ['q=^', []],
    ['q=^roadmap', ['e5', 'e1']],
    ['q=%22', all],
    ['q=%22roadmap', ['e5', 'e1']],
    ['q=summary:roadmap', []],
    ['q=(roadmap)', ['e5', 'e1']],
    ['q=road*map', []],
    ["q='", []],
    ['q=%5C', []],
    ['q=roadmap:*', ['e5', 'e1']],
    ['q=%26 | !', []],
  ])('%s', async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });
});

describe('integer query parameters beyond what a sequence can be', () => {
  it.each([
    'sequence_gte=1e20',
    'sequence_gte=99999999999999999999',
    'sequence_lt=9223372036854775808',
    'sequence_gt=9007199254740992',
    'sequence_lte=Infinity',
    'limit=1e20',
  ])('%s → 400 naming the parameter', async (query) => {
    const res = await t.call(key, { method: 'GET', url: `/v1/events?${query}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_VALIDATION', field: query.split('=')[0] });
  });

  it('the largest exact sequence, 2^53 - 1, is still a valid bound and cursor', async () => {
    expect(await ids('sequence_gte=9007199254740991')).toEqual([]);
    expect(await ids('sequence_lt=9007199254740991')).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
    const cursor = Buffer.from(JSON.stringify({ v: 1, s: 9007199254740991, o: 'desc' })).toString('base64url');
    expect(await ids(`cursor=${cursor}`)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
  });
});

describe('cursor pagination', () => {
  it('walks every event exactly once in both orders', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/events?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await t.call(key, { method: 'GET', url })).json<{
          data: Array<{ id: string }>;
          next_cursor: string | null;
        }>();
        seen.push(...page.data.map((e) => e.id));
        cursor = page.next_cursor;
      } while (cursor !== null);
      const expected = ['e1', 'e2', 'e3', 'e4', 'e5'];
      expect(seen).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it('the last page has no cursor', async () => {
    const page = (await t.call(key, { method: 'GET', url: '/v1/events?limit=5' })).json<{
      next_cursor: string | null;
    }>();
    expect(page.next_cursor).toBeNull();
  });

  it('paginates full-text results too', async () => {
    const first = (await t.call(key, { method: 'GET', url: '/v1/events?q=roadmap&limit=1' })).json<{
      data: Array<{ id: string }>;
      next_cursor: string;
    }>();
    expect(first.data.map((e) => e.id)).toEqual(['e5']);
    const second = (
      await t.call(key, { method: 'GET', url: `/v1/events?q=roadmap&limit=1&cursor=${first.next_cursor}` })
    ).json<{ data: Array<{ id: string }> }>();
    expect(second.data.map((e) => e.id)).toEqual(['e1']);
  });
});

describe('cursor stability while events arrive', () => {
  it('pages neither repeat nor skip events when new ones are inserted between pages', async () => {
    const app = await createTestApp();
    try {
      const k = await app.tenantWithKey('live');
      const send = (n: number) =>
        app.call(k, {
          method: 'POST',
          url: '/v1/events/batch',
          payload: { events: Array.from({ length: n }, (_, i) => sampleEvent({ summary: `event ${i}` })) },
        });
      await send(50);

      const walk = (order: 'asc' | 'desc') => walkWhileWriting(app, k, `limit=7&order=${order}`, () => send(5));

      const desc = await walk('desc');
      // Descending from a snapshot start: strictly decreasing, contiguous down to 1.
      expect(desc.at(-1)).toBe(1);
      desc.forEach((s, i) => i > 0 && expect(s).toBe(desc[i - 1]! - 1));

      const asc = await walk('asc');
      // Ascending: strictly increasing and gapless from 1, whatever arrived meanwhile.
      asc.forEach((s, i) => expect(s).toBe(i + 1));
      expect(asc.length).toBeGreaterThan(desc.length);
    } finally {
      await app.close();
    }
  });

  it('keeps filtered and full-text pages stable while matching and other events arrive', async () => {
    const app = await createTestApp();
    try {
      const k = await app.tenantWithKey('live');
      let n = 0;
      // Every batch mixes events the filter matches with events it does not (other action, or no needle).
      const send = (count: number) =>
        app.call(k, {
          method: 'POST',
          url: '/v1/events/batch',
          payload: {
            events: Array.from({ length: count }, () => {
              const i = n++;
              const action = i % 3 === 2 ? 'document.delete' : 'document.update';
              return sampleEvent({ action, summary: i % 4 === 3 ? `plain ${i}` : `needle ${i}` });
            }),
          },
        });
      await send(60);
      const filter = 'action=document.update&q=needle';

      const walk = (order: 'asc' | 'desc') =>
        walkWhileWriting(app, k, `${filter}&limit=4&order=${order}`, () => send(6));
      // Which sequences match, by the rule the batches were built with (sequence s is item s - 1).
      const matches = (s: number): boolean => (s - 1) % 3 !== 2 && (s - 1) % 4 !== 3;

      const desc = await walk('desc');
      const expectedDesc = Array.from({ length: desc[0]! }, (_, i) => desc[0]! - i).filter(matches);
      expect(desc).toEqual(expectedDesc);

      const asc = await walk('asc');
      const expectedAsc = Array.from({ length: asc.at(-1)! }, (_, i) => i + 1).filter(matches);
      expect(asc).toEqual(expectedAsc);
      expect(asc.length).toBeGreaterThan(desc.length);
    } finally {
      await app.close();
    }
  });
});

describe('GET /v1/events/{id}', () => {
  it('returns the event with its integrity fields', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/events/e4' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'e4',
      sequence: 4,
      error_message: 'vault sealed',
      actor: { name: 'Deploy Bot' },
    });
  });

  it('reads back an event whose id has the longest length allowed (128)', async () => {
    const k = await t.tenantWithKey('long-ids');
    const id = `${'x'.repeat(120)}:a@b.c-d`;
    expect(id).toHaveLength(128);
    const posted = await t.call(k, { method: 'POST', url: '/v1/events?sync=true', payload: sampleEvent({ id }) });
    expect(posted.statusCode).toBe(201);
    for (const path of [id, encodeURIComponent(id)]) {
      const res = await t.call(k, { method: 'GET', url: `/v1/events/${path}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ id });
    }
  });

  it('404s for an unknown id', async () => {
    const res = await t.call(key, { method: 'GET', url: '/v1/events/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_EVENT_NOT_FOUND' });
  });
});
