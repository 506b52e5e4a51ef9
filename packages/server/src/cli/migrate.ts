/**
 * `trailkeep migrate`: applies pending schema migrations on the configured storage and reports
 * what it did, so an operator (or a deploy script) can tell "applied 2, 3" from "up to date".
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { openStore, SQLITE_FILE } from '../storage/open-store.js';
import { migratePostgresDatabase } from '../storage/postgres/pg-store.js';

export interface MigrateReport {
  storage: 'sqlite' | 'postgres';
  /** Schema versions this run applied, in order; empty when the schema was already current. */
  applied: number[];
  status: 'migrated' | 'up to date';
  /** PostgreSQL: event partitions this run created. */
  partitions_created?: string[];
  /** PostgreSQL: why partition creation was put off (a busy lock); every server retries it. */
  partitions_deferred?: string;
}

function report(storage: MigrateReport['storage'], applied: number[]): MigrateReport {
  return { storage, applied, status: applied.length > 0 ? 'migrated' : 'up to date' };
}

/**
 * Versions recorded in a SQLite file (none for a new file). Read-only, beside the store: the
 * SQLite driver migrates on open and reports nothing, and one process at a time owns the file's
 * writes, so what appeared between two reads is what this run applied.
 */
function sqliteVersions(path: string): Set<number> {
  if (!existsSync(path)) return new Set();
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (table === undefined) return new Set();
    return new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
  } finally {
    db.close();
  }
}

async function migrateSqlite(config: Config): Promise<MigrateReport> {
  const path = join(config.dataDir, SQLITE_FILE);
  const before = sqliteVersions(path);
  const store = await openStore(config);
  await store.close();
  const applied = [...sqliteVersions(path)].filter((v) => !before.has(v)).sort((a, b) => a - b);
  return report('sqlite', applied);
}

/** On PostgreSQL the migration run itself says what it applied (other instances may migrate too). */
async function migratePostgres(databaseUrl: string): Promise<MigrateReport> {
  const outcome = await migratePostgresDatabase(databaseUrl);
  return {
    ...report('postgres', outcome.applied),
    partitions_created: outcome.partitions,
    ...(outcome.partitionsDeferred === undefined ? {} : { partitions_deferred: outcome.partitionsDeferred.message }),
  };
}

export function migrateStorage(config: Config): Promise<MigrateReport> {
  return config.databaseUrl === undefined ? migrateSqlite(config) : migratePostgres(config.databaseUrl);
}
