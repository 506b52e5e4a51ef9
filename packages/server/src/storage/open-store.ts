/** Chooses the storage driver from configuration. */
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { AuditStore } from './port.js';
import { createPostgresStore } from './postgres/pg-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';

export const SQLITE_FILE = 'trailkeep.db';

/** PostgreSQL when TRAILKEEP_DATABASE_URL is set (migrated on open), else SQLite in the data directory. */
export async function openStore(config: Config): Promise<AuditStore> {
  if (config.databaseUrl !== undefined) {
    return createPostgresStore({ connectionString: config.databaseUrl, poolSize: config.databasePoolSize });
  }
  return createSqliteStore({ path: join(config.dataDir, SQLITE_FILE) });
}
