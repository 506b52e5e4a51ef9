/** Maps seed 002 (events-list) filters to canonical ones, and canonical events to its items. */
import { OUTCOMES, type AuditEvent, type Outcome } from '../../../domain/event.js';
import type { EventFilters } from '../../../domain/query.js';
import { defined } from '../../native/event.mapper.js';
import { integerId } from '../shared/integer-id.js';
import type { EventsListQuery } from './events-list.schemas.js';

/**
 * The canonical filters, or null when no event can match: a status that is no outcome, or a
 * user_id beyond the safe integers (items show user_id only for those, so no item has it).
 */
export function toEventsListFilters(query: EventsListQuery): EventFilters | null {
  if (query.status !== undefined && !(OUTCOMES as readonly string[]).includes(query.status)) return null;
  if (query.user_id !== undefined && !Number.isSafeInteger(query.user_id)) return null;
  return defined<EventFilters>({
    category: query.event_group,
    action: query.event_type,
    outcome: query.status as Outcome | undefined,
    // user_id is a user's id: machines with numeric ids are not users.
    actorId: query.user_id === undefined ? undefined : String(query.user_id),
    actorType: query.user_id === undefined ? undefined : 'user',
    vmId: query.vm_id,
    sessionId: query.session_id,
  });
}

/** Where the page names a source and Trailkeep has none recorded. */
export const DEFAULT_SOURCE = 'api';

/** Every documented item field; null where the canonical event has no value. */
export function toEventsListItem(event: AuditEvent) {
  const context = event.context;
  const http = context?.http;
  return {
    id: event.id,
    created_at: event.received_at,
    user_id: event.actor.type === 'user' ? integerId(event.actor.id) : null,
    actor_type: event.actor.type,
    actor_id: event.actor.id ?? null,
    source: context?.source ?? DEFAULT_SOURCE,
    event_group: event.category ?? '',
    event_type: event.action,
    status: event.outcome,
    resource_type: event.target?.type ?? null,
    resource_id: event.target?.id ?? null,
    session_id: context?.session_id ?? null,
    vm_id: context?.vm_id ?? null,
    task_id: context?.task_id ?? null,
    request_id: context?.request_id ?? null,
    correlation_id: context?.correlation_id ?? null,
    http_method: http?.method ?? null,
    path: http?.path ?? null,
    http_status: http?.status ?? null,
    latency_ms: http?.latency_ms ?? null,
    ip_address: context?.ip ?? null,
    user_agent: context?.user_agent ?? null,
    node_ip: context?.node_ip ?? null,
    worker_id: context?.worker_id ?? null,
    event_payload: event.metadata ?? null,
    error_message: event.error_message ?? null,
  };
}
