/** Translates an EventQuery into one SQLite statement (keyset pagination on seq). */
import type { EventFilters, EventQuery, Range } from '../../domain/query.js';
import { minuteConditions, sequenceLimits } from '../event-minutes.js';
import { EVENT_COLUMNS } from './sqlite-rows.js';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

const EQUALITY_COLUMNS = {
  action: 'action',
  category: 'category',
  outcome: 'outcome',
  severity: 'severity',
  actorId: 'actor_id',
  actorType: 'actor_type',
  targetType: 'target_type',
  targetId: 'target_id',
  sessionId: 'session_id',
  requestId: 'request_id',
  ip: 'ip',
  vmId: 'vm_id',
} as const;

const RANGE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function addRange<T>(column: string, range: Range<T> | undefined, where: string[], params: unknown[]): void {
  if (!range) return;
  for (const [key, op] of Object.entries(RANGE_OPERATORS)) {
    const value = range[key as keyof Range<T>];
    if (value === undefined) continue;
    where.push(`e.${column} ${op} ?`);
    params.push(value);
  }
}

/** Escapes LIKE wildcards so a prefix is matched literally. */
function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/** C0 and C1 control characters: separators to the unicode61 tokenizer, like spaces. */
const CONTROL = /\p{Cc}/gu;

/**
 * Full-text terms as an FTS5 query: every word must appear; a trailing `*` keeps prefix search.
 * Each term is quoted, so user input can never inject FTS5 operators (`AND`, `NEAR(`, `-`, `^`,
 * `col:`). Control characters inside a term become spaces: the tokenizer splits there anyway, so
 * no match changes, and a NUL would otherwise end FTS5's query text inside the quotes
 * ("unterminated string"). `a<NUL>b` thus stays one term, the phrase "a b", as on PostgreSQL.
 */
export function toFtsQuery(text: string): string | undefined {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(/"/g, '').replace(CONTROL, ' '))
    .filter((t) => t.replace(/\*$/, '').length > 0)
    .map((t) => (t.endsWith('*') ? `"${t.slice(0, -1)}"*` : `"${t}"`));
  return terms.length > 0 ? terms.join(' ') : undefined;
}

/** The conditions on `events e` for a tenant's filtered events (the full-text term aside). */
function filterConditions(tenantId: string, filters: EventFilters): { where: string[]; params: unknown[] } {
  const where = ['e.tenant_id = ?'];
  const params: unknown[] = [tenantId];
  for (const [key, column] of Object.entries(EQUALITY_COLUMNS)) {
    const value = filters[key as keyof typeof EQUALITY_COLUMNS];
    if (value === undefined) continue;
    where.push(`e.${column} = ?`);
    params.push(value);
  }
  if (filters.actionPrefix !== undefined) {
    where.push(`e.action LIKE ? ESCAPE '\\'`);
    params.push(likePrefix(filters.actionPrefix));
  }
  addRange('occurred_at', filters.occurredAt, where, params);
  addRange('received_at', filters.receivedAt, where, params);
  addRange('seq', filters.sequence, where, params);
  return { where, params };
}

/** Counts a tenant's events matching the filters (page-numbered surfaces report a total). */
export function buildEventCount(tenantId: string, filters: EventFilters): SqlStatement {
  const { where, params } = filterConditions(tenantId, filters);
  const fts = filters.text === undefined ? undefined : toFtsQuery(filters.text);
  if (fts === undefined) {
    return { sql: `SELECT count(*) AS n FROM events e WHERE ${where.join(' AND ')}`, params };
  }
  return {
    sql: `SELECT count(*) AS n FROM events_fts f JOIN events e ON e.pk = f.rowid WHERE events_fts MATCH ? AND ${where.join(' AND ')}`,
    params: [fts, ...params],
  };
}

/** Filters with an index of their own: with one of them SQLite's choice of index is already right. */
const INDEXED_EQUALITIES = ['action', 'actorId', 'targetId', 'sessionId', 'requestId', 'ip', 'vmId'] as const;
/** How many of the newest (or oldest) sequences a probe looks at before the range index takes over. */
const PROBE_ROWS = 2000;

/**
 * Statements to try in order: the first that fills the page, or the last, answers.
 *
 * An occurred_at range is the one filter SQLite's planner gets badly wrong: it walks the sequence
 * index from the newest row expecting matches to be spread evenly, but times cluster, so a window
 * a month back means scanning nearly the whole tenant (a second at 1M events). So: first probe the
 * newest sequences (recent windows, the common case, are answered there: sequences are gapless,
 * so "the newest 2000" is a range of the sequence index, read like any page); else, without an
 * actor, the 2000 sequences below the bound event_minutes gives for the window's minutes; else the
 * 2000 sequences up to the window's exact newest match; else take the page from a covering time index —
 * (tenant_id, occurred_at, seq), or (tenant_id, actor_id, occurred_at, seq) with an actor —
 * sorting only the window's sequence numbers, and read just those rows. Each gives exactly the
 * rows the plain statement would.
 */
export function buildEventQueryPlans(query: EventQuery): SqlStatement[] {
  const { filters } = query;
  const keyset = query.offset === undefined && query.sortBy !== 'occurred_at' && filters.text === undefined;
  const otherIndexed = INDEXED_EQUALITIES.some((k) => k !== 'actorId' && filters[k] !== undefined);
  if (!keyset || !filters.occurredAt || otherIndexed) return [buildEventQuery(query)];
  const { where, params } = filterConditions(query.tenantId, filters);
  const asc = query.order === 'asc';
  if (query.afterSequence !== undefined) {
    where.push(asc ? 'e.seq > ?' : 'e.seq < ?');
    params.push(query.afterSequence);
  }
  const direction = asc ? 'ASC' : 'DESC';
  // The probe's sequence bound: within PROBE_ROWS of the cursor, or of the log's start or head.
  const after = query.afterSequence;
  const probeBound: SqlStatement =
    after !== undefined
      ? { sql: asc ? 'e.seq <= ?' : 'e.seq >= ?', params: [asc ? after + PROBE_ROWS : after - PROBE_ROWS] }
      : asc
        ? { sql: 'e.seq <= ?', params: [PROBE_ROWS] }
        : {
            sql: 'e.seq > (SELECT h.size FROM log_heads h WHERE h.tenant_id = ?) - ?',
            params: [query.tenantId, PROBE_ROWS],
          };
  // Sequence-ordered indexes for the probes: the narrow events_classes carries occurred_at (and the
  // low-cardinality filters), so only matching rows are read; an actor's own index is narrower still.
  const seqIndex = filters.actorId !== undefined ? 'events_actor' : 'events_classes';
  const probe: SqlStatement = {
    sql: `SELECT ${EVENT_COLUMNS} FROM events e INDEXED BY ${seqIndex} WHERE ${[...where, probeBound.sql].join(' AND ')} ORDER BY e.seq ${direction} LIMIT ?`,
    params: [...params, ...probeBound.params, query.limit],
  };
  const timeIndex = filters.actorId !== undefined ? 'events_actor_time' : 'events_occurred';
  // The same walk, anchored where event_minutes bounds the window's newest match (oldest,
  // ascending): a few rows of a small table instead of the window's scan below. All events of the
  // window's minutes count there, so other filters or late arrivals can leave the walk short; the
  // exact anchor then follows. An actor's own time index is already narrow: not needed there.
  const minuteBound = minuteAnchor(query);
  const minuteAnchored: SqlStatement = {
    sql:
      `WITH a AS (${minuteBound.sql}) SELECT ${EVENT_COLUMNS} FROM a CROSS JOIN events e INDEXED BY ${seqIndex} ` +
      `WHERE ${where.join(' AND ')} AND ` +
      (asc ? 'e.seq BETWEEN a.s AND a.s + ?' : 'e.seq BETWEEN a.s - ? AND a.s') +
      ` ORDER BY e.seq ${direction} LIMIT ?`,
    params: [...minuteBound.params, ...params, PROBE_ROWS, query.limit],
  };
  // Every match has a sequence at or before the window's newest match (after its oldest, ascending):
  // if the PROBE_ROWS sequences there hold a page of matches, they are the page. Times follow
  // arrival closely in real logs, so this usually answers; finding the anchor costs one scan of
  // the window in its index, without the sort. CROSS JOIN keeps the anchor the outer loop, so the
  // sequence index is searched between two known bounds.
  const anchored: SqlStatement = {
    sql:
      `WITH a AS (SELECT ${asc ? 'min' : 'max'}(e.seq) AS s FROM events e INDEXED BY ${timeIndex} WHERE ${where.join(' AND ')}) ` +
      `SELECT ${EVENT_COLUMNS} FROM a CROSS JOIN events e INDEXED BY ${seqIndex} WHERE ${where.join(' AND ')} AND ` +
      (asc ? 'e.seq BETWEEN a.s AND a.s + ?' : 'e.seq BETWEEN a.s - ? AND a.s') +
      ` ORDER BY e.seq ${direction} LIMIT ?`,
    params: [...params, ...params, PROBE_ROWS, query.limit],
  };
  const rangeIndex: SqlStatement = {
    sql:
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.pk IN (SELECT e.pk FROM events e INDEXED BY ${timeIndex} ` +
      `WHERE ${where.join(' AND ')} ORDER BY e.seq ${direction} LIMIT ?) ORDER BY e.seq ${direction}`,
    params: [...params, query.limit],
  };
  return filters.actorId !== undefined ? [probe, anchored, rangeIndex] : [probe, minuteAnchored, anchored, rangeIndex];
}

/**
 * `SELECT … AS s`: a sequence at or above every match's (descending; at or below, ascending) from
 * the minutes the occurred_at range spans (storage/event-minutes.ts), narrowed by the cursor and a
 * sequence range. NULL when no event falls in those minutes.
 */
function minuteAnchor(query: EventQuery): SqlStatement {
  const asc = query.order === 'asc';
  const where = ['m.tenant_id = ?'];
  const params: unknown[] = [query.tenantId];
  for (const [op, minute] of minuteConditions(query.filters.occurredAt ?? {})) {
    where.push(`m.minute ${op} ?`);
    params.push(minute);
  }
  const limits = sequenceLimits(query);
  const bucket = asc ? 'min(m.min_seq)' : 'max(m.max_seq)';
  // SQLite's min/max of several arguments is a scalar, NULL if any argument is.
  const bound = limits.length === 0 ? bucket : `${asc ? 'max' : 'min'}(${bucket}, ${limits.map(() => '?').join(', ')})`;
  return {
    sql: `SELECT ${bound} AS s FROM event_minutes m WHERE ${where.join(' AND ')}`,
    params: [...limits, ...params],
  };
}

export function buildEventQuery(query: EventQuery): SqlStatement {
  const { filters } = query;
  const { where, params } = filterConditions(query.tenantId, filters);
  if (query.afterSequence !== undefined) {
    where.push(query.order === 'asc' ? 'e.seq > ?' : 'e.seq < ?');
    params.push(query.afterSequence);
  }
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const fts = filters.text === undefined ? undefined : toFtsQuery(filters.text);
  // Offset pages (drf) and occurred_at order: one plain statement; keyset pages keep the paths below.
  if (query.offset !== undefined || query.sortBy === 'occurred_at') {
    const from = fts === undefined ? 'events e' : 'events_fts f JOIN events e ON e.pk = f.rowid';
    const conditions = fts === undefined ? where : ['events_fts MATCH ?', ...where];
    const orderBy =
      query.sortBy === 'occurred_at' ? `e.occurred_at ${direction}, e.seq ${direction}` : `e.seq ${direction}`;
    return {
      sql: `SELECT ${EVENT_COLUMNS} FROM ${from} WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
      params: [...(fts === undefined ? [] : [fts]), ...params, query.limit, query.offset ?? 0],
    };
  }
  if (fts === undefined) {
    return {
      sql: `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.seq ${direction} LIMIT ?`,
      params: [...params, query.limit],
    };
  }
  // Walk the full-text index in rowid order: within a tenant pk grows with seq, so FTS5 can stop
  // after `limit` matches instead of collecting them all and sorting.
  return {
    sql:
      `SELECT ${EVENT_COLUMNS} FROM events_fts f JOIN events e ON e.pk = f.rowid ` +
      `WHERE events_fts MATCH ? AND ${where.join(' AND ')} ORDER BY f.rowid ${direction} LIMIT ?`,
    params: [fts, ...params, query.limit],
  };
}
