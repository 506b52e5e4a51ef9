/** The one table of PostgreSQL and socket errors to domain errors, and an unreachable server. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TrailkeepError, isTrailkeepError } from '../../../src/domain/errors.js';
import { translateConnectError, translatePgError } from '../../../src/storage/postgres/pg-errors.js';
import { createPool, withClient } from '../../../src/storage/postgres/pg-pool.js';
import { createPostgresStore } from '../../../src/storage/postgres/pg-store.js';
import { createTestDatabase, hasPostgres } from '../../helpers/pg-database.js';

const codeOf = (error: unknown): string | undefined => {
  const translated = translatePgError(error);
  return isTrailkeepError(translated) ? translated.code : undefined;
};

describe('PostgreSQL error translation', () => {
  it.each<[string, unknown, string]>([
    ['connection refused', { code: 'ECONNREFUSED' }, 'TK_ERR_UNAVAILABLE'],
    ['connection reset', { code: 'ECONNRESET' }, 'TK_ERR_UNAVAILABLE'],
    ['connection dropped mid-query', new Error('Connection terminated unexpectedly'), 'TK_ERR_UNAVAILABLE'],
    ['pool exhausted', new Error('timeout exceeded when trying to connect'), 'TK_ERR_UNAVAILABLE'],
    ['admin shutdown', { code: '57P01' }, 'TK_ERR_UNAVAILABLE'],
    ['cannot connect now (starting up)', { code: '57P03' }, 'TK_ERR_UNAVAILABLE'],
    ['statement timeout', { code: '57014' }, 'TK_ERR_UNAVAILABLE'],
    ['serialization failure', { code: '40001' }, 'TK_ERR_UNAVAILABLE'],
    ['deadlock', { code: '40P01' }, 'TK_ERR_UNAVAILABLE'],
    ['lock timeout', { code: '55P03' }, 'TK_ERR_UNAVAILABLE'],
    ['read-only standby after failover', { code: '25006' }, 'TK_ERR_UNAVAILABLE'],
    ['disk full', { code: '53100' }, 'TK_ERR_UNAVAILABLE'],
    ['too many connections', { code: '53300' }, 'TK_ERR_UNAVAILABLE'],
    ['duplicate tenant', { code: '23505', constraint: 'tenants_pkey' }, 'TK_ERR_TENANT_EXISTS'],
    ['missing parent', { code: '23503', constraint: 'tenants_parent_id_fkey' }, 'TK_ERR_PARENT_NOT_FOUND'],
    ['key of a missing tenant', { code: '23503', constraint: 'api_keys_tenant_id_fkey' }, 'TK_ERR_TENANT_NOT_FOUND'],
    [
      'a row routed to events_default just before its month was created (retry routes it anew)',
      {
        code: '23514',
        table: 'events_default',
        message: 'new row for relation "events_default" violates partition constraint',
      },
      'TK_ERR_UNAVAILABLE',
    ],
    [
      'another check violation (a bug: a 500)',
      { code: '23514', table: 'events', message: 'violates check' },
      'TK_ERR_INTERNAL',
    ],
    ['another unique violation (a bug: a 500)', { code: '23505', constraint: 'other' }, 'TK_ERR_INTERNAL'],
    ['a syntax error (a bug: a 500)', { code: '42601' }, 'TK_ERR_INTERNAL'],
    ['an Error without a code', new Error('something odd'), 'TK_ERR_INTERNAL'],
    ['not even an Error', 'a string', 'TK_ERR_INTERNAL'],
    ['nothing at all', undefined, 'TK_ERR_INTERNAL'],
  ])('%s', (_name, error, expected) => {
    expect(codeOf(error)).toBe(expected);
    if (expected === 'TK_ERR_UNAVAILABLE') expect(translatePgError(error)).toMatchObject({ retryAfter: 1 });
  });

  it('wraps an unknown native error in TK_ERR_INTERNAL: its detail names no SQL, the native error is the cause', () => {
    const native = Object.assign(new Error('column "secret_column" does not exist'), { code: '42703' });
    const translated = translatePgError(native);
    expect(translated).toBeInstanceOf(TrailkeepError);
    expect(translated).toMatchObject({ code: 'TK_ERR_INTERNAL', retryAfter: undefined });
    expect(translated.message).not.toContain('secret_column');
    expect(translated.cause).toBe(native);
    // A domain error passes through unchanged, not wrapped again.
    expect(translatePgError(translated)).toBe(translated);
  });

  it('keeps any failure to connect TK_ERR_UNAVAILABLE, even an unknown one (bad password, no such role)', () => {
    expect(translateConnectError({ code: '28P01' })).toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
    expect(translateConnectError(new Error('odd'))).toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
  });

  it.skipIf(!hasPostgres())(
    'a failing statement on a real server leaves the pool as a domain error, pg error as cause',
    async () => {
      const db = await createTestDatabase();
      const pool = createPool({ connectionString: db.url, poolSize: 1 });
      try {
        const failure = await withClient(pool, (client) => client.query('SELECT no_such_column FROM tenants')).catch(
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(TrailkeepError);
        expect(failure).toMatchObject({ code: 'TK_ERR_INTERNAL' });
        const cause = (failure as TrailkeepError).cause;
        expect(cause).toBeInstanceOf(pg.DatabaseError);
        expect(cause).toMatchObject({ code: '42703' });
        // The connection is still good: the pool hands it out again.
        await expect(withClient(pool, async (client) => (await client.query('SELECT 1 AS one')).rows)).resolves.toEqual(
          [{ one: 1 }],
        );
      } finally {
        await pool.end();
        await db.drop();
      }
    },
  );

  it('opening a store on a server nobody listens on fails with TK_ERR_UNAVAILABLE', async () => {
    await expect(
      createPostgresStore({ connectionString: 'postgres://trailkeep@127.0.0.1:1/none', maintenanceIntervalMs: 0 }),
    ).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
  });
});
