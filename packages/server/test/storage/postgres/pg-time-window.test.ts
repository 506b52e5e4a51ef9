/**
 * occurred_at ranges take a list of plans on PostgreSQL (the newest rows, a walk of the span
 * event_minutes gives, the exact plan): whichever of them fills the page, or the last, must give
 * exactly the range's matches, and each must be the one that answers for some page. event_minutes
 * itself must be what migration 6 computes from the stored events.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventQueryPlans } from '../../../src/storage/postgres/pg-event-query.js';
import { PG_MIGRATIONS } from '../../../src/storage/postgres/pg-migrations.js';
import type { AuditStore } from '../../../src/storage/port.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import {
  COUNT,
  actionOf,
  actorOf,
  allLabels,
  expectedPage,
  minute,
  occurredMinute,
  outcomeOf,
  windowCases,
} from '../../helpers/time-window-data.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

describe.skipIf(!hasPostgres())('PostgreSQL time-range plans', () => {
  let storage: TestStorage;
  let store: AuditStore;
  let client: pg.Client;
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    store = await storage.openStore();
    client = new pg.Client({ connectionString: storage.databaseUrl! });
    await client.connect();
    await addTenant(store, 't');
    for (let start = 0; start < COUNT; start += 200) {
      const items = Array.from({ length: 200 }, (_, k) => {
        const i = start + k;
        return sealed({
          id: `e${i}`,
          action: actionOf(i),
          actor: { type: 'user', id: actorOf(i) },
          outcome: outcomeOf(i),
          occurred_at: minute(occurredMinute(i)),
        });
      });
      await append(store, 't', items);
    }
  }, 60_000);
  afterAll(async () => {
    await client.end();
    await store.close();
    await storage.remove();
  });

  const seqs = async (text: string, values: unknown[]): Promise<number[]> =>
    (await client.query<{ seq: string }>(text, values)).rows.map((r) => Number(r.seq));

  it('answers with each plan exactly the range’s matches, whenever that plan fills the page', async () => {
    const answered = new Set<string>();
    const extras = [
      {},
      { outcome: 'unknown' as const },
      { outcome: 'unknown' as const, sequence: { gt: 200, lte: 1500 } },
      { actorId: 'u3' },
      { action: 'doc.read', actorId: 'u1' },
      { actorId: 'u2', sequence: { gt: 200, lte: 1500 } },
    ];
    for (const { query, label } of windowCases('t', extras)) {
      const plans = buildEventQueryPlans(query);
      for (const [i, plan] of plans.entries()) {
        const rows = await seqs(plan.text, plan.values);
        if (rows.length >= query.limit || i === plans.length - 1) {
          expect(rows).toEqual(expectedPage(query));
          answered.add(label(i));
        }
      }
    }
    // Every plan answered some page, with and without a cursor or sequence range narrowing the span;
    // a filter with an index of its own (the actor) walks the whole span, which is exact, so its
    // queries end there.
    expect([...answered].sort()).toEqual(allLabels({ window: 3, actor: 2 }));
  }, 60_000);

  it('keeps each minute’s sequences as events arrive, as migration 6 computes them from stored events', async () => {
    const read = async () =>
      (
        await client.query<{ minute: string; min_seq: string; max_seq: string }>(
          "SELECT minute, min_seq, max_seq FROM event_minutes WHERE tenant_id = 't' ORDER BY minute",
        )
      ).rows;
    const kept = await read();
    // Minute 5 holds event 6 and the last event, which arrived 2,594 minutes late.
    expect(kept.find((m) => m.minute === minute(5).slice(0, 16))).toEqual({
      minute: minute(5).slice(0, 16),
      min_seq: '6',
      max_seq: String(COUNT),
    });
    const migration = PG_MIGRATIONS.find((m) => m.version === 6)!;
    await client.query('BEGIN');
    try {
      await client.query('DROP TABLE event_minutes');
      await client.query(migration.sql);
      expect(await read()).toEqual(kept);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
