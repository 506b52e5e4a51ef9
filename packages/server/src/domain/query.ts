/** Event queries: filters, order and keyset cursors, independent of any database. */
import type { Outcome, Severity } from './event.js';
import { TrailkeepError } from './errors.js';

export interface Range<T> {
  gt?: T;
  gte?: T;
  lt?: T;
  lte?: T;
}

export interface EventFilters {
  action?: string;
  /** Matches actions starting with this (from `document.*`). */
  actionPrefix?: string;
  category?: string;
  outcome?: Outcome;
  severity?: Severity;
  actorId?: string;
  actorType?: string;
  targetType?: string;
  targetId?: string;
  sessionId?: string;
  requestId?: string;
  ip?: string;
  /** context.vm_id (events-list surface). */
  vmId?: string;
  occurredAt?: Range<string>;
  receivedAt?: Range<string>;
  sequence?: Range<number>;
  /** Full-text search terms. */
  text?: string;
}

export type SortOrder = 'asc' | 'desc';

export interface EventQuery {
  tenantId: string;
  filters: EventFilters;
  order: SortOrder;
  /** Keyset position: only sequences after this one in `order`. */
  afterSequence?: number;
  limit: number;
  /** Rows to skip, for page-numbered surfaces (drf); keyset cursors are preferred. */
  offset?: number;
  /** What `order` sorts by (default sequence); occurred_at ties break on sequence. */
  sortBy?: 'sequence' | 'occurred_at';
}

interface CursorPayload {
  v: 1;
  s: number;
  o: SortOrder;
}

/**
 * Cursors are keyset positions (a sequence and the order), so pages stay stable while events
 * arrive: new events have higher sequences and never shift an earlier page. A cursor carries no
 * tenant: the query is always bound to the caller's tenant, so a cursor cannot cross tenants.
 */
export function encodeCursor(sequence: number, order: SortOrder): string {
  const payload: CursorPayload = { v: 1, s: sequence, o: order };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The payload of a cursor, or undefined when the text is not one (any JSON may arrive here). */
function parseCursor(cursor: string): CursorPayload | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  // `null`, `1`, `[]` and `{"v":1}` are JSON too: check the shape before reading any member.
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const { v, s, o } = payload as Record<string, unknown>;
  if (v !== 1 || typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) return undefined;
  if (o !== 'asc' && o !== 'desc') return undefined;
  return { v, s, o };
}

export function decodeCursor(cursor: string, order: SortOrder, field = 'cursor'): number {
  const payload = parseCursor(cursor);
  if (payload === undefined) {
    throw new TrailkeepError('TK_ERR_INVALID_CURSOR', 'cursor is not a Trailkeep cursor', { field });
  }
  if (payload.o !== order) {
    throw new TrailkeepError('TK_ERR_INVALID_CURSOR', `cursor was made for order=${payload.o}`, { field });
  }
  return payload.s;
}
