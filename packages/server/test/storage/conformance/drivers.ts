/**
 * The storage drivers the conformance suite runs against, each able to open a fresh store (its own
 * SQLite file, or its own PostgreSQL database) and to make that store's database unavailable.
 */
import Database from 'better-sqlite3';
import type { AuditStore } from '../../../src/storage/port.js';
import { adminQuery, hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestDriver, type TestStorage } from '../../helpers/test-storage.js';

export interface StoreHandle {
  store: AuditStore;
  storage: TestStorage;
  /** Another store on the same database, as a second server process would open it. */
  openAnother(): Promise<AuditStore>;
  /** Makes the database refuse writes until the returned function is called. */
  makeUnavailable(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface ConformanceDriver {
  name: TestDriver;
  /** False when the driver's database is missing (PostgreSQL without binaries or URL, outside CI). */
  available(): boolean;
  open(): Promise<StoreHandle>;
}

/** SQLite: another connection holds the write lock; appends wait out busy_timeout, then fail. */
async function lockSqlite(storage: TestStorage): Promise<() => Promise<void>> {
  const db = new Database(storage.dbPath);
  db.exec('BEGIN IMMEDIATE');
  return async () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

/** PostgreSQL: the database refuses new connections and every open one is ended. */
async function closePostgres(storage: TestStorage): Promise<() => Promise<void>> {
  const name = new URL(storage.databaseUrl!).pathname.slice(1);
  await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  // Let the pool see its idle connections end, as it would after a real database restart.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return async () => {
    await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  };
}

function driver(name: TestDriver, available: () => boolean): ConformanceDriver {
  return {
    name,
    available,
    async open() {
      const storage = await createTestStorage(name);
      const store = await storage.openStore();
      const others: AuditStore[] = [];
      return {
        store,
        storage,
        async openAnother() {
          const other = await storage.openStore();
          others.push(other);
          return other;
        },
        makeUnavailable: () => (name === 'sqlite' ? lockSqlite(storage) : closePostgres(storage)),
        async close() {
          for (const s of [store, ...others]) await s.close();
          await storage.remove();
        },
      };
    },
  };
}

export const DRIVERS: readonly ConformanceDriver[] = [driver('sqlite', () => true), driver('postgres', hasPostgres)];
