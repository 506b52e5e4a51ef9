/** Chooses the storage driver from configuration. */
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { AuditStore } from './port.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';

export const SQLITE_FILE = 'trailkeep.db';

export async function openStore(config: Config): Promise<AuditStore> {
  return createSqliteStore({ path: join(config.dataDir, SQLITE_FILE) });
}
