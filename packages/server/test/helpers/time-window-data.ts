/**
 * The events both drivers' time-window plan tests store, and the queries they run. 2,600 events a
 * minute apart, except every 10th, which arrived 500 minutes late (out of order in time), and the
 * last, a failure that arrived 2,594 minutes late: the newest event of minute 5. Actors u0..u6 in
 * turn; every third event a doc.read.
 */
import type { Outcome } from '../../src/domain/event.js';
import type { EventFilters, EventQuery } from '../../src/domain/query.js';

export const COUNT = 2600;
const LAST = COUNT - 1;
const BASE = Date.UTC(2026, 0, 1);

export const minute = (i: number): string => new Date(BASE + i * 60_000).toISOString();
export const occurredMinute = (i: number): number => (i === LAST ? 5 : i % 10 === 0 ? i - 500 : i);
export const outcomeOf = (i: number): Outcome => (i === LAST ? 'failure' : 'unknown');
export const actorOf = (i: number): string => `u${i % 7}`;
export const actionOf = (i: number): string => (i % 3 === 0 ? 'doc.read' : 'doc.write');

export interface WindowCase {
  query: EventQuery;
  /** How the plans answering it are counted: with an actor or not, and with a cursor or sequence range. */
  label: (plan: number) => string;
}

/** Windows near and far from the head, holding late arrivals, empty, and the whole log; both orders. */
export function windowCases(tenantId: string, extras: readonly EventFilters[]): WindowCase[] {
  const cases: WindowCase[] = [];
  for (const order of ['asc', 'desc'] as const) {
    for (const [from, to] of [
      [2400, 2600],
      [0, 150],
      [300, 420],
      [-1000, -400],
      [-1000, 5000],
    ] as const) {
      for (const extra of extras) {
        for (const afterSequence of [undefined, 900, 2500]) {
          const query: EventQuery = {
            tenantId,
            filters: { occurredAt: { gte: minute(from), lt: minute(to) }, ...extra },
            order,
            limit: 25,
            ...(afterSequence === undefined ? {} : { afterSequence }),
          };
          const kind = extra.actorId === undefined ? 'window' : 'actor';
          const capped = afterSequence !== undefined || extra.sequence !== undefined ? ' capped' : '';
          cases.push({ query, label: (plan) => `${kind} ${plan}${capped}` });
        }
      }
    }
  }
  return cases;
}

/** Every label windowCases gives when each of `plans` plans (by kind) answers some case. */
export function allLabels(plans: { window: number; actor: number }): string[] {
  return Object.entries(plans)
    .flatMap(([kind, n]) => Array.from({ length: n }, (_, i) => [`${kind} ${i}`, `${kind} ${i} capped`]).flat())
    .sort();
}

/** The sequences of the page a query must give, from the definition of the events above. */
export function expectedPage(query: EventQuery): number[] {
  const { occurredAt = {}, sequence = {}, outcome, actorId, action, ...rest } = query.filters;
  if (Object.keys(rest).length > 0) throw new Error(`expectedPage does not know ${Object.keys(rest).join(', ')}`);
  const { gte = '', lt = '\uffff' } = occurredAt;
  const { gt = -Infinity, lte = Infinity } = sequence;
  const after = query.afterSequence;
  const seqs = Array.from({ length: COUNT }, (_, i) => i)
    .filter((i) => minute(occurredMinute(i)) >= gte && minute(occurredMinute(i)) < lt)
    .filter((i) => outcome === undefined || outcomeOf(i) === outcome)
    .filter((i) => actorId === undefined || actorOf(i) === actorId)
    .filter((i) => action === undefined || actionOf(i) === action)
    .map((i) => i + 1)
    .filter((s) => s > gt && s <= lte)
    .filter((s) => after === undefined || (query.order === 'asc' ? s > after : s < after));
  return (query.order === 'asc' ? seqs : seqs.reverse()).slice(0, query.limit);
}
