/** Queries: every filter, both orders, keyset cursors, offsets, counts. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventFilters, EventQuery, Range } from '../../../src/domain/query.js';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, append, appendMany, sealed, useStore, type EventFields } from './fixtures.js';

const FIXTURES: EventFields[] = [
  {
    id: 'e1',
    action: 'document.create',
    category: 'content',
    severity: 'low',
    occurred_at: '2026-01-01T00:00:00.000Z',
    actor: { type: 'user', id: 'alice' },
    target: { type: 'document', id: 'doc_1' },
    context: { session_id: 's1', request_id: 'r1', ip: '198.51.100.1', vm_id: 'vm-1' },
  },
  {
    id: 'e2',
    action: 'document.delete',
    category: 'content',
    severity: 'high',
    outcome: 'failure',
    occurred_at: '2026-01-02T00:00:00.000Z',
    actor: { type: 'user', id: 'bob' },
    target: { type: 'document', id: 'doc_1' },
  },
  {
    id: 'e3',
    action: 'user.login',
    category: 'auth',
    occurred_at: '2026-01-03T00:00:00.000Z',
    actor: { type: 'user', id: 'alice' },
    target: { type: 'session', id: 's2' },
    context: { session_id: 's2', ip: '2001:db8::1' },
  },
  {
    id: 'e4',
    action: 'apikey.rotate',
    category: 'auth',
    severity: 'critical',
    outcome: 'error',
    occurred_at: '0000-01-04T00:00:00.000Z',
    actor: { type: 'machine', id: 'deploy-bot' },
    target: { type: 'apikey', id: 'k1' },
  },
  {
    id: 'e5',
    action: 'doc_export.run',
    category: 'content',
    occurred_at: '9999-12-31T23:59:59.999Z',
    actor: { type: 'user', id: 'a\u0000l\\ice' },
    target: { type: 'document', id: 'doc_2' },
    context: { vm_id: 'vm-2' },
  },
];

async function loadFixtures(store: AuditStore): Promise<void> {
  await addTenant(store, 'acme');
  await append(store, 'acme', FIXTURES.map(sealed));
}

/** Ids of the matching events of tenant acme, newest first unless `more` says otherwise. */
/** Ids of every page of a filtered query, following its keyset cursor. */
async function walkPages(store: AuditStore, filters: EventFilters, order: 'asc' | 'desc', limit: number) {
  const seen: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.queryEvents({
      tenantId: 'acme',
      filters,
      order,
      limit,
      ...(after === undefined ? {} : { afterSequence: after }),
    });
    seen.push(...page.map((e) => e.id));
    if (page.length < limit) return seen;
    after = page.at(-1)!.sequence;
  }
}

async function queryIds(store: AuditStore, filters: EventFilters, more: Partial<EventQuery>): Promise<string[]> {
  return (await store.queryEvents({ tenantId: 'acme', filters, order: 'desc', limit: 100, ...more })).map((e) => e.id);
}

export function eventQuerySuite(driver: ConformanceDriver): void {
  // Read-only tests share one store holding the fixtures; tests that write get their own.
  describe('event queries', () => {
    const open = useStore(driver, { once: true });
    let store: AuditStore;
    beforeAll(async () => {
      store = open().store;
      await loadFixtures(store);
    });

    const ids = (filters: EventFilters, more: Partial<EventQuery> = {}) => queryIds(store, filters, more);

    it.each<[string, EventFilters, string[]]>([
      ['no filter', {}, ['e5', 'e4', 'e3', 'e2', 'e1']],
      ['action', { action: 'document.delete' }, ['e2']],
      ['action prefix', { actionPrefix: 'document.' }, ['e2', 'e1']],
      ['action prefix with a literal _', { actionPrefix: 'doc_' }, ['e5']],
      ['action prefix with a literal %', { actionPrefix: 'doc%' }, []],
      ['category', { category: 'auth' }, ['e4', 'e3']],
      ['outcome', { outcome: 'failure' }, ['e2']],
      ['severity', { severity: 'critical' }, ['e4']],
      ['actor id', { actorId: 'alice' }, ['e3', 'e1']],
      ['actor id holding U+0000 and a backslash', { actorId: 'a\u0000l\\ice' }, ['e5']],
      ['actor type', { actorType: 'machine' }, ['e4']],
      ['target type', { targetType: 'document' }, ['e5', 'e2', 'e1']],
      ['target id', { targetId: 'doc_1' }, ['e2', 'e1']],
      ['target type and id', { targetType: 'document', targetId: 'doc_2' }, ['e5']],
      ['session id', { sessionId: 's2' }, ['e3']],
      ['request id', { requestId: 'r1' }, ['e1']],
      ['ip v4', { ip: '198.51.100.1' }, ['e1']],
      ['ip v6', { ip: '2001:db8::1' }, ['e3']],
      ['vm id', { vmId: 'vm-2' }, ['e5']],
      [
        'occurred_at gte and lt',
        { occurredAt: { gte: '2026-01-02T00:00:00.000Z', lt: '2026-01-03T00:00:00.001Z' } },
        ['e3', 'e2'],
      ],
      ['occurred_at gt', { occurredAt: { gt: '2026-01-03T00:00:00.000Z' } }, ['e5']],
      ['occurred_at lte year 0', { occurredAt: { lte: '0000-01-04T00:00:00.000Z' } }, ['e4']],
      ['sequence range', { sequence: { gte: 2, lte: 3 } }, ['e3', 'e2']],
      ['sequence gt', { sequence: { gt: 4 } }, ['e5']],
      ['received_at before year 1', { receivedAt: { lt: '0000-06-01T00:00:00.000Z' } }, []],
      ['received_at after year 1', { receivedAt: { gt: '0000-06-01T00:00:00.000Z' } }, ['e5', 'e4', 'e3', 'e2', 'e1']],
      ['received_at in year 9999', { receivedAt: { gte: '9999-01-01T00:00:00.000Z' } }, []],
      ['several filters at once', { category: 'content', actorId: 'alice', outcome: 'success' }, ['e1']],
      ['no match', { action: 'nothing.here' }, []],
    ])('filters by %s', async (_name, filters, expected) => {
      expect(await ids(filters)).toEqual(expected);
    });

    it('filters received_at around the actual commit time', async () => {
      const [first] = await store.getEventsBySequence('acme', 1, 1);
      const at = first!.receivedAt;
      expect(await ids({ receivedAt: { gte: at, lte: at } })).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
      expect(await ids({ receivedAt: { gt: at } })).toEqual([]);
    });

    it('orders ascending and descending, and limits', async () => {
      expect(await ids({}, { order: 'asc' })).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
      expect(await ids({}, { limit: 2 })).toEqual(['e5', 'e4']);
      expect(await ids({ category: 'content' }, { order: 'asc', limit: 2 })).toEqual(['e1', 'e2']);
    });

    it('continues after a keyset position in either order', async () => {
      expect(await ids({}, { afterSequence: 3 })).toEqual(['e2', 'e1']);
      expect(await ids({}, { order: 'asc', afterSequence: 3 })).toEqual(['e4', 'e5']);
      expect(await ids({ category: 'content' }, { order: 'asc', afterSequence: 1, limit: 1 })).toEqual(['e2']);
    });

    it('counts the events matching the filters', async () => {
      expect(await store.countEvents('acme', {})).toBe(5);
      expect(await store.countEvents('acme', { category: 'content' })).toBe(3);
      expect(
        await store.countEvents('acme', { actorId: 'alice', occurredAt: { gte: '2026-01-02T00:00:00.000Z' } }),
      ).toBe(1);
      expect(await store.countEvents('acme', { action: 'nothing' })).toBe(0);
      expect(await store.countEvents('nobody', {})).toBe(0);
    });
  });

  describe('event queries while events arrive', () => {
    const open = useStore(driver);
    let store: AuditStore;
    beforeEach(async () => {
      store = open().store;
      await loadFixtures(store);
    });
    const ids = (filters: EventFilters, more: Partial<EventQuery> = {}) => queryIds(store, filters, more);

    it('keeps keyset pages stable while events arrive between pages', async () => {
      const seen: number[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await store.queryEvents({
          tenantId: 'acme',
          filters: {},
          order: 'asc',
          limit: 3,
          ...(after === undefined ? {} : { afterSequence: after }),
        });
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.sequence));
        after = page.at(-1)!.sequence;
        if (after < 20) await appendMany(store, 'acme', 4);
      }
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
      expect(seen.length).toBe((await store.getLogHead('acme'))!.size);
    });

    it('pages through time ranges near and far from the newest events, in both orders', async () => {
      // Minute by minute after the fixtures; a range far back sits behind many newer events.
      const minute = (i: number): string => new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString();
      const items = Array.from({ length: 600 }, (_, i) => sealed({ id: `m${i}`, occurred_at: minute(i) }));
      await append(store, 'acme', items);
      const walk = (occurredAt: Range<string>, order: 'asc' | 'desc', extra: EventFilters = {}) =>
        walkPages(store, { occurredAt, ...extra }, order, 7);
      const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);
      expect(await walk({ gte: minute(10), lt: minute(30) }, 'desc')).toEqual(ids(10, 30).reverse());
      expect(await walk({ gte: minute(10), lt: minute(30) }, 'asc')).toEqual(ids(10, 30));
      expect(await walk({ gte: minute(580), lt: minute(600) }, 'desc')).toEqual(ids(580, 600).reverse());
      expect(await walk({ gt: minute(2), lte: minute(590) }, 'asc')).toEqual(ids(3, 591));
      expect(await walk({ lt: minute(5) }, 'desc', { actorId: 'user_1' })).toEqual(ids(0, 5).reverse());
    });

    it('pages through time ranges exactly when late arrivals put old times among new sequences', async () => {
      // 3,000 events a minute apart, but every 7th arrives late: stamped 2,500 minutes earlier.
      const minute = (i: number): string => new Date(Date.UTC(2026, 1, 1, 0, i)).toISOString();
      const at = (i: number): number => (i % 7 === 0 ? i - 2500 : i);
      const items = Array.from({ length: 3000 }, (_, i) => sealed({ id: `n${i}`, occurred_at: minute(at(i)) }));
      for (let i = 0; i < items.length; i += 1000) await append(store, 'acme', items.slice(i, i + 1000));
      const walk = (occurredAt: Range<string>, order: 'asc' | 'desc') =>
        walkPages(store, { occurredAt, actorType: 'user' }, order, 25);
      for (const [from, to] of [
        [0, 100],
        [-2500, -2000],
        [400, 1600],
        [2900, 3000],
        [-3000, 4000],
      ] as const) {
        const inWindow = items.flatMap((_, i) => (at(i) >= from && at(i) < to ? [`n${i}`] : []));
        const range = { gte: minute(from), lt: minute(to) };
        expect(await walk(range, 'asc')).toEqual(inWindow);
        expect(await walk(range, 'desc')).toEqual(inWindow.reverse());
      }
    }, 60_000);

    it('pages by offset, and sorts by occurred_at with sequence breaking ties', async () => {
      await append(store, 'acme', [sealed({ id: 'e6', occurred_at: '2026-01-02T00:00:00.000Z' })]);
      expect(await ids({}, { sortBy: 'occurred_at', order: 'asc' })).toEqual(['e4', 'e1', 'e2', 'e6', 'e3', 'e5']);
      expect(await ids({}, { sortBy: 'occurred_at', order: 'desc', limit: 3 })).toEqual(['e5', 'e3', 'e6']);
      expect(await ids({}, { offset: 2, limit: 2 })).toEqual(['e4', 'e3']);
      expect(await ids({ category: 'content' }, { sortBy: 'occurred_at', order: 'asc', offset: 1, limit: 1 })).toEqual([
        'e2',
      ]);
    });
  });
}
