import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sampleEvent, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let key: string;

beforeEach(async () => {
  t = await createTestApp();
  key = await t.tenantWithKey('acme');
});
afterEach(() => t.close());

const post = (body: unknown, url = '/v1/events?sync=true', k = key) =>
  t.call(k, { method: 'POST', url, payload: body as object });

describe('POST /v1/events', () => {
  it('answers 202 {id, status} by default, once the event is stored', async () => {
    const res = await post(sampleEvent(), '/v1/events');
    expect(res.statusCode).toBe(202);
    const body = res.json<{ id: string; status: string }>();
    expect(body.status).toBe('accepted');
    const stored = await t.call(key, { method: 'GET', url: `/v1/events/${body.id}` });
    expect(stored.statusCode).toBe(200);
    expect(stored.json<{ sequence_number: number }>().sequence_number).toBe(1);
  });

  it('answers 201 with the committed event with ?sync=true and with X-Fact0-Sync: true', async () => {
    const viaQuery = await post(sampleEvent({ id: 'evt_a', timestamp: '2026-01-02T03:04:05Z', metadata: { n: 1 } }));
    expect(viaQuery.statusCode).toBe(201);
    const e = viaQuery.json<Record<string, unknown>>();
    expect(e).toMatchObject({
      id: 'evt_a',
      tenant_id: 'acme',
      sequence_number: 1,
      sequence: 1,
      action: 'document.update',
      outcome: 'success',
      actor: { id: 'user_1', email: 'ada@example.org', name: 'Ada', type: 'user' },
      resource: { type: 'document', id: 'doc_1', name: 'Plan' },
      target: { type: 'document', id: 'doc_1', name: 'Plan' },
      timestamp: '2026-01-02T03:04:05.000Z',
      occurred_at: '2026-01-02T03:04:05.000Z',
      metadata: { n: 1 },
      prev_hash: '0'.repeat(64),
    });
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(e.created_at).toBe(e.received_at);

    const viaHeader = await t.call(key, {
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-fact0-sync': 'true' },
      payload: sampleEvent(),
    });
    expect(viaHeader.statusCode).toBe(201);
    expect(viaHeader.json<{ sequence_number: number; prev_hash: string }>()).toMatchObject({
      sequence_number: 2,
      prev_hash: e.hash,
    });
  });

  it('fills defaults: server UUIDv7 id, occurred_at now, outcome unknown, actor type user', async () => {
    const before = new Date().toISOString();
    const res = await post({ action: 'user.login', actor: { id: 'u' } });
    const e = res.json<{ id: string; occurred_at: string; outcome: string; actor: { type: string } }>();
    expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(e.occurred_at >= before).toBe(true);
    expect(e.outcome).toBe('unknown');
    expect(e.actor.type).toBe('user');
  });

  it('accepts X-API-Key as well as Authorization: Bearer', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'x-api-key': key },
      payload: sampleEvent(),
    });
    expect(res.statusCode).toBe(202);
  });

  it('looks past an Authorization header of another scheme (a gateway’s Basic) to X-API-Key', async () => {
    const basic = 'Basic ' + Buffer.from('gateway:secret').toString('base64');
    const post = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/v1/events', headers, payload: sampleEvent() });
    expect((await post({ authorization: basic, 'x-api-key': key })).statusCode).toBe(202);
    expect((await post({ authorization: basic })).statusCode).toBe(401);
    // A Bearer credential is the one meant: a wrong one is refused even beside a good X-API-Key.
    expect((await post({ authorization: 'Bearer tk_live_wrong', 'x-api-key': key })).statusCode).toBe(401);
  });
});

describe('values shaped like a sealed commitment', () => {
  it('refuses them where the log seals (object members), keeps them inside arrays, where it never does', async () => {
    const sealedShape = { _sd: 'c'.repeat(64) };
    const refused = await post(sampleEvent({ metadata: { card: sealedShape } }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'TK_ERR_VALIDATION', field: 'metadata.card' });
    const kept = await post(sampleEvent({ metadata: { cards: [sealedShape] } }));
    expect(kept.statusCode).toBe(201);
    expect(kept.json<{ metadata: unknown }>().metadata).toEqual({ cards: [sealedShape] });
  });
});

describe('idempotency by client id', () => {
  it('returns the original event for a retry with the same id and body, without a second copy', async () => {
    const first = await post(sampleEvent({ id: 'evt_retry' }));
    const again = await post(sampleEvent({ id: 'evt_retry' }));
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const asyncAgain = await post(sampleEvent({ id: 'evt_retry' }), '/v1/events');
    expect(asyncAgain.statusCode).toBe(202);
    expect((await t.store.getLogHead('acme'))?.size).toBe(1);
  });

  it('refuses the same id with a different body with 409 TK_ERR_IDEMPOTENCY_CONFLICT', async () => {
    await post(sampleEvent({ id: 'evt_x' }));
    const res = await post(sampleEvent({ id: 'evt_x', action: 'document.delete' }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TK_ERR_IDEMPOTENCY_CONFLICT', field: 'id' });
    expect((await t.store.getLogHead('acme'))?.size).toBe(1);
  });

  it('keeps one copy when concurrent requests carry the same id', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => post(sampleEvent({ id: 'evt_race' }))));
    const sequences = new Set(results.map((r) => r.json<{ sequence_number: number }>().sequence_number));
    expect(sequences).toEqual(new Set([1]));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect((await t.store.getLogHead('acme'))?.size).toBe(1);
  });

  it('scopes ids to the tenant: another tenant may use the same id', async () => {
    const other = await t.tenantWithKey('globex');
    await post(sampleEvent({ id: 'shared' }));
    const res = await post(sampleEvent({ id: 'shared', action: 'x.y' }), '/v1/events?sync=true', other);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ tenant_id: 'globex', sequence_number: 1 });
  });
});

describe('POST /v1/events/batch', () => {
  it('stores the valid items and answers one result per item, in order', async () => {
    const res = await post(
      {
        events: [
          sampleEvent({ id: 'b1' }),
          { action: 'bad action!', actor: { id: 'u' } },
          sampleEvent({ id: 'b3', timestamp: 'yesterday' }),
          sampleEvent({ id: 'b4' }),
        ],
      },
      '/v1/events/batch',
    );
    expect(res.statusCode).toBe(200);
    const body = res.json<{ accepted: number; rejected: number; results: Array<Record<string, any>> }>();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(2);
    expect(body.results.map((r) => r.status)).toEqual([201, 400, 400, 201]);
    expect(body.results[0]!.event).toMatchObject({ id: 'b1', sequence_number: 1 });
    expect(body.results[1]!.error).toMatchObject({ code: 'TK_ERR_VALIDATION', field: 'events.1.action' });
    expect(body.results[2]!.error).toMatchObject({ code: 'TK_ERR_INVALID_TIMESTAMP', field: 'events.2.timestamp' });
    expect(body.results[3]!.event).toMatchObject({ id: 'b4', sequence_number: 2 });
  });

  it('detects duplicates and conflicts inside one batch', async () => {
    const res = await post(
      { events: [sampleEvent({ id: 'd' }), sampleEvent({ id: 'd' }), sampleEvent({ id: 'd', action: 'other.thing' })] },
      '/v1/events/batch',
    );
    const body = res.json<{ results: Array<Record<string, any>> }>();
    expect(body.results.map((r) => r.status)).toEqual([201, 200, 409]);
    expect(body.results[1]!.event.sequence_number).toBe(1);
    expect((await t.store.getLogHead('acme'))?.size).toBe(1);
  });

  it('refuses empty batches and batches over 1000 items', async () => {
    const empty = await post({ events: [] }, '/v1/events/batch');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'TK_ERR_VALIDATION', field: 'events' });
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => sampleEvent()) }, '/v1/events/batch');
    expect(tooMany.statusCode).toBe(400);
    expect((await t.store.getLogHead('acme'))?.size).toBe(0);
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After when the queue is full, and stores nothing of that request', async () => {
    const small = await createTestApp({ queueMaxEvents: 5 });
    try {
      const k = await small.tenantWithKey('acme');
      const res = await small.call(k, {
        method: 'POST',
        url: '/v1/events/batch',
        payload: { events: Array.from({ length: 6 }, () => sampleEvent()) },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ code: 'TK_ERR_OVERLOADED' });
      expect((await small.store.getLogHead('acme'))?.size).toBe(0);
    } finally {
      await small.close();
    }
  });
});
