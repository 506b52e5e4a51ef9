/** Maps the native (fact0-compatible) request and response shapes to and from the canonical event. */
import { isIP } from 'node:net';
import { v7 as uuidv7 } from 'uuid';
import type { AuditEvent, EventBody } from '../../domain/event.js';
import { checkEventBody } from '../../domain/event-rules.js';
import { TrailkeepError } from '../../domain/errors.js';
import type { EventFilters, Range } from '../../domain/query.js';
import { requestDigest, type EventDraft } from '../../domain/sealing.js';
import { normalizeTimestamp } from '../../domain/time.js';
import type { EventInput } from './events.schemas.js';

type Loose<T> = { [K in keyof T]: T[K] | undefined };

/** Copies only the keys whose value is defined: sealed JSON never carries `undefined`. */
export function defined<T extends object>(value: Loose<T>): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

export function toEventDraft(input: EventInput, now: Date): EventDraft {
  const { actor } = input;
  if (actor.id === undefined && actor.email === undefined && actor.name === undefined) {
    throw new TrailkeepError('TK_ERR_VALIDATION', 'actor needs at least one of id, email or name', { field: 'actor' });
  }
  if (input.context?.ip !== undefined && isIP(input.context.ip) === 0) {
    throw new TrailkeepError('TK_ERR_VALIDATION', 'context.ip must be an IPv4 or IPv6 address', {
      field: 'context.ip',
    });
  }
  // Members in JCS order (as in every object Trailkeep builds for a body): sealing then copies
  // only the client's own objects into canonical order, not these.
  const body = defined<EventBody>({
    action: input.action,
    actor: defined({ email: actor.email, id: actor.id, name: actor.name, type: actor.type ?? 'user' }),
    category: input.category,
    context: input.context,
    error_message: input.error_message,
    id: input.id ?? uuidv7(),
    metadata: input.metadata as Record<string, unknown> | undefined,
    occurred_at: input.timestamp ?? now.toISOString(),
    outcome: input.outcome ?? 'unknown',
    severity: input.severity,
    summary: input.summary,
    target: input.resource,
  });
  return {
    body: checkEventBody(body, { occurredAt: 'timestamp' }),
    requestDigest: requestDigest(input),
    clientId: input.id !== undefined,
  };
}

/**
 * The native event: the canonical fields, plus the fact0 names for the same values
 * (resource, timestamp, sequence_number, created_at, prev_hash, hash) so fact0 clients read it unchanged.
 */
export function toNativeEvent(event: AuditEvent): Record<string, unknown> {
  // The aliases are added to the event itself: every caller passes an event toAuditEvent just made,
  // and copying it cost a page of 50 events more than parsing their bodies.
  const native = event as unknown as Record<string, unknown>;
  const { integrity } = event;
  native.timestamp = event.occurred_at;
  native.sequence_number = event.sequence;
  native.created_at = event.received_at;
  native.prev_hash = integrity.prev_hash;
  native.hash = integrity.hash;
  native.sha256 = integrity.sha256;
  if (event.target !== undefined) native.resource = event.target;
  return native;
}

type RangeQuery = Partial<Record<`${string}_${'gt' | 'gte' | 'lt' | 'lte'}`, unknown>>;
const OPS = ['gt', 'gte', 'lt', 'lte'] as const;

function timeRange(query: RangeQuery, name: string): Range<string> | undefined {
  const range: Range<string> = {};
  for (const op of OPS) {
    const raw = query[`${name}_${op}`];
    if (typeof raw !== 'string') continue;
    const value = normalizeTimestamp(raw);
    if (value === undefined) {
      throw new TrailkeepError('TK_ERR_INVALID_TIMESTAMP', `${name}_${op} must be an RFC 3339 date-time`, {
        field: `${name}_${op}`,
      });
    }
    range[op] = value;
  }
  return Object.keys(range).length > 0 ? range : undefined;
}

function numberRange(query: RangeQuery, name: string): Range<number> | undefined {
  const range: Range<number> = {};
  for (const op of OPS) {
    const raw = query[`${name}_${op}`];
    if (typeof raw === 'number') range[op] = raw;
  }
  return Object.keys(range).length > 0 ? range : undefined;
}

export interface ListQuery extends RangeQuery {
  action?: string;
  category?: string;
  outcome?: EventFilters['outcome'];
  severity?: EventFilters['severity'];
  actor_id?: string;
  actor_type?: string;
  target_type?: string;
  target_id?: string;
  session_id?: string;
  request_id?: string;
  ip?: string;
  q?: string;
}

export function toEventFilters(query: ListQuery): EventFilters {
  const prefix = query.action?.endsWith('*') ? query.action.slice(0, -1) : undefined;
  return defined<EventFilters>({
    action: prefix === undefined ? query.action : undefined,
    actionPrefix: prefix,
    category: query.category,
    outcome: query.outcome,
    severity: query.severity,
    actorId: query.actor_id,
    actorType: query.actor_type,
    targetType: query.target_type,
    targetId: query.target_id,
    sessionId: query.session_id,
    requestId: query.request_id,
    ip: query.ip,
    occurredAt: timeRange(query, 'occurred_at'),
    receivedAt: timeRange(query, 'received_at'),
    sequence: numberRange(query, 'sequence'),
    text: query.q,
  });
}
