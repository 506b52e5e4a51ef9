/**
 * Copies of a test's database that tests may damage on purpose, as an attacker with write access
 * to the database would: SQL straight on the SQLite file or the PostgreSQL database, no Trailkeep
 * code in between. `?` placeholders work on both drivers.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createPostgresStore } from '../../src/storage/postgres/pg-store.js';
import type { AuditStore } from '../../src/storage/port.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { adminQuery } from './pg-database.js';
import { makeTempDir } from './temp-dir.js';
import type { TestStorage } from './test-storage.js';

export interface RawDb {
  run(sql: string, params?: unknown[]): Promise<void>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface DatabaseCopy {
  raw(): Promise<RawDb>;
  openStore(): Promise<AuditStore>;
  remove(): Promise<void>;
}

function sqliteRaw(path: string): RawDb {
  const db = new Database(path);
  return {
    run: async (sql, params = []) => void db.prepare(sql).run(...params),
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    close: async () => void db.close(),
  };
}

async function pgRaw(url: string): Promise<RawDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const numbered = (sql: string): string => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    run: async (sql, params = []) => void (await client.query(numbered(sql), params)),
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows as T[],
    close: () => client.end(),
  };
}

/** A copy of the storage's database (the original must have no open connection). */
export async function copyDatabase(storage: TestStorage): Promise<DatabaseCopy> {
  if (storage.driver === 'sqlite') {
    const temp = makeTempDir('trailkeep-tamper-');
    const path = join(temp.dir, 'trailkeep.db');
    copyFileSync(storage.dbPath, path);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(storage.dbPath + suffix)) copyFileSync(storage.dbPath + suffix, path + suffix);
    }
    return {
      raw: async () => sqliteRaw(path),
      openStore: async () => createSqliteStore({ path }),
      remove: async () => temp.remove(),
    };
  }
  const source = new URL(storage.databaseUrl!);
  const name = `${source.pathname.slice(1)}_c${Math.floor(Math.random() * 1e9)}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${source.pathname.slice(1)}`);
  const url = new URL(source);
  url.pathname = `/${name}`;
  return {
    raw: () => pgRaw(url.toString()),
    openStore: () => createPostgresStore({ connectionString: url.toString(), poolSize: 2, maintenanceIntervalMs: 0 }),
    remove: async () => void (await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}
