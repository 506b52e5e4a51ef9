/** Maps seed 003 (drf) filters to canonical ones, and canonical events to its results. */
import type { AuditEvent } from '../../../domain/event.js';
import { TrailkeepError } from '../../../domain/errors.js';
import type { EventFilters, Range } from '../../../domain/query.js';
import { normalizeTimestamp } from '../../../domain/time.js';
import { defined } from '../../native/event.mapper.js';
import { integerId } from '../shared/integer-id.js';
import { DRF_MAX_INTEGER, type DrfListQuery } from './drf.schemas.js';

/**
 * Django's datetime parsing, as django-filter applies it: a date, or a date and time separated
 * by `T` or a space, with or without seconds, fraction and offset (none: UTC, Django's default
 * TIME_ZONE). A `+` decoded to a space by the query string is put back.
 */
export function parseDjangoDateTime(text: string): string | undefined {
  let value = text.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) value += 'T00:00:00';
  value = value.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
  if (/T\d{2}:\d{2}(?=$|[Zz+-])/.test(value)) value = value.replace(/T(\d{2}:\d{2})/, 'T$1:00');
  if (!/([Zz]|[+-]\d{2}:?\d{2})$/.test(value)) value += 'Z';
  value = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return normalizeTimestamp(value);
}

const RANGE_PARAMS = [
  ['timestamp__gt', 'gt'],
  ['timestamp__gte', 'gte'],
  ['timestamp__lt', 'lt'],
  ['timestamp__lte', 'lte'],
] as const;

function timestampRange(query: DrfListQuery): Range<string> | undefined {
  const range: Range<string> = {};
  const at = (name: keyof DrfListQuery, raw: string): string => {
    const value = parseDjangoDateTime(raw);
    if (value === undefined)
      throw new TrailkeepError('TK_ERR_INVALID_TIMESTAMP', 'Enter a valid date/time.', { field: name });
    return value;
  };
  if (query.timestamp !== undefined) range.gte = range.lte = at('timestamp', query.timestamp);
  for (const [name, op] of RANGE_PARAMS) {
    const raw = query[name];
    if (raw !== undefined) range[op] = at(name, raw);
  }
  return Object.keys(range).length > 0 ? range : undefined;
}

export interface DrfOrder {
  sortBy: 'sequence' | 'occurred_at';
  order: 'asc' | 'desc';
}

const SORTS: Record<string, DrfOrder> = {
  timestamp: { sortBy: 'occurred_at', order: 'asc' },
  '-timestamp': { sortBy: 'occurred_at', order: 'desc' },
};

/** Default: newest received first (the log's order, served from its index). */
export function toDrfOrder(sort: string | undefined): DrfOrder {
  if (sort === undefined || sort === '') return { sortBy: 'sequence', order: 'desc' };
  const chosen = SORTS[sort];
  if (!chosen) {
    throw new TrailkeepError('TK_ERR_VALIDATION', `Invalid sort field "${sort}": use timestamp or -timestamp.`, {
      field: 'sort',
    });
  }
  return chosen;
}

/**
 * Canonical filters; `targetType` is the type numbered content_type (null: a number no type has).
 * Null when nothing can match: also for a user or object_id that no result could show (results
 * show `user` only for safe integers and `object_id` only in 0..2147483647).
 */
export function toDrfFilters(query: DrfListQuery, targetType: string | null | undefined): EventFilters | null {
  const occurredAt = timestampRange(query); // validated even when nothing can match
  if (targetType === null) return null;
  if (query.user !== undefined && !Number.isSafeInteger(query.user)) return null;
  if (query.object_id !== undefined && query.object_id < 0) return null;
  return defined<EventFilters>({
    targetType,
    targetId: query.object_id === undefined ? undefined : String(query.object_id),
    actorId: query.user === undefined ? undefined : String(query.user),
    actorType: query.user === undefined ? undefined : 'user',
    occurredAt,
  });
}

const objectId = (id: string | undefined): number | null => {
  const n = integerId(id);
  return n !== null && n >= 0 && n <= DRF_MAX_INTEGER ? n : null;
};

/**
 * An event as a drf result. Integers where the page says integer: content_type is the target
 * type's number, object_id the target id when it is one. `action`, `user`, `user_email` and
 * `user_name` are extensions (the page's description promises user information).
 */
export function toDrfEvent(event: AuditEvent, contentType: number | null) {
  const http = event.context?.http;
  return {
    uuid: event.id,
    timestamp: event.occurred_at,
    content: event.metadata ?? null,
    content_type: contentType,
    headers: http?.headers ?? null,
    object_id: objectId(event.target?.id),
    post_data: http?.body ?? null,
    query_params: http?.query ?? null,
    remote_addr: event.context?.ip ?? null,
    url: http?.url ?? http?.path ?? null,
    action: event.action,
    user: event.actor.type === 'user' ? integerId(event.actor.id) : null,
    user_email: event.actor.email ?? null,
    user_name: event.actor.name ?? null,
  };
}
