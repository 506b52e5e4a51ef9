/**
 * Statements whose plan does not depend on their values are prepared once per connection, and
 * PostgreSQL then keeps a generic plan for them (that is the point: planning on the partitioned
 * events table cost more than running the query). Behind a pooler that loses prepared statements
 * the driver goes back to unnamed ones, and the query still answers.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildEventQueryPlans } from '../../../src/storage/postgres/pg-event-query.js';
import { createStatementRunner } from '../../../src/storage/postgres/pg-prepared.js';
import type { EventQuery } from '../../../src/domain/query.js';
import type { AuditStore } from '../../../src/storage/port.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

interface Prepared {
  name: string;
  generic_plans: string;
  custom_plans: string;
}

describe.skipIf(!hasPostgres())('PostgreSQL prepared statements', () => {
  let storage: TestStorage;
  let store: AuditStore;
  let client: pg.Client;
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    store = await storage.openStore();
    await addTenant(store, 't');
    const items = Array.from({ length: 300 }, (_, i) =>
      sealed({ action: i % 3 === 0 ? 'doc.read' : 'doc.update', actor: { type: 'user', id: `u${i % 7}` } }),
    );
    await append(store, 't', items);
  }, 60_000);
  beforeEach(async () => {
    client = new pg.Client({ connectionString: storage.databaseUrl! });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
  });
  afterAll(async () => {
    await store.close();
    await storage.remove();
  });

  const page = (filters: EventQuery['filters']): EventQuery => ({ tenantId: 't', filters, order: 'desc', limit: 11 });
  const onlyPlan = (query: EventQuery) => {
    const plans = buildEventQueryPlans(query);
    expect(plans).toHaveLength(1);
    return plans[0]!;
  };
  const seqs = (rows: Array<{ seq: number | string }>) => rows.map((r) => Number(r.seq));
  const prepared = async () =>
    (
      await client.query<Prepared>(
        "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'tk\\_%'",
      )
    ).rows;

  it('prepares a value-free query once, answers as the unnamed statement does, and gets a generic plan', async () => {
    const run = createStatementRunner();
    for (let i = 0; i < 10; i++) {
      const plan = onlyPlan(page({ actorId: `u${i % 7}`, action: 'doc.read' }));
      expect(plan.prepared).toBe(true);
      const rows = await run<{ seq: number }>(client, plan);
      expect(rows.length).toBeGreaterThan(0);
      expect(seqs(rows)).toEqual(seqs((await client.query<{ seq: string }>(plan.text, plan.values)).rows));
    }
    const statements = await prepared();
    expect(statements).toHaveLength(1);
    // Five custom plans first, then PostgreSQL's cost comparison picks the generic one. (At
    // 1,000,000 events it did so only with LIMIT written into the text: measured, see SCALING.md.)
    expect(Number(statements[0]!.generic_plans)).toBeGreaterThan(0);
  });

  it('leaves full text, action prefixes and offsets to custom plans', async () => {
    const run = createStatementRunner();
    for (const query of [page({ text: 'doc' }), page({ actionPrefix: 'doc.' }), { ...page({}), offset: 20 }]) {
      const plan = onlyPlan(query);
      expect(plan.prepared).toBe(false);
      await run(client, plan);
    }
    expect(await prepared()).toEqual([]);
  });

  it('goes back to unnamed statements when the connection loses its prepared ones (a pooler)', async () => {
    const run = createStatementRunner();
    const plan = onlyPlan(page({ actorId: 'u1' }));
    const expected = seqs(await run<{ seq: number }>(client, plan));
    expect(await prepared()).toHaveLength(1);
    // What a transaction pooler does: the next statement runs on a server connection without it.
    await client.query('DEALLOCATE ALL');
    expect(seqs(await run<{ seq: number }>(client, plan))).toEqual(expected);
    expect(seqs(await run<{ seq: number }>(client, onlyPlan(page({ actorId: 'u2' }))))).not.toEqual(expected);
    expect(await prepared()).toEqual([]);
  });
});
