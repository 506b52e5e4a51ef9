/** The applications registry (seed 001) and target type numbers (seed 003), on every driver. */
import { describe, expect, it } from 'vitest';
import type { ApplicationRecord } from '../../../src/domain/application.js';
import type { ConformanceDriver } from './drivers.js';
import { addTenant, useStore } from './fixtures.js';

function app(key: string, fields: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return {
    id: `app_${key}`,
    tenantId: 'acme',
    key,
    name: `App ${key}`,
    description: null,
    accentColor: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...fields,
  };
}

export function applicationsSuite(driver: ConformanceDriver): void {
  describe('applications', () => {
    const open = useStore(driver);

    it('creates, then replaces the display fields while keeping id and created_at', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      const first = await store.putApplication(app('billing', { description: 'Invoices', accentColor: '#abc' }));
      expect(first).toEqual({
        created: true,
        application: { ...app('billing', { description: 'Invoices', accentColor: '#abc' }), paramCount: 0 },
      });
      const second = await store.putApplication(
        app('billing', {
          id: 'other_id',
          name: 'Billing\u0000 \\ v2',
          createdAt: '2026-04-01T00:00:00.000Z',
          updatedAt: '2026-04-02T00:00:00.000Z',
        }),
      );
      expect(second).toEqual({
        created: false,
        application: {
          ...app('billing', { name: 'Billing\u0000 \\ v2', updatedAt: '2026-04-02T00:00:00.000Z' }),
          paramCount: 0,
        },
      });
      expect(await store.getApplicationById('acme', 'app_billing')).toEqual(second.application);
      expect(await store.getApplication('acme', 'billing')).toEqual(second.application);
      expect(await store.getApplication('acme', 'nope')).toBeUndefined();
      expect(await store.getApplicationById('acme', 'other_id')).toBeUndefined();
    });

    it('registers use: creates once, never changes a stored one, counts distinct param names', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      const a = await store.registerApplicationUse(app('crm'), ['amount', 'currency', 'amount']);
      expect(a).toEqual({ ...app('crm'), paramCount: 2 });
      const b = await store.registerApplicationUse(app('crm', { name: 'ignored', id: 'ignored' }), [
        'currency',
        'note',
      ]);
      expect(b).toEqual({ ...app('crm'), paramCount: 3 });
      await store.registerApplicationUse(app('alpha'), []);
      await store.registerApplicationUse(app('crm', { tenantId: 'globex' }), ['x']);
      expect((await store.listApplications('acme')).map((x) => [x.key, x.paramCount])).toEqual([
        ['alpha', 0],
        ['crm', 3],
      ]);
      expect((await store.listApplications('globex')).map((x) => [x.key, x.paramCount])).toEqual([['crm', 1]]);
    });
  });

  describe('target type numbers', () => {
    const open = useStore(driver);

    it('numbers types 1, 2, … per tenant in the order given, and never renumbers', async () => {
      const { store } = open();
      await addTenant(store, 'acme');
      await addTenant(store, 'globex');
      expect(await store.numberTargetTypes('acme', ['document', 'invoice', 'document'])).toEqual(
        new Map([
          ['document', 1],
          ['invoice', 2],
        ]),
      );
      expect(await store.numberTargetTypes('acme', ['user', 'invoice'])).toEqual(
        new Map([
          ['user', 3],
          ['invoice', 2],
        ]),
      );
      expect(await store.numberTargetTypes('globex', ['user'])).toEqual(new Map([['user', 1]]));
      expect(await store.targetTypeByNumber('acme', 3)).toBe('user');
      expect(await store.targetTypeByNumber('acme', 9)).toBeUndefined();
    });

    it('never gives one number to two types when several stores number at once', async () => {
      const handle = open();
      await addTenant(handle.store, 'acme');
      const stores = [handle.store, await handle.openAnother(), await handle.openAnother()];
      const types = Array.from({ length: 12 }, (_, i) => `type\\${i}\u0000`);
      const results = await Promise.all(
        stores.map((store, s) => store.numberTargetTypes('acme', s % 2 ? [...types].reverse() : types)),
      );
      const numbers = results[0]!;
      for (const r of results) expect(r).toEqual(numbers);
      expect([...numbers.values()].sort((x, y) => x - y)).toEqual(types.map((_, i) => i + 1));
      for (const [type, n] of numbers) expect(await handle.store.targetTypeByNumber('acme', n)).toBe(type);
    });
  });
}
