/** Appending and reading the log: ordering, chaining, idempotency, atomicity, round trips. */
import { describe, expect, it } from 'vitest';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, allEvents, append, appendMany, createdEvent, expectChain, sealed, useStore } from './fixtures.js';

export function eventLogSuite(driver: ConformanceDriver): void {
  describe('event log', () => {
    const open = useStore(driver);

    it('gives sequences 1..n in arrival order, chains them, and moves the head', async () => {
      const { store } = open();
      const t = await addTenant(store, 'acme');
      expect(await store.getLogHead('acme')).toEqual({
        tenantId: 'acme',
        origin: t.logOrigin,
        size: 0,
        headHash: '0'.repeat(64),
        lastReceivedAt: null,
      });
      expect(await appendMany(store, 'acme', 3)).toEqual([1, 2, 3]);
      expect(await appendMany(store, 'acme', 2)).toEqual([4, 5]);
      const events = await allEvents(store, 'acme');
      expectChain(events, t.logOrigin);
      const head = await store.getLogHead('acme');
      expect(head).toMatchObject({ size: 5, headHash: events[4]!.leafHash, lastReceivedAt: events[4]!.receivedAt });
    });

    it('reads back exactly what the append returned, by id and by sequence', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const results = await append(store, 'acme', [
        sealed({ id: 'e1', actor: { type: 'user', id: 'u1', email: 'ada@example.org', name: 'Ada' } }),
        sealed({ context: { ip: '203.0.113.9', user_agent: 'Firefox/133.0' }, metadata: { n: 1.5, s: 'x' } }),
      ]);
      const created = results.map(createdEvent);
      expect(await store.getEventById('acme', 'e1')).toEqual(created[0]);
      expect(await store.getEventsBySequence('acme', 1, 2)).toEqual(created);
      expect(await store.getEventsBySequence('acme', 2, 9)).toEqual([created[1]]);
      const entries = created.map(({ sequence, entry, leafHash }) => ({ sequence, entry, leafHash }));
      expect(await store.getLogEntries('acme', 1, 2)).toEqual(entries);
      expect(await store.getLogEntries('acme', 2, 9)).toEqual([entries[1]]);
      expect(await store.getEventById('acme', 'nope')).toBeUndefined();
      expect(await store.getLogHead('nope')).toBeUndefined();
    });

    it('keeps received_at non-decreasing and bound into each entry', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      for (let i = 0; i < 5; i++) await appendMany(store, 'acme', 2);
      const events = await allEvents(store, 'acme');
      for (let i = 1; i < events.length; i++) expect(events[i]!.receivedAt >= events[i - 1]!.receivedAt).toBe(true);
      for (const e of events) expect(e.receivedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('answers a retry (same id, same request) with the original event, never a second copy', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const [first] = await append(store, 'acme', [sealed({ id: 'evt_1', summary: 's' })]);
      const [again] = await append(store, 'acme', [sealed({ id: 'evt_1', summary: 's' })]);
      expect(first!.kind).toBe('created');
      expect(again!.kind).toBe('duplicate');
      expect(again!.kind === 'duplicate' && again!.event).toEqual(createdEvent(first));
      expect((await store.getLogHead('acme'))!.size).toBe(1);
    });

    it('refuses the same id with a different request as a conflict, and stores nothing', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await append(store, 'acme', [sealed({ id: 'evt_1', summary: 'one' })]);
      expect(await append(store, 'acme', [sealed({ id: 'evt_1', summary: 'two' })])).toEqual([
        { kind: 'conflict', id: 'evt_1' },
      ]);
      expect((await store.getLogHead('acme'))!.size).toBe(1);
    });

    it('detects duplicates and conflicts inside one batch', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const results = await append(store, 'acme', [
        sealed({ id: 'a', summary: 'x' }),
        sealed({ id: 'a', summary: 'x' }),
        sealed({ id: 'a', summary: 'y' }),
        sealed({ id: 'b' }),
      ]);
      expect(results.map((r) => r.kind)).toEqual(['created', 'duplicate', 'conflict', 'created']);
      expect(results.map((r) => (r.kind === 'conflict' ? 0 : r.event.sequence))).toEqual([1, 1, 0, 2]);
    });

    it('scopes ids to the tenant', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      const [a] = await append(store, 'acme', [sealed({ id: 'same' })]);
      const [g] = await append(store, 'globex', [sealed({ id: 'same', summary: 'other body' })]);
      expect([a!.kind, g!.kind]).toEqual(['created', 'created']);
      expect((await store.getEventById('globex', 'same'))!.tenantId).toBe('globex');
    });

    it('commits several tenants in one call, each in its own log, results in group order', async () => {
      const { store } = open();
      const acme = await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      await appendMany(store, 'globex', 2);
      const results = await store.appendBatches([
        { tenantId: 'globex', items: [sealed(), sealed()] },
        { tenantId: 'acme', items: [sealed({ id: 'x' }), sealed()] },
      ]);
      expect(results.map((group) => group.map((r) => (r.kind === 'created' ? r.event.sequence : 0)))).toEqual([
        [3, 4],
        [1, 2],
      ]);
      expectChain(await allEvents(store, 'acme'), acme.logOrigin);
      expect((await store.getLogHead('globex'))!.size).toBe(4);
    });

    it('fails the whole commit with TK_ERR_TENANT_NOT_FOUND when one tenant is unknown, writing nothing', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await expect(
        store.appendBatches([
          { tenantId: 'acme', items: [sealed()] },
          { tenantId: 'ghost', items: [sealed()] },
        ]),
      ).rejects.toMatchObject({ code: 'TK_ERR_TENANT_NOT_FOUND' });
      expect((await store.getLogHead('acme'))!.size).toBe(0);
      expect(await appendMany(store, 'acme', 1)).toEqual([1]);
    });

    it('takes a batch of 1000 events in one commit', async () => {
      const { store } = open();
      const t = await addTenant(store, 'acme');
      const items = Array.from({ length: 1000 }, (_, i) => sealed({ id: `e${i}`, summary: `event number ${i}` }));
      const results = await append(store, 'acme', items);
      expect(results.every((r, i) => r.kind === 'created' && r.event.sequence === i + 1)).toBe(true);
      expectChain(await allEvents(store, 'acme'), t.logOrigin);
    });

    it('stores values holding U+0000 and backslashes, and gives them back exactly', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const odd = 'a\u0000b\\0c\\\\d';
      const [r] = await append(store, 'acme', [
        sealed({ id: 'odd', actor: { type: `t${odd}`, id: odd, name: odd }, summary: odd, metadata: { k: odd } }),
      ]);
      const stored = await store.getEventById('acme', 'odd');
      expect(stored).toEqual(createdEvent(r));
      expect(stored!.disclosures['/actor/name']!.value).toBe(odd);
      expect(JSON.parse(stored!.sealedBody).actor.id).toBe(odd);
    });
  });
}
