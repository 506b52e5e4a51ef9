/**
 * Both drivers keep, per tenant and minute of occurred_at, the lowest and highest sequence
 * (`event_minutes`): a time window's matches lie between the bounds of its minutes, so a window
 * far from the log's head is found from a few rows instead of a scan of the window in the time
 * index. Stored times are 'YYYY-MM-DDTHH:mm:ss.sssZ' (domain/time.ts), so a time's minute is its
 * first 16 characters, and the first 16 characters of any bound never exclude a minute holding a
 * match (a bound's minute compares with a time's minute as the bound compares with the time, or
 * equals it).
 */
import type { NewEventRow } from '../domain/log-append.js';
import type { EventQuery, Range } from '../domain/query.js';

export const minuteOf = (time: string): string => time.slice(0, 16);

export interface MinuteSpan {
  tenantId: string;
  minute: string;
  min: number;
  max: number;
}

/** The sequences of each (tenant, minute) among new rows: a batch touches a few minutes. */
export function minuteSpans(rows: readonly NewEventRow[]): MinuteSpan[] {
  const spans = new Map<string, MinuteSpan>();
  for (const r of rows) {
    const minute = minuteOf(r.indexed.occurredAt);
    const key = `${r.tenantId}\n${minute}`;
    const span = spans.get(key);
    if (span === undefined) spans.set(key, { tenantId: r.tenantId, minute, min: r.sequence, max: r.sequence });
    else {
      span.min = Math.min(span.min, r.sequence);
      span.max = Math.max(span.max, r.sequence);
    }
  }
  return [...spans.values()];
}

/** `[operator, minute]` conditions on event_minutes.minute that keep every minute of a range. */
export function minuteConditions(range: Range<string>): Array<['>=' | '<=', string]> {
  const conditions: Array<['>=' | '<=', string]> = [];
  for (const from of [range.gt, range.gte]) if (from !== undefined) conditions.push(['>=', minuteOf(from)]);
  for (const to of [range.lt, range.lte]) if (to !== undefined) conditions.push(['<=', minuteOf(to)]);
  return conditions;
}

/**
 * Sequences a page's matches cannot pass, from the cursor and a sequence range: descending, each
 * is at or above every match; ascending, at or below.
 */
export function sequenceLimits(query: EventQuery): number[] {
  const { sequence = {} } = query.filters;
  const after = query.afterSequence;
  const plus = (n: number | undefined, d: number) => (n === undefined ? undefined : n + d);
  const limits =
    query.order === 'asc'
      ? [plus(after, 1), plus(sequence.gt, 1), sequence.gte]
      : [plus(after, -1), plus(sequence.lt, -1), sequence.lte];
  return limits.filter((n): n is number => n !== undefined);
}
