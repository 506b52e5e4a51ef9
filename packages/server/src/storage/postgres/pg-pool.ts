/**
 * The connection pool and the two ways the driver uses it: one statement, or one transaction; and
 * the SQL literals of statements sent together in one round trip. Errors leave these helpers
 * already translated (pg-errors.ts), so pg types stay in this folder.
 */
import pg from 'pg';
import { translateConnectError, translatePgError, isConnectionLost } from './pg-errors.js';

export type PgClient = pg.PoolClient;
export type PgPool = pg.Pool;

export interface PgPoolOptions {
  connectionString: string;
  /** Most connections this process opens. */
  poolSize: number;
  /** Milliseconds before a statement is cancelled (and reported as TK_ERR_UNAVAILABLE). */
  statementTimeoutMs?: number;
}

const INT8_OID = 20;

type TypeParser = (value: string) => unknown;

// bigint columns hold sequences and sizes, far below 2^53: read them as numbers, not strings.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): TypeParser =>
    oid === INT8_OID
      ? (value) => Number(value)
      : (pg.types.getTypeParser(oid, format) as TypeParser)) as typeof pg.types.getTypeParser,
};

export function createPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: 'trailkeep',
    // Short queries on a busy server: JIT compilation and parallel workers cost more than they save.
    // A transaction of ours never waits on the client; one that does (a frozen process holding a
    // tenant's head lock) is ended by the server so other instances can append again.
    options: '-c jit=off -c max_parallel_workers_per_gather=0 -c idle_in_transaction_session_timeout=15000',
    types,
  });
  // An idle connection that breaks (server restart, failover) is dropped by the pool and replaced
  // on next use; without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

async function acquire(pool: PgPool): Promise<PgClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw translateConnectError(error);
  }
}

/** Runs fn on one pooled connection; a connection that broke is destroyed instead of reused. */
export async function withClient<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await acquire(pool);
  let broken: unknown;
  try {
    return await fn(client);
  } catch (error) {
    if (isConnectionLost(error)) broken = error;
    throw translatePgError(error);
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * Opens a transaction. synchronous_commit is forced on: a 2xx means the commit record is flushed,
 * whatever the database default says. `lockTimeoutMs` bounds how long a row lock (a tenant's log
 * head held by another server) may be waited for. Statements to run in the same round trip may
 * follow it in one simple query (see literal).
 */
export function beginSql(options: { lockTimeoutMs?: number } = {}): string {
  return `BEGIN; SET LOCAL synchronous_commit = on; SET LOCAL lock_timeout = ${Math.trunc(options.lockTimeoutMs ?? 10_000)}`;
}

/** Runs fn inside a transaction (beginSql) and commits; rolls back if anything fails. */
export async function inTransaction<T>(
  pool: PgPool,
  fn: (client: PgClient) => Promise<T>,
  options: { lockTimeoutMs?: number } = {},
): Promise<T> {
  return inOwnTransaction(pool, async (client) => {
    await client.query(beginSql(options));
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  });
}

/** Runs fn, which opens and commits a transaction itself; rolls back if anything fails. */
export async function inOwnTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      return await fn(client);
    } catch (error) {
      // A failed ROLLBACK means the connection is gone; the original error is what matters.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * A value written into SQL text, for statements sent together in one simple query (which takes no
 * parameters): strings escaped by pg, integers checked, null as NULL.
 */
export function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`${value} is not an integer SQL literal`);
    return String(value);
  }
  return pg.escapeLiteral(value);
}

/** An SQL array literal of `type` (`text`, `bigint`, …). */
export function arrayLiteral(values: ReadonlyArray<string | number | null>, type: string): string {
  return `ARRAY[${values.map(literal).join(', ')}]::${type}[]`;
}

/** `unnest(ARRAY[…]::type[], …)`: rows of columns written as literals, each given as [values, type]. */
export function unnestLiteral(...columns: Array<[ReadonlyArray<string | number | null>, string]>): string {
  return `unnest(${columns.map(([values, type]) => arrayLiteral(values, type)).join(', ')})`;
}
