/**
 * The events table is partitioned, so (tenant_id, seq) and (tenant_id, id) cannot be declared
 * unique; the append transaction's lock on the tenant's log head row is what keeps them unique.
 * These tests show that lock at work directly, from a second connection.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../../src/storage/port.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, allEvents, append, expectChain, sealed } from '../conformance/fixtures.js';

const settled = (p: Promise<unknown>): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300))]);

describe.skipIf(!hasPostgres())('PostgreSQL append serialization on the log head', () => {
  let storage: TestStorage;
  let store: AuditStore;
  let other: pg.Client;
  beforeEach(async () => {
    storage = await createTestStorage('postgres');
    store = await storage.openStore();
    other = new pg.Client({ connectionString: storage.databaseUrl! });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await store.close();
    await storage.remove();
  });

  it('declares no unique index on (tenant_id, seq) or (tenant_id, id): the lock has to hold', async () => {
    const { rows } = await other.query<{ def: string }>(
      "SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'events' AND indexdef LIKE 'CREATE UNIQUE%'",
    );
    expect(rows.map((r) => r.def)).toEqual([expect.stringContaining('(tenant_id, seq, received_at)')]);
  });

  it('makes an append wait while another transaction holds the tenant’s head, then continue from its head', async () => {
    const t = await addTenant(store, 'acme');
    await addTenant(store, 'globex');
    await other.query('BEGIN');
    await other.query("SELECT size FROM log_heads WHERE tenant_id = 'acme' FOR UPDATE");
    const blocked = append(store, 'acme', [sealed({ id: 'x' })]);
    // Another tenant is not held up by acme's lock.
    expect(await append(store, 'globex', [sealed()])).toMatchObject([{ kind: 'created' }]);
    expect(await settled(blocked)).toBe(false);
    await other.query('COMMIT');
    expect(await blocked).toMatchObject([{ kind: 'created', event: { sequence: 1 } }]);
    expectChain(await allEvents(store, 'acme'), t.logOrigin);
  });

  it('finds an id committed by another writer while it waited, and answers it as a duplicate', async () => {
    await addTenant(store, 'acme');
    const writer = await storage.openStore();
    try {
      await other.query('BEGIN');
      await other.query("SELECT size FROM log_heads WHERE tenant_id = 'acme' FOR UPDATE");
      const first = append(store, 'acme', [sealed({ id: 'same', summary: 's' })]);
      const second = append(writer, 'acme', [sealed({ id: 'same', summary: 's' })]);
      await settled(first);
      await other.query('COMMIT');
      const kinds = [(await first)[0]!.kind, (await second)[0]!.kind].sort();
      expect(kinds).toEqual(['created', 'duplicate']);
      expect((await allEvents(store, 'acme')).map((e) => e.id)).toEqual(['same']);
    } finally {
      await writer.close();
    }
  });
});
