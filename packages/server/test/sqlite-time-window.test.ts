/**
 * occurred_at windows take a different path in the SQLite driver (a probe of the newest sequences,
 * then a covering time index); the pages must be exactly those of a plain filter, in both orders.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEvent } from '../src/domain/sealing.js';
import { toEventDraft } from '../src/http/native/event.mapper.js';
import { createQueryService } from '../src/domain/query-service.js';
import { buildEventQuery, buildEventQueryPlans } from '../src/storage/sqlite/sqlite-event-query.js';
import { createSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { AuditStore } from '../src/storage/port.js';
import { makeTempDir } from './helpers/temp-dir.js';
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
} from './helpers/time-window-data.js';

const temp = makeTempDir();
let store: AuditStore;

beforeAll(async () => {
  store = createSqliteStore({ path: `${temp.dir}/t.db` });
  await store.createTenant({ id: 't', name: 't', parentId: null, logOrigin: 'localhost/t/t', createdAt: minute(0) });
  for (let start = 0; start < COUNT; start += 200) {
    const items = Array.from({ length: 200 }, (_, k) => {
      const i = start + k;
      const input = {
        id: `e${i}`,
        action: actionOf(i),
        actor: { id: actorOf(i) },
        outcome: outcomeOf(i),
        timestamp: minute(occurredMinute(i)),
      };
      return sealEvent(toEventDraft(input, new Date()));
    });
    await store.appendBatches([{ tenantId: 't', items }]);
  }
});
afterAll(async () => {
  await store.close();
  temp.remove();
});

async function walk(filters: Record<string, unknown>, order: 'asc' | 'desc'): Promise<number[]> {
  const query = createQueryService(store);
  const seen: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await query.list({ tenantId: 't', filters, order, limit: 37, ...(cursor ? { cursor } : {}) });
    seen.push(...page.events.map((e) => e.sequence));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return seen;
}

function expected(
  from: number,
  to: number,
  order: 'asc' | 'desc',
  extra: (i: number) => boolean = () => true,
): number[] {
  const seqs = Array.from({ length: COUNT }, (_, i) => i)
    .filter((i) => occurredMinute(i) >= from && occurredMinute(i) < to && extra(i))
    .map((i) => i + 1);
  return order === 'asc' ? seqs : seqs.reverse();
}

describe('occurred_at windows on SQLite', () => {
  it.each([
    ['recent window (answered by the probe)', 2400, 2600],
    ['old window (answered by the time index)', 0, 150],
    ['window holding late arrivals', 300, 420],
    ['the whole log', -1000, 5000],
    ['an empty window', 9000, 9100],
  ])('%s: every page exactly as a plain filter would give, both orders', async (_name, from, to) => {
    for (const order of ['asc', 'desc'] as const) {
      const occurredAt = { gte: minute(from), lt: minute(to) };
      expect(await walk({ occurredAt }, order)).toEqual(expected(from, to, order));
      expect(await walk({ occurredAt, category: undefined, outcome: 'unknown' }, order)).toEqual(
        expected(from, to, order, (i) => outcomeOf(i) === 'unknown'),
      );
    }
  });

  it('combines a window with another filter', async () => {
    const occurredAt = { gte: minute(100), lt: minute(700) };
    expect(await walk({ occurredAt, actorType: 'user' }, 'desc')).toEqual(expected(100, 700, 'desc'));
    expect(await walk({ occurredAt, action: 'doc.read' }, 'asc')).toEqual(
      expected(100, 700, 'asc', (i) => i % 3 === 0),
    );
    // An actor's window takes the (actor, time) index when the probe cannot fill the page.
    for (const order of ['asc', 'desc'] as const) {
      for (const [from, to] of [
        [100, 700],
        [2300, 2600],
        [-1000, 5000],
      ] as const) {
        expect(await walk({ occurredAt: { gte: minute(from), lt: minute(to) }, actorId: 'u3' }, order)).toEqual(
          expected(from, to, order, (i) => i % 7 === 3),
        );
      }
    }
  });

  it("probes the newest sequences, then walks from the minutes' bound, then from the exact anchor, then sorts", () => {
    const plans = buildEventQueryPlans({
      tenantId: 't',
      filters: { occurredAt: { gte: minute(0), lt: minute(90) }, sequence: { lt: 500 } },
      order: 'desc',
      limit: 10,
      afterSequence: 300,
    });
    expect(plans).toHaveLength(4);
    expect(plans[0]!.sql).toMatch(/e\.seq >= \?/);
    expect(plans[1]!.sql).toMatch(
      /^WITH a AS \(SELECT min\(max\(m\.max_seq\), \?, \?\) AS s FROM event_minutes m WHERE m\.tenant_id = \? AND m\.minute >= \? AND m\.minute <= \?\) .* INDEXED BY events_classes .* e\.seq BETWEEN a\.s - \? AND a\.s/,
    );
    // The cursor and the sequence range narrow the bound: below 300 and below 500.
    expect(plans[1]!.params.slice(0, 5)).toEqual([299, 499, 't', minute(0).slice(0, 16), minute(90).slice(0, 16)]);
    expect(plans[2]!.sql).toMatch(
      /^WITH a AS \(SELECT max\(e\.seq\) AS s FROM events e INDEXED BY events_occurred WHERE .* INDEXED BY events_classes .* e\.seq BETWEEN a\.s - \? AND a\.s/,
    );
    expect(plans[3]!.sql).toMatch(/INDEXED BY events_occurred/);
    const recent = buildEventQueryPlans({
      tenantId: 't',
      filters: { occurredAt: { gte: minute(0) } },
      order: 'asc',
      limit: 10,
    });
    expect(recent[0]!.params.slice(-2)).toEqual([2000, 10]);
    expect(recent[1]!.sql).toMatch(
      /^WITH a AS \(SELECT min\(m\.min_seq\) AS s FROM event_minutes m .* e\.seq BETWEEN a\.s AND a\.s \+ \?/,
    );
    const withActor = buildEventQueryPlans({
      tenantId: 't',
      filters: { occurredAt: { gte: minute(0) }, actorId: 'u1' },
      order: 'asc',
      limit: 10,
      afterSequence: 100,
    });
    expect(withActor).toHaveLength(3);
    expect(withActor[0]!.sql).toMatch(/e\.seq <= \?/);
    expect(withActor[0]!.params.slice(-2)).toEqual([2100, 10]);
    expect(withActor[1]!.sql).toMatch(
      /^WITH a AS \(SELECT min\(e\.seq\) AS s FROM events e INDEXED BY events_actor_time .* INDEXED BY events_actor .* e\.seq BETWEEN a\.s AND a\.s \+ \?/,
    );
    expect(withActor[2]!.sql).toMatch(/INDEXED BY events_actor_time/);
    const withSession = buildEventQueryPlans({
      tenantId: 't',
      filters: { occurredAt: { gte: minute(0) }, actorId: 'u1', sessionId: 's' },
      order: 'desc',
      limit: 10,
    });
    expect(withSession).toHaveLength(1);
  });

  it('answers with each plan exactly what the plain statement gives, whenever that plan fills the page', () => {
    const db = new Database(`${temp.dir}/t.db`, { readonly: true });
    try {
      const run = (sql: string, params: unknown[]): number[] =>
        db
          .prepare<unknown[], { seq: number }>(sql)
          .all(...params)
          .map((r) => r.seq);
      const answered = new Set<string>();
      const extras = [
        {},
        { outcome: 'unknown' as const },
        { outcome: 'unknown' as const, sequence: { gt: 200, lte: 1500 } },
        { actorId: 'u3' },
        { action: 'doc.read', actorId: 'u1' },
      ];
      for (const { query, label } of windowCases('t', extras)) {
        const plain = buildEventQuery(query);
        const expected = run(plain.sql, plain.params);
        expect(expected).toEqual(expectedPage(query));
        const plans = buildEventQueryPlans(query);
        plans.forEach((plan, i) => {
          const rows = run(plan.sql, plan.params);
          if (rows.length >= query.limit || i === plans.length - 1) {
            expect(rows).toEqual(expected);
            answered.add(label(i));
          }
        });
      }
      // Every plan of both time-window paths answered some page here, with and without a cursor or
      // sequence range narrowing the bounds.
      expect([...answered].sort()).toEqual(allLabels({ window: 4, actor: 3 }));
    } finally {
      db.close();
    }
  });

  it("keeps each minute's sequences as events arrive, as migration 6 computes them from stored events", async () => {
    type MinuteRow = { minute: string; min_seq: number; max_seq: number };
    const readMinutes = (db: Database.Database): MinuteRow[] =>
      db
        .prepare<[], MinuteRow>(
          "SELECT minute, min_seq, max_seq FROM event_minutes WHERE tenant_id = 't' ORDER BY minute",
        )
        .all();
    const live = new Database(`${temp.dir}/t.db`, { readonly: true });
    const copyPath = `${temp.dir}/before-v6.db`;
    try {
      await live.backup(copyPath);
      const kept = readMinutes(live);
      // Minute 5 holds event 6 and the last event, which arrived 2,594 minutes late.
      expect(kept.find((m) => m.minute === minute(5).slice(0, 16))).toEqual({
        minute: minute(5).slice(0, 16),
        min_seq: 6,
        max_seq: COUNT,
      });
      const old = new Database(copyPath);
      old.exec('DROP TABLE event_minutes; DELETE FROM schema_migrations WHERE version = 6');
      old.close();
      await createSqliteStore({ path: copyPath }).close();
      const migrated = new Database(copyPath, { readonly: true });
      try {
        expect(readMinutes(migrated)).toEqual(kept);
      } finally {
        migrated.close();
      }
    } finally {
      live.close();
    }
  });
});
