/**
 * Appends racing each other, in one store and from several stores on one database (as several
 * server processes would): one gapless chain per tenant, every id stored once, no deadlock.
 */
import { describe, expect, it } from 'vitest';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, allEvents, append, expectChain, sealed, useStore } from './fixtures.js';

async function expectOneCopyOfEach(store: AuditStore, tenantId: string, ids: readonly string[]): Promise<void> {
  const stored = (await allEvents(store, tenantId)).map((e) => e.id);
  expect(new Set(stored).size).toBe(stored.length);
  expect([...stored].sort()).toEqual([...new Set(ids)].sort());
}

export function concurrencySuite(driver: ConformanceDriver): void {
  describe('concurrent appends', () => {
    const open = useStore(driver);

    it('keeps one gapless chain when many appends to one tenant race in one store', async () => {
      const { store } = open();
      const t = await addTenant(store, 'acme');
      const ids = Array.from({ length: 30 }, (_, i) => Array.from({ length: 5 }, (_, j) => `c${i}_${j}`));
      await Promise.all(
        ids.map((batch) =>
          append(
            store,
            'acme',
            batch.map((id) => sealed({ id })),
          ),
        ),
      );
      expectChain(await allEvents(store, 'acme'), t.logOrigin);
      await expectOneCopyOfEach(store, 'acme', ids.flat());
    });

    it('stores an id sent by racing appends once; the others get the original back', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const results = (
        await Promise.all(
          Array.from({ length: 10 }, () => append(store, 'acme', [sealed({ id: 'same', summary: 's' })])),
        )
      ).flat();
      expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
      expect(results.every((r) => r.kind !== 'conflict' && r.event.sequence === 1)).toBe(true);
      expect((await store.getLogHead('acme'))!.size).toBe(1);
    });

    it('keeps one chain per tenant when several stores on one database append at once', async () => {
      const handle = open();
      const stores = [handle.store, await handle.openAnother(), await handle.openAnother()];
      const acme = await addTenant(handle.store, 'acme');
      const globex = await addTenant(handle.store, 'globex');
      const sent: string[] = [];
      const duplicates: string[] = [];
      await Promise.all(
        stores.map(async (store, s) => {
          for (let round = 0; round < 15; round++) {
            // Groups list the tenants in opposite orders from store to store: locks are taken in
            // tenant order anyway, so no two commits can deadlock.
            const ids = [`s${s}_${round}_a`, `s${s}_${round}_b`, `shared_${round}`];
            sent.push(...ids);
            const groups = [
              { tenantId: 'acme', items: ids.map((id) => sealed({ id })) },
              { tenantId: 'globex', items: [sealed({ id: `s${s}_${round}` })] },
            ];
            const results = await store.appendBatches(s % 2 === 0 ? groups : groups.reverse());
            duplicates.push(
              ...results
                .flat()
                .filter((r) => r.kind === 'duplicate')
                .map((r) => r.kind),
            );
          }
        }),
      );
      expectChain(await allEvents(handle.store, 'acme'), acme.logOrigin);
      expectChain(await allEvents(handle.store, 'globex'), globex.logOrigin);
      await expectOneCopyOfEach(handle.store, 'acme', sent);
      expect(duplicates).toHaveLength(15 * (stores.length - 1));
    });
  });
}
