/** Translates an EventQuery into one SQLite statement (keyset pagination on seq). */
import type { EventQuery, Range } from '../../domain/query.js';
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

/**
 * Full-text terms as an FTS5 query: every word must appear; a trailing `*` keeps prefix search.
 * Each term is quoted, so user input can never inject FTS5 operators.
 */
export function toFtsQuery(text: string): string | undefined {
  const terms = text
    .split(/\s+/)
    .map((t) => t.replace(/"/g, ''))
    .filter((t) => t.replace(/\*$/, '').length > 0)
    .map((t) => (t.endsWith('*') ? `"${t.slice(0, -1)}"*` : `"${t}"`));
  return terms.length > 0 ? terms.join(' ') : undefined;
}

export function buildEventQuery(query: EventQuery): SqlStatement {
  const { filters } = query;
  const where = ['e.tenant_id = ?'];
  const params: unknown[] = [query.tenantId];
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
  if (query.afterSequence !== undefined) {
    where.push(query.order === 'asc' ? 'e.seq > ?' : 'e.seq < ?');
    params.push(query.afterSequence);
  }
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const fts = filters.text === undefined ? undefined : toFtsQuery(filters.text);
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
