/** Translates an EventQuery into PostgreSQL statements (keyset pagination on seq; time ranges get plans of their own). */
import type { EventFilters, EventQuery, Range } from '../../domain/query.js';
import { minuteConditions, sequenceLimits } from '../event-minutes.js';
import { EVENT_COLUMNS, encodeText } from './pg-rows.js';
import type { SqlStatement } from './pg-prepared.js';
import { toTsqueryLiteral } from './pg-search.js';

/** Filter → column, and whether its values are free text stored with encodeText. */
const EQUALITY_COLUMNS = {
  action: ['action', false],
  category: ['category', true],
  outcome: ['outcome', false],
  severity: ['severity', false],
  actorId: ['actor_id', true],
  actorType: ['actor_type', true],
  targetType: ['target_type', true],
  targetId: ['target_id', true],
  sessionId: ['session_id', true],
  requestId: ['request_id', true],
  ip: ['ip', false],
  vmId: ['vm_id', true],
} as const;

const RANGE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * received_at is a server clock time, never before 1970, and timestamptz has no year 0 (which an
 * RFC 3339 bound may name): bounds before year 1000 are moved to it, which selects the same rows.
 */
const EARLIEST_BOUND = '1000-01-01T00:00:00.000Z';
const clampReceived = (value: string): string => (value < EARLIEST_BOUND ? EARLIEST_BOUND : value);

class Builder {
  readonly where: string[] = [];
  readonly values: unknown[] = [];

  param(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }

  /** Conditions `expression op value` of a range; `expression` is a column of `e` or one computed from it. */
  range<T>(expression: string, range: Range<T> | undefined, cast = '', map: (v: T) => unknown = (v) => v): void {
    if (!range) return;
    for (const [key, op] of Object.entries(RANGE_OPERATORS)) {
      const value = range[key as keyof Range<T>];
      if (value !== undefined) this.where.push(`${expression} ${op} ${this.param(map(value), cast)}`);
    }
  }
}

/**
 * LIMIT written into the text, not bound: with `LIMIT $n` PostgreSQL costs a generic plan as if
 * a tenth of the rows were wanted, and a prepared statement kept planning every run (category +
 * severity at 1,000,000 events: 0.55 ms planning where the generic plan takes 0.02).
 */
function limitClause(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`${limit} is not a row limit`);
  return `LIMIT ${limit}`;
}

/** Escapes LIKE wildcards so a prefix is matched literally (backslash is PostgreSQL's LIKE escape). */
function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/**
 * PostgreSQL text cannot hold NUL (a parameter with one fails the whole statement). Free-text
 * columns store it escaped (encodeText); the others never hold one, so a value with NUL matches
 * no row, which is what SQLite answers for it too.
 */
function textCondition(b: Builder, column: string, op: string, value: string, freeText: boolean): string {
  if (freeText) return `e.${column} ${op} ${b.param(encodeText(value))}`;
  return value.includes('\0') ? 'false' : `e.${column} ${op} ${b.param(value)}`;
}

/**
 * Conditions on `events e` for a tenant's events matching the filters, full text included.
 * `occurredAt` is what the time range is tested on: a plan that must not be answered from the
 * occurred_at index tests an expression of the column instead, which no index holds.
 */
function addFilters(b: Builder, tenantId: string, filters: EventFilters, occurredAt = 'e.occurred_at'): void {
  b.where.push(`e.tenant_id = ${b.param(tenantId)}`);
  for (const [key, [column, freeText]] of Object.entries(EQUALITY_COLUMNS)) {
    const value = filters[key as keyof typeof EQUALITY_COLUMNS];
    if (value !== undefined) b.where.push(textCondition(b, column, '=', value, freeText));
  }
  if (filters.actionPrefix !== undefined) {
    b.where.push(textCondition(b, 'action', 'LIKE', likePrefix(filters.actionPrefix), false));
  }
  b.range(occurredAt, filters.occurredAt);
  b.range('e.received_at', filters.receivedAt, '::timestamptz', clampReceived);
  b.range('e.seq', filters.sequence);
  if (filters.text !== undefined) {
    const tsquery = toTsqueryLiteral(filters.text);
    if (tsquery === null) b.where.push('false');
    else if (tsquery !== undefined) b.where.push(`e.search @@ ${b.param(tsquery, '::tsquery')}`);
  }
}

/**
 * Whether the best plan for these filters is the same for any values, so the statement may be
 * prepared (pg-prepared.ts): walk an equality filter's index (or the sequence) in order until the
 * page is full. Not so for full text (a rare word is best found in the GIN index, a common one by
 * walking the newest rows) or an action prefix (only a known prefix becomes a range of the action
 * index).
 */
function valueFreeFilters(filters: EventFilters): boolean {
  return filters.text === undefined && filters.actionPrefix === undefined;
}

/** Rows a time-range query first walks in sequence order before it falls back to sorting the range. */
export const RECENT_WALK_ROWS = 250;

function seqAfter(b: Builder, query: EventQuery, alias = 'e'): void {
  if (query.afterSequence !== undefined) {
    b.where.push(`${alias}.seq ${query.order === 'asc' ? '>' : '<'} ${b.param(query.afterSequence)}`);
  }
}

/** Filters an index of their own answers (B-trees on (tenant_id, column, seq), the GIN index for text). */
const SELECTIVE_FILTERS = [
  'action',
  'actionPrefix',
  'actorId',
  'targetId',
  'sessionId',
  'requestId',
  'ip',
  'vmId',
  'text',
] as const satisfies readonly (keyof EventFilters)[];

/** Sequences of the span a range without a selective filter walks before the exact plan takes over. */
const SPAN_WALK_ROWS = 2000;

/**
 * `SELECT … AS s, … AS far`: the sequences event_minutes gives for the range's minutes
 * (storage/event-minutes.ts). Every match lies between them: `s` is where a page starts (the
 * newest match descending, the oldest ascending, narrowed by the cursor and a sequence range) and
 * `far` the other end of the span. Both are NULL when no event falls in the minutes (least and
 * greatest skip NULL, so `s` is then the cursor's limit, and nothing lies between it and NULL).
 */
function minuteSpan(b: Builder, query: EventQuery): string {
  const where = [`m.tenant_id = ${b.param(query.tenantId)}`];
  for (const [op, minute] of minuteConditions(query.filters.occurredAt ?? {})) {
    where.push(`m.minute ${op} ${b.param(minute)}`);
  }
  const asc = query.order === 'asc';
  const [start, far] = asc ? ['min(m.min_seq)', 'max(m.max_seq)'] : ['max(m.max_seq)', 'min(m.min_seq)'];
  const limits = sequenceLimits(query).map((n) => b.param(n));
  const bound = limits.length === 0 ? start : `${asc ? 'greatest' : 'least'}(${start}, ${limits.join(', ')})`;
  return `SELECT ${bound} AS s, ${far} AS far FROM event_minutes m WHERE ${where.join(' AND ')}`;
}

/**
 * A time range (occurred_at) defeats the planner: it estimates that walking the tenant's rows in
 * sequence order finds `limit` matches after a few thousand rows, but in an audit log time follows
 * sequence, so a range in the past is only reached after walking every newer row (a day a month
 * ago: 600,000 rows, ~1 s at 1,000,000 events). Such a query first walks the newest
 * RECENT_WALK_ROWS rows (a range that includes recent events is answered there). Then it walks
 * from the start of the span event_minutes gives for the range's minutes (times follow arrival, so
 * the matches are usually there). A filter with an index of its own walks that index over the
 * whole span, which is exact: an actor's day reads the actor's entries of that day, not all of the
 * actor's (71,000 for the busiest actor at 1,000,000 events: 25 → 2 ms). Other filters walk at
 * most SPAN_WALK_ROWS sequences of the span; if those find too few, the exact plan picks the
 * range's sequences from the (tenant_id, occurred_at) INCLUDE (seq) index (`seq + 0` keeps the
 * planner off the sequence-order walk), keeps the `limit` first, and only then reads those rows.
 * (Anchoring the walk at the range's exact newest match, found by scanning the range in the same
 * statement as SQLite's third plan does, made PostgreSQL's one-day ranges 15× slower at 1,000,000
 * events: measured, and left out.)
 */
function timeRangePlans(query: EventQuery, direction: string): SqlStatement[] {
  const walk = new Builder();
  walk.where.push(`w.tenant_id = ${walk.param(query.tenantId)}`);
  seqAfter(walk, query, 'w');
  const recent = `SELECT * FROM events w WHERE ${walk.where.join(' AND ')} ORDER BY w.seq ${direction} LIMIT ${RECENT_WALK_ROWS}`;
  walk.where.length = 0;
  addFilters(walk, query.tenantId, query.filters);
  const first = `SELECT ${EVENT_COLUMNS} FROM (${recent}) e WHERE ${walk.where.join(' AND ')} ORDER BY e.seq ${direction} ${limitClause(query.limit)}`;

  const selective = SELECTIVE_FILTERS.some((k) => query.filters[k] !== undefined);
  const spanned = new Builder();
  const span = minuteSpan(spanned, query);
  // The span is walked in sequence order (or a selective filter's index over it): given the
  // occurred_at index, PostgreSQL read the whole of a one-hour range (1,400 rows at 1,000,000
  // events) and sorted it, 10 ms where the walk reads the 51 it keeps in 0.4 ms.
  addFilters(spanned, query.tenantId, query.filters, "(e.occurred_at || '')");
  seqAfter(spanned, query);
  // The span's ends as scalar subqueries: PostgreSQL evaluates them once, first, and scans an index
  // between the two values. Joined to the span instead, it walked the sequence index from the
  // newest row and tested each against it (a day a month back: ~0.7 s at 1,000,000 events).
  const [s, far] = ['(SELECT s FROM a)', '(SELECT far FROM a)'];
  const asc = query.order === 'asc';
  const end = selective
    ? far
    : `${asc ? 'least' : 'greatest'}(${far}, ${s} ${asc ? '+' : '-'} ${spanned.param(SPAN_WALK_ROWS)})`;
  const between = asc ? `e.seq BETWEEN ${s} AND ${end}` : `e.seq BETWEEN ${end} AND ${s}`;
  const fromSpan = `WITH a AS MATERIALIZED (${span}) SELECT ${EVENT_COLUMNS} FROM events e WHERE ${spanned.where.join(' AND ')} AND ${between} ORDER BY e.seq ${direction} ${limitClause(query.limit)}`;
  // Neither walk's plan depends on the range: it only filters what the walk reads.
  const prepared = valueFreeFilters(query.filters);
  const plans: SqlStatement[] = [
    { text: first, values: walk.values, prepared },
    { text: fromSpan, values: spanned.values, prepared },
  ];
  if (selective) return plans;

  const exact = new Builder();
  addFilters(exact, query.tenantId, query.filters);
  seqAfter(exact, query);
  const tenant = exact.param(query.tenantId);
  const picked = `SELECT e.seq FROM events e WHERE ${exact.where.join(' AND ')} ORDER BY e.seq + 0 ${direction} ${limitClause(query.limit)}`;
  return [
    ...plans,
    {
      text: `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.tenant_id = ${tenant} AND e.seq IN (${picked}) ORDER BY e.seq ${direction}`,
      values: exact.values,
    },
  ];
}

/** Statements to try in order: the first that fills the page, or the last, answers. */
export function buildEventQueryPlans(query: EventQuery): SqlStatement[] {
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const byTime = query.sortBy === 'occurred_at';
  if (query.filters.occurredAt !== undefined && !byTime && query.offset === undefined) {
    return timeRangePlans(query, direction);
  }
  const b = new Builder();
  addFilters(b, query.tenantId, query.filters);
  seqAfter(b, query);
  const orderBy = byTime ? `e.occurred_at ${direction}, e.seq ${direction}` : `e.seq ${direction}`;
  const offset = query.offset === undefined ? '' : ` OFFSET ${b.param(query.offset)}`;
  return [
    {
      text: `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${b.where.join(' AND ')} ORDER BY ${orderBy} ${limitClause(query.limit)}${offset}`,
      values: b.values,
      // A time range decides by its width which index to walk; an offset makes PostgreSQL cost a
      // generic plan as if a tenth of the rows were wanted, as a bound LIMIT does.
      prepared:
        valueFreeFilters(query.filters) &&
        query.filters.occurredAt === undefined &&
        query.filters.receivedAt === undefined &&
        query.offset === undefined,
    },
  ];
}

/** Counts a tenant's events matching the filters (page-numbered surfaces report a total). */
export function buildEventCount(tenantId: string, filters: EventFilters): SqlStatement {
  const b = new Builder();
  addFilters(b, tenantId, filters);
  return { text: `SELECT count(*) AS n FROM events e WHERE ${b.where.join(' AND ')}`, values: b.values };
}
