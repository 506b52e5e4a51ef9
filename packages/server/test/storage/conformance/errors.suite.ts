/** Native database errors reach callers as domain errors, and the store recovers. */
import { describe, expect, it } from 'vitest';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, allEvents, append, appendMany, expectChain, sealed, useStore } from './fixtures.js';

export function errorsSuite(driver: ConformanceDriver): void {
  describe('error mapping', () => {
    const open = useStore(driver);

    it('reports an unavailable database as TK_ERR_UNAVAILABLE with a retry delay, writes nothing, and recovers', async () => {
      const handle = open();
      const t = await addTenant(handle.store, 'acme');
      await appendMany(handle.store, 'acme', 2);
      const restore = await handle.makeUnavailable();
      try {
        await expect(append(handle.store, 'acme', [sealed({ id: 'during' })])).rejects.toMatchObject({
          code: 'TK_ERR_UNAVAILABLE',
          retryAfter: 1,
        });
      } finally {
        await restore();
      }
      const [retry] = await append(handle.store, 'acme', [sealed({ id: 'during' })]);
      expect(retry).toMatchObject({ kind: 'created', event: { sequence: 3 } });
      expectChain(await allEvents(handle.store, 'acme'), t.logOrigin);
    }, 20_000);

    it('maps domain failures the same way on every driver', async () => {
      const { store } = open();
      await expect(append(store, 'ghost', [sealed()])).rejects.toMatchObject({ code: 'TK_ERR_TENANT_NOT_FOUND' });
      await addTenant(store, 'acme');
      await expect(addTenant(store, 'acme')).rejects.toMatchObject({ code: 'TK_ERR_TENANT_EXISTS', field: 'id' });
      await expect(addTenant(store, 'kid', 'ghost')).rejects.toMatchObject({ code: 'TK_ERR_PARENT_NOT_FOUND' });
    });
  });
}
