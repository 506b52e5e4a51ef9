/**
 * One fresh database per test (or suite) on the run's PostgreSQL server, dropped afterwards, so
 * tests never see each other's tenants or keys.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  /** URL of the new database. */
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** The run's PostgreSQL superuser URL, or null when PostgreSQL tests are skipped (see pg-global-setup.ts). */
export function testPgUrl(): string | null {
  return inject('pgUrl');
}

/** True when PostgreSQL tests can run; use with describe.skipIf(!hasPostgres()). */
export function hasPostgres(): boolean {
  return testPgUrl() !== null;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = testPgUrl();
  if (url === null) throw new Error('PostgreSQL is not available for tests');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs SQL as the superuser on the server's maintenance database (e.g. ALTER DATABASE). */
export function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return admin((client) => client.query(sql, values));
}

/** A new database, already migrated (copied from the run's template) unless `empty`. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `tk_${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : inject('pgTemplate');
  await adminQuery(`CREATE DATABASE ${name}${template === null ? '' : ` TEMPLATE ${template}`}`);
  const base = testPgUrl()!;
  return {
    name,
    url: withDatabase(base, name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
