/**
 * occurred_at ranges take a list of plans on PostgreSQL (the newest rows, a walk below the bound
 * event_minutes gives, the exact plan): whichever of them fills the page must give exactly the
 * range's matches, and each must be the one that answers for some page. event_minutes itself
 * must be what migration 6 computes from the stored events.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFilters, EventQuery } from '../../../src/domain/query.js';
import { buildEventQueryPlans } from '../../../src/storage/postgres/pg-event-query.js';
import { PG_MIGRATIONS } from '../../../src/storage/postgres/pg-migrations.js';
import type { AuditStore } from '../../../src/storage/port.js';
import { hasPostgres } from '../../helpers/pg-database.js';
import { createTestStorage, type TestStorage } from '../../helpers/test-storage.js';
import { addTenant, append, sealed } from '../conformance/fixtures.js';

const COUNT = 2600;
const BASE = Date.UTC(2026, 0, 1);
const minute = (i: number): string => new Date(BASE + i * 60_000).toISOString();
// Event i happened at minute i, except every 10th, which arrived 500 minutes late, and the last, a
// failure that arrived 2,594 minutes late: the newest event of minute 5.
const LAST = COUNT - 1;
const occurredMinute = (i: number): number => (i === LAST ? 5 : i % 10 === 0 ? i - 500 : i);
const outcomeOf = (i: number) => (i === LAST ? ('failure' as const) : ('unknown' as const));

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
          actor: { type: 'user', id: `u${i % 7}` },
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
    for (const order of ['asc', 'desc'] as const) {
      for (const [from, to] of [
        [2400, 2600],
        [0, 150],
        [300, 420],
        [-1000, -400],
        [-1000, 5000],
      ] as const) {
        const extras: EventFilters[] = [
          {},
          { outcome: 'unknown' },
          { outcome: 'unknown', sequence: { gt: 200, lte: 1500 } },
          { actorId: 'u3' },
        ];
        for (const extra of extras) {
          for (const afterSequence of [undefined, 900, 2500]) {
            const query: EventQuery = {
              tenantId: 't',
              filters: { occurredAt: { gte: minute(from), lt: minute(to) }, ...extra },
              order,
              limit: 25,
              ...(afterSequence === undefined ? {} : { afterSequence }),
            };
            const { gt = -Infinity, lte = Infinity } = extra.sequence ?? {};
            const matches = Array.from({ length: COUNT }, (_, i) => i)
              .filter((i) => occurredMinute(i) >= from && occurredMinute(i) < to)
              .filter((i) => extra.outcome === undefined || outcomeOf(i) === extra.outcome)
              .filter((i) => extra.actorId === undefined || `u${i % 7}` === extra.actorId)
              .map((i) => i + 1)
              .filter((s) => s > gt && s <= lte)
              .filter((s) => afterSequence === undefined || (order === 'asc' ? s > afterSequence : s < afterSequence));
            const expected = (order === 'asc' ? matches : matches.reverse()).slice(0, query.limit);
            const plans = buildEventQueryPlans(query);
            for (const [i, plan] of plans.entries()) {
              const rows = await seqs(plan.text, plan.values);
              if (rows.length >= query.limit || i === plans.length - 1) {
                expect(rows).toEqual(expected);
                const capped = afterSequence !== undefined || extra.sequence !== undefined ? ' capped' : '';
                answered.add(`${extra.actorId === undefined ? 'window' : 'actor'} ${i}${capped}`);
              }
            }
          }
        }
      }
    }
    // Every plan answered some page, with and without a cursor or sequence range narrowing the bound;
    // a filter with its own index (the actor) skips the walk from the bound.
    const all = Object.entries({ actor: 2, window: 3 }).flatMap(([kind, n]) =>
      Array.from({ length: n }, (_, i) => [`${kind} ${i}`, `${kind} ${i} capped`]).flat(),
    );
    expect([...answered].sort()).toEqual(all.sort());
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
