/**
 * An append sends its statements as SQL text with literals and its rows as COPY text (one simple
 * query per round trip, pg-event-writer.ts): every value must read back exactly as it was, quotes,
 * backslashes, tabs, newlines and injection attempts included, through the literal helpers, through
 * COPY and through a whole append.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyField, copyFromStdinSql, copyText, queryWithCopy } from '../../../src/storage/postgres/pg-copy.js';
import { arrayLiteral, literal } from '../../../src/storage/postgres/pg-pool.js';
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
  'tab\there, newline\nthere, return\rthere',
  '\\N',
  '\\.',
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

  it('writes COPY text fields with NULL as \\N and backslash, tab, newline and return escaped', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(7)).toBe('7');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(
      copyText([
        ['a', null],
        ['b', 2],
      ]),
    ).toBe('a\t\\N\nb\t2\n');
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
  });

  it('copies every string in exactly, and runs the statements after the COPY in the same query', async () => {
    await client.query('CREATE TABLE copied (n bigint, v text, w text)');
    const rows = NASTY.map((text, n) => [n, text, n % 2 === 0 ? null : text]);
    await queryWithCopy(
      client,
      `${copyFromStdinSql('copied', ['n', 'v', 'w'])}; UPDATE copied SET w = 'after' WHERE n = 0`,
      copyText(rows),
    );
    const { rows: back } = await client.query<{ n: number; v: string; w: string | null }>(
      'SELECT n, v, w FROM copied ORDER BY n',
    );
    expect(back.map((r) => r.v)).toEqual(NASTY);
    expect(back.map((r) => r.w)).toEqual(NASTY.map((text, n) => (n === 0 ? 'after' : n % 2 === 0 ? null : text)));
  });

  it('rejects with the error of a statement after the COPY, and leaves the connection usable', async () => {
    await client.query('CREATE TABLE copied_once (v text PRIMARY KEY)');
    await client.query('BEGIN');
    const failing = queryWithCopy(
      client,
      `${copyFromStdinSql('copied_once', ['v'])}; INSERT INTO copied_once VALUES ('x')`,
      copyText([['x']]),
    );
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    await client.query('ROLLBACK');
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM copied_once');
    expect(Number(rows[0]!.n)).toBe(0);
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
