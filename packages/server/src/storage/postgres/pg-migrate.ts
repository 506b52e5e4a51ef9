/**
 * Applies pending migrations, then makes sure the coming months have event partitions. Several
 * instances may start at once: a session advisory lock lets one migrate while the others wait,
 * then find nothing left to do. Each migration commits with its schema_migrations row.
 */
import type { PgClient } from './pg-pool.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

/** Advisory lock key shared by every Trailkeep instance on a database ("trailkee" in ASCII). */
export const SCHEMA_LOCK_KEY = '8390876161163093349';

/** Runs fn while holding the schema lock; the lock is released even if fn fails. */
export async function withSchemaLock<T>(client: PgClient, fn: () => Promise<T>): Promise<T> {
  await client.query('SELECT pg_advisory_lock($1::bigint)', [SCHEMA_LOCK_KEY]);
  try {
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [SCHEMA_LOCK_KEY]);
  }
}

/** Applies every migration not yet recorded. The caller holds the schema lock. Returns the versions applied. */
export async function applyPgMigrations(client: PgClient): Promise<number[]> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
  );
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.version));
  const done: number[] = [];
  for (const migration of PG_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
        migration.version,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    done.push(migration.version);
  }
  return done;
}
