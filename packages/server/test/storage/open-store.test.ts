/** Choosing the driver from configuration: TRAILKEEP_DATABASE_URL selects PostgreSQL, else SQLite. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { openStore } from '../../src/storage/open-store.js';
import { createTestDatabase, hasPostgres, type TestDatabase } from '../helpers/pg-database.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('storage selection', () => {
  const temp = makeTempDir();
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('reads TRAILKEEP_DATABASE_URL and TRAILKEEP_DATABASE_POOL_SIZE, refusing what is not a PostgreSQL URL', () => {
    expect(loadConfig({})).toMatchObject({ databasePoolSize: 10 });
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(
      loadConfig({ TRAILKEEP_DATABASE_URL: 'postgresql://u@db:5432/tk', TRAILKEEP_DATABASE_POOL_SIZE: '25' }),
    ).toMatchObject({ databaseUrl: 'postgresql://u@db:5432/tk', databasePoolSize: 25 });
    for (const env of [
      { TRAILKEEP_DATABASE_URL: 'mysql://u@db/tk' },
      { TRAILKEEP_DATABASE_POOL_SIZE: '0' },
      { TRAILKEEP_DATABASE_POOL_SIZE: 'many' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(Object.keys(env)[0]!);
    }
  });

  it('opens SQLite in the data directory by default', async () => {
    const store = await openStore(loadConfig({ TRAILKEEP_DATA_DIR: temp.dir }));
    try {
      expect(store.capabilities).toEqual({ name: 'sqlite', concurrentWriters: false, appendsInFlight: 2 });
    } finally {
      await store.close();
      temp.remove();
    }
  });

  it.skipIf(!hasPostgres())('opens and migrates PostgreSQL when TRAILKEEP_DATABASE_URL is set', async () => {
    db = await createTestDatabase({ empty: true });
    const store = await openStore(loadConfig({ TRAILKEEP_DATABASE_URL: db.url, TRAILKEEP_DATABASE_POOL_SIZE: '2' }));
    try {
      expect(store.capabilities).toEqual({ name: 'postgres', concurrentWriters: true, appendsInFlight: 1 });
      await expect(store.listTenants()).resolves.toEqual([]);
    } finally {
      await store.close();
    }
  });
});
