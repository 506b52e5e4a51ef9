/**
 * Storage for one test, on either driver: a temp data directory, plus (PostgreSQL) a database of
 * its own on the run's server. Tests that run on both drivers take their driver from here.
 */
import { join } from 'node:path';
import { createPostgresStore } from '../../src/storage/postgres/pg-store.js';
import type { AuditStore } from '../../src/storage/port.js';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { verifyStoredChain, type ChainReport } from './chain-check.js';
import { verifyStoredChainPg } from './pg-chain-check.js';
import { createTestDatabase } from './pg-database.js';
import { makeTempDir } from './temp-dir.js';

export type TestDriver = 'sqlite' | 'postgres';

export const TEST_DRIVERS: readonly TestDriver[] = ['sqlite', 'postgres'];

/**
 * The driver of tests that do not name one: TRAILKEEP_TEST_DRIVER, which the `postgres` vitest
 * project sets to run the HTTP and process tests again on PostgreSQL (vitest.config.ts); else SQLite.
 */
export function defaultTestDriver(): TestDriver {
  return process.env.TRAILKEEP_TEST_DRIVER === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestStorage {
  driver: TestDriver;
  dataDir: string;
  /** The SQLite file (used by the sqlite driver only). */
  dbPath: string;
  /** The test's own database (postgres driver only). */
  databaseUrl: string | undefined;
  /** Environment for a `trailkeep serve` process on this storage. */
  env: Record<string, string>;
  /** Opens a store on it (each call a new one: several may share a PostgreSQL database). */
  openStore(): Promise<AuditStore>;
  /** Checks the tenant's stored chain independently of Trailkeep's code. */
  verifyChain(tenantId: string): Promise<ChainReport>;
  remove(): Promise<void>;
}

export async function createTestStorage(driver: TestDriver = defaultTestDriver()): Promise<TestStorage> {
  const temp = makeTempDir();
  const dbPath = join(temp.dir, 'trailkeep.db');
  if (driver === 'sqlite') {
    return {
      driver,
      dataDir: temp.dir,
      dbPath,
      databaseUrl: undefined,
      env: {},
      openStore: async () => createSqliteStore({ path: dbPath }),
      verifyChain: async (tenantId) => verifyStoredChain(dbPath, tenantId),
      remove: async () => temp.remove(),
    };
  }
  const database = await createTestDatabase();
  return {
    driver,
    dataDir: temp.dir,
    dbPath,
    databaseUrl: database.url,
    env: { TRAILKEEP_DATABASE_URL: database.url },
    openStore: () => createPostgresStore({ connectionString: database.url, poolSize: 5, maintenanceIntervalMs: 0 }),
    verifyChain: (tenantId) => verifyStoredChainPg(database.url, tenantId),
    remove: async () => {
      await database.drop();
      temp.remove();
    },
  };
}
