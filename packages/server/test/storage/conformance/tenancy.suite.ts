/** Tenants, API keys, and isolation between tenants. */
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../../src/domain/tenancy.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, append, appendMany, sealed, tenant, useStore } from './fixtures.js';

function key(id: string, tenantId: string | null, createdAt = '2026-02-01T00:00:00.000Z'): ApiKeyRecord {
  return {
    id,
    tenantId,
    name: `key ${id}`,
    displayPrefix: `tk_live_${id.slice(0, 4)}`,
    keyHash: `${id}`.padEnd(64, '0'),
    scopes: tenantId === null ? ['admin'] : ['events:write', 'events:read'],
    createdAt,
    revokedAt: null,
  };
}

export function tenancySuite(driver: ConformanceDriver): void {
  describe('tenants', () => {
    const open = useStore(driver);

    it('creates, reads and lists tenants in creation order, with their org hierarchy', async () => {
      const { store } = open();
      const parent = await addTenant(store, 'parent');
      const child = await addTenant(store, 'child', 'parent');
      const odd = tenant('odd');
      odd.name = 'Zero\u0000 and back\\slash';
      await store.createTenant(odd);
      expect(await store.getTenant('child')).toEqual(child);
      expect(await store.getTenant('odd')).toEqual(odd);
      expect(await store.getTenant('nope')).toBeUndefined();
      expect(await store.listTenants()).toEqual([parent, child, odd]);
    });

    it('refuses an existing id with TK_ERR_TENANT_EXISTS and a missing parent with TK_ERR_PARENT_NOT_FOUND', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await expect(store.createTenant(tenant('acme'))).rejects.toMatchObject({ code: 'TK_ERR_TENANT_EXISTS' });
      await expect(store.createTenant(tenant('orphan', 'ghost'))).rejects.toMatchObject({
        code: 'TK_ERR_PARENT_NOT_FOUND',
        field: 'parent_id',
      });
      expect((await store.listTenants()).map((t) => t.id)).toEqual(['acme']);
    });

    it('lets exactly one of two concurrent creations of one tenant win', async () => {
      const { store } = open();
      const results = await Promise.allSettled([
        store.createTenant(tenant('race')),
        store.createTenant(tenant('race')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({
        reason: { code: 'TK_ERR_TENANT_EXISTS' },
      });
      expect((await store.getLogHead('race'))!.size).toBe(0);
    });
  });

  describe('API keys', () => {
    const open = useStore(driver);

    it('stores keys by hash, lists them per tenant in creation order, counts the active ones', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      const admin = key('admin1', null, '2026-02-01T00:00:00.000Z');
      const a1 = key('acme1', 'acme', '2026-02-02T00:00:00.000Z');
      const a2 = { ...key('acme2', 'acme', '2026-02-03T00:00:00.000Z'), name: 'ci\u0000 key \\ 2' };
      const g1 = key('glob1', 'globex', '2026-02-02T12:00:00.000Z');
      for (const k of [a2, admin, g1, a1]) await store.createApiKey(k);
      expect(await store.findApiKeyByHash(a1.keyHash)).toEqual(a1);
      expect(await store.getApiKey('acme2')).toEqual(a2);
      expect(await store.findApiKeyByHash('f'.repeat(64))).toBeUndefined();
      expect(await store.getApiKey('nope')).toBeUndefined();
      expect(await store.listApiKeys('acme')).toEqual([a1, a2]);
      expect((await store.listApiKeys()).map((k) => k.id)).toEqual(['admin1', 'acme1', 'glob1', 'acme2']);
      expect(await store.countActiveApiKeys()).toBe(4);
    });

    it('revokes once: the first revocation time stays, unknown ids answer false', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await store.createApiKey(key('acme1', 'acme'));
      expect(await store.revokeApiKey('acme1', '2026-03-01T00:00:00.000Z')).toBe(true);
      expect(await store.revokeApiKey('acme1', '2026-04-01T00:00:00.000Z')).toBe(true);
      expect((await store.getApiKey('acme1'))!.revokedAt).toBe('2026-03-01T00:00:00.000Z');
      expect(await store.revokeApiKey('nope', '2026-03-01T00:00:00.000Z')).toBe(false);
      expect(await store.countActiveApiKeys()).toBe(0);
    });
  });

  describe('tenant isolation', () => {
    const open = useStore(driver);

    it('never returns another tenant’s events by id, sequence, query, count or head', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      await append(store, 'globex', [sealed({ id: 'secret', action: 'merger.plan', summary: 'merger' })]);
      await appendMany(store, 'acme', 2);
      expect(await store.getEventById('acme', 'secret')).toBeUndefined();
      expect((await store.getEventsBySequence('acme', 1, 10)).every((e) => e.tenantId === 'acme')).toBe(true);
      const globexEntry = (await store.getLogEntries('globex', 1, 1))[0]!.entry;
      expect((await store.getLogEntries('acme', 1, 10)).map((e) => e.entry)).not.toContain(globexEntry);
      expect(await store.getLogEntries('acme', 3, 10)).toEqual([]);
      const all = await store.queryEvents({ tenantId: 'acme', filters: {}, order: 'asc', limit: 100 });
      expect(all.map((e) => e.tenantId)).toEqual(['acme', 'acme']);
      expect(
        await store.queryEvents({ tenantId: 'acme', filters: { action: 'merger.plan' }, order: 'asc', limit: 9 }),
      ).toEqual([]);
      expect(await store.countEvents('acme', { text: 'merger' })).toBe(0);
      expect((await store.getLogHead('globex'))!.size).toBe(1);
    });
  });
}
