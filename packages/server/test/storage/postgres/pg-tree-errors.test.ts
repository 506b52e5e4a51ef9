/**
 * A tenant whose integration fails in SQL is rolled back alone, and its error comes out of the
 * driver as a domain error (the pg error kept as its cause), like every other driver error.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointKeyFromSeed } from '../../../src/config/checkpoint-key.js';
import { TrailkeepError } from '../../../src/domain/errors.js';
import { createTreeIntegrationStep } from '../../../src/domain/tree-integration.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, appendMany } from '../conformance/fixtures.js';

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres())('PostgreSQL tree integration errors', () => {
  let storage: TestStorage;
  afterEach(() => storage.remove());

  it('reports a SQL failure of one tenant as TK_ERR_INTERNAL with the pg error as cause; the others commit', async () => {
    storage = await createTestStorage('postgres');
    const store = await storage.openStore();
    try {
      await addTenant(store, 'bad');
      await addTenant(store, 'good');
      await appendMany(store, 'bad', 3);
      await appendMany(store, 'good', 3);
      // Writing the tree state of `bad` fails inside the database, as a broken row or schema would.
      await sql(
        storage.databaseUrl!,
        `CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.tenant_id = 'bad' THEN RAISE EXCEPTION 'injected failure'; END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER refuse_bad BEFORE INSERT OR UPDATE ON tree_state FOR EACH ROW EXECUTE FUNCTION refuse_bad();`,
      );
      const step = createTreeIntegrationStep({
        key: checkpointKeyFromSeed(new Uint8Array(32).fill(7)),
        maxLeaves: 1000,
        checkpointIntervalMs: 1000,
      });
      const [bad, good] = await store.integrateTrees(['bad', 'good'], step);
      expect(bad).toMatchObject({ tenantId: 'bad' });
      const error = (bad as { error: unknown }).error;
      expect(error).toBeInstanceOf(TrailkeepError);
      expect(error).toMatchObject({ code: 'TK_ERR_INTERNAL' });
      expect((error as TrailkeepError).cause).toMatchObject({ code: 'P0001', message: 'injected failure' });
      expect(good).toMatchObject({ tenantId: 'good', size: 3 });
      expect((await store.getTreeState('bad'))?.size ?? 0).toBe(0);
      expect((await store.getTreeState('good'))?.size).toBe(3);
    } finally {
      await store.close();
    }
  });
});
