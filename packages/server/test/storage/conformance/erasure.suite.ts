/**
 * ErasureStore: a data subject's disclosures, indexed ip and full text go; sealed bodies, entries
 * and leaf hashes stay byte for byte, so the chain and every proof still verify.
 */
import { describe, expect, it } from 'vitest';
import { planEventErasure } from '../../../src/domain/erasure.js';
import type { AuditStore } from '../../../src/storage/port.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, allEvents, append, expectChain, sealed, useStore } from './fixtures.js';

async function seed(store: AuditStore): Promise<void> {
  await append(store, 'acme', [
    sealed({
      actor: { type: 'user', id: 'u1', email: 'ada@example.org', name: 'Ada Zebrafinch' },
      context: { ip: '198.51.100.1', user_agent: 'Firefox/133' },
    }),
    sealed({
      actor: { type: 'user', id: 'u2', email: 'bob@example.org', name: 'Bob' },
      context: { ip: '198.51.100.2' },
    }),
    sealed({ actor: { type: 'user', id: 'u1', email: 'ada@example.org' }, context: { ip: '198.51.100.1' } }),
    sealed({ actor: { type: 'user', id: 'u3', email: 'ada@example.org', name: 'Ada Zebrafinch' } }),
  ]);
}

const ids = (events: ReadonlyArray<{ sequence: number }>) => events.map((e) => e.sequence).sort();

export function erasureSuite(driver: ConformanceDriver): void {
  describe('erasure of a data subject', () => {
    const open = useStore(driver);

    it('erases by actor id: disclosures, ip and full text go; leaves stay', async () => {
      const { store } = open();
      const t = await addTenant(store, 'acme');
      await seed(store);
      const before = await allEvents(store, 'acme');
      expect(await store.eraseSubject('acme', { actorId: 'u1' }, planEventErasure)).toEqual({ events: 2, fields: 6 });
      const after = await allEvents(store, 'acme');
      expectChain(after, t.logOrigin);
      after.forEach((e, i) => {
        const b = before[i]!;
        expect([e.entry, e.sealedBody, e.leafHash, e.bodyDigest]).toEqual([
          b.entry,
          b.sealedBody,
          b.leafHash,
          b.bodyDigest,
        ]);
      });
      expect(after.map((e) => Object.keys(e.disclosures).length)).toEqual([0, 3, 0, 2]);
      const query = (filters: object) => store.queryEvents({ tenantId: 'acme', filters, order: 'asc', limit: 10 });
      expect(ids(await query({ ip: '198.51.100.1' }))).toEqual([]);
      expect(ids(await query({ ip: '198.51.100.2' }))).toEqual([2]);
      expect(ids(await query({ text: 'Zebrafinch' }))).toEqual([4]);
      expect(ids(await query({ actorId: 'u1' }))).toEqual([1, 3]);
    });

    it('erases by email, wherever that email acted', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await seed(store);
      expect(await store.eraseSubject('acme', { email: 'ada@example.org' }, planEventErasure)).toEqual({
        events: 3,
        fields: 8,
      });
      const after = await allEvents(store, 'acme');
      expect(after.map((e) => Object.keys(e.disclosures).length)).toEqual([0, 3, 0, 0]);
      expect(
        ids(await store.queryEvents({ tenantId: 'acme', filters: { text: 'Zebrafinch' }, order: 'asc', limit: 10 })),
      ).toEqual([]);
    });

    it('changes nothing the second time, and nothing of other tenants', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      await seed(store);
      await append(store, 'globex', [sealed({ actor: { type: 'user', id: 'u1', email: 'ada@example.org' } })]);
      await store.eraseSubject('acme', { actorId: 'u1' }, planEventErasure);
      expect(await store.eraseSubject('acme', { actorId: 'u1' }, planEventErasure)).toEqual({ events: 0, fields: 0 });
      expect(Object.keys((await allEvents(store, 'globex'))[0]!.disclosures)).toEqual(['/actor/email']);
    });
  });
}
