/** The one table of PostgreSQL and socket errors to domain errors, and an unreachable server. */
import { describe, expect, it } from 'vitest';
import { isTrailkeepError } from '../../../src/domain/errors.js';
import { translatePgError } from '../../../src/storage/postgres/pg-errors.js';
import { createPostgresStore } from '../../../src/storage/postgres/pg-store.js';

const codeOf = (error: unknown): string | undefined => {
  const translated = translatePgError(error);
  return isTrailkeepError(translated) ? translated.code : undefined;
};

describe('PostgreSQL error translation', () => {
  it.each<[string, object, string | undefined]>([
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
    ['another unique violation (a bug: stays a 500)', { code: '23505', constraint: 'other' }, undefined],
    ['a syntax error (a bug: stays a 500)', { code: '42601' }, undefined],
  ])('%s', (_name, error, expected) => {
    expect(codeOf(error)).toBe(expected);
    if (expected === 'TK_ERR_UNAVAILABLE') expect(translatePgError(error)).toMatchObject({ retryAfter: 1 });
  });

  it('opening a store on a server nobody listens on fails with TK_ERR_UNAVAILABLE', async () => {
    await expect(
      createPostgresStore({ connectionString: 'postgres://trailkeep@127.0.0.1:1/none', maintenanceIntervalMs: 0 }),
    ).rejects.toMatchObject({ code: 'TK_ERR_UNAVAILABLE', retryAfter: 1 });
  });
});
