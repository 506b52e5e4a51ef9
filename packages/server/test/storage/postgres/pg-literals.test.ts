/**
 * An append sends most of its statements as SQL text with literals (one simple query per round
 * trip, pg-event-writer.ts): every value must read back exactly as it was, quotes, backslashes and
 * injection attempts included, through the literal helpers and through a whole append.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arrayLiteral, dollarQuoted, literal } from '../../../src/storage/postgres/pg-pool.js';
import type { AuditStore } from '../../../src/storage/port.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, allEvents, append, expectChain, sealed } from '../conformance/fixtures.js';

const NASTY = [
  "O'Brien",
  'back\\slash',
  "\\' OR 1=1 --",
  "'; DROP TABLE tenants; --",
  '$$dollar$$ quoted',
  "E'not an escape'",
  'ünïcødé 名前 🙂',
  '',
];

describe('SQL literals', () => {
  it('writes integers and null as they are and refuses anything else that is not a string', () => {
    expect(literal(42)).toBe('42');
    expect(literal(null)).toBe('NULL');
    expect(() => literal(1.5)).toThrow(TypeError);
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(arrayLiteral([1, null], 'bigint')).toBe('ARRAY[1, NULL]::bigint[]');
  });
});

describe.skipIf(!hasPostgres())('SQL literals on PostgreSQL', () => {
  let storage: TestStorage;
  let store: AuditStore;
  let client: pg.Client;
  beforeEach(async () => {
    storage = await createTestStorage('postgres');
    store = await storage.openStore();
    client = new pg.Client({ connectionString: storage.databaseUrl! });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await store.close();
    await storage.remove();
  });

  it('reads back every string exactly, alone and in arrays', async () => {
    for (const text of NASTY) {
      const { rows } = await client.query<{ v: string }>(`SELECT ${literal(text)}::text AS v`);
      expect(rows[0]!.v, text).toBe(text);
    }
    const { rows } = await client.query<{ v: string }>(`SELECT unnest(${arrayLiteral(NASTY, 'text')}) AS v`);
    expect(rows.map((r) => r.v)).toEqual(NASTY);
    const json = JSON.stringify({ nasty: NASTY, tags: ['$tk$', '$tk0123456789ab$', '$$'], escapes: '\\"\n\t' });
    const quoted = await client.query<{ v: string }>(`SELECT ${dollarQuoted(json)}::text AS v`);
    expect(quoted.rows[0]!.v).toBe(json);
  });

  it('appends to a tenant whose id and event ids need escaping, and finds those ids again', async () => {
    const t = await addTenant(store, "it's\\tenant");
    const ids = NASTY.filter((id) => id !== '');
    const first = await append(
      store,
      t.id,
      ids.map((id) => sealed({ id })),
    );
    expect(first.map((r) => r.kind)).toEqual(ids.map(() => 'created'));
    const again = await append(store, t.id, [...ids.map((id) => sealed({ id })), sealed({ id: 'new' })]);
    expect(again.map((r) => r.kind)).toEqual([...ids.map(() => 'duplicate'), 'created']);
    const events = await allEvents(store, t.id);
    expect(events.map((e) => e.id)).toEqual([...ids, 'new']);
    expectChain(events, t.logOrigin);
    expect((await store.getLogHead(t.id))?.size).toBe(ids.length + 1);
  });
});
