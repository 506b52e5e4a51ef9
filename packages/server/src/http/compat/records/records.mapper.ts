/**
 * Maps seed 001 (records) to and from the canonical event. A record has no actor or IP field:
 * the actor is the authenticated principal (its API key id) and the IP is the caller's.
 * `params` and `metadata` are both kept, side by side, in the canonical metadata
 * (`{"params": {…}, "metadata": {…}}`), so neither can shadow the other.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Application } from '../../../domain/application.js';
import type { AuditEvent, EventBody, EventContext, Target } from '../../../domain/event.js';
import { checkEventBody, EVENT_LIMITS } from '../../../domain/event-rules.js';
import { requestDigest, type EventDraft } from '../../../domain/sealing.js';
import type { Principal } from '../../../domain/tenancy.js';
import { defined } from '../../native/event.mapper.js';
import type { RecordInput } from './records.schemas.js';

/** The actor type of records: the principal is an API key, whoever holds it. */
export const RECORDS_ACTOR_TYPE = 'api_key';

export interface RecordCaller {
  principal: Principal;
  ip: string | undefined;
  userAgent: string | undefined;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export function recordToDraft(input: RecordInput, app: Application, caller: RecordCaller, now: Date): EventDraft {
  const target = defined<Target>({ type: orUndefined(input.entity_type), id: orUndefined(input.entity_id) });
  const context = defined<EventContext>({
    ip: caller.ip,
    user_agent: caller.userAgent?.slice(0, EVENT_LIMITS.textLength),
  });
  const metadata = defined<Record<string, unknown>>({ params: input.params, metadata: input.metadata });
  const body = defined<EventBody>({
    id: uuidv7(),
    occurred_at: now.toISOString(),
    action: input.event_type,
    category: input.category ?? 'general',
    outcome: 'unknown',
    severity: input.severity ?? 'low',
    summary: input.summary,
    actor: { type: RECORDS_ACTOR_TYPE, id: caller.principal.keyId },
    target: Object.keys(target).length > 0 ? target : undefined,
    context: Object.keys(context).length > 0 ? context : undefined,
    application: { id: app.id, key: app.key },
    metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
  });
  return { body: checkEventBody(body), requestDigest: requestDigest(input), clientId: false };
}

export function toApplicationResponse(app: Application) {
  return {
    id: app.id,
    key: app.key,
    name: app.name,
    created_at: app.createdAt,
    updated_at: app.updatedAt,
    description: app.description,
    accent_color: app.accentColor,
    param_count: app.paramCount,
  };
}

const objectAt = (metadata: Record<string, unknown> | undefined, key: string): Record<string, unknown> => {
  const value = metadata?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

/** The committed event as the records page answers it, with its application embedded. */
export function toRecordResponse(event: AuditEvent, app: Application) {
  return {
    id: event.id,
    event_type: event.action,
    category: event.category ?? 'general',
    summary: event.summary ?? '',
    created_at: event.received_at,
    actor: event.actor.id ?? null,
    application_id: app.id,
    application_key: app.key,
    application: toApplicationResponse(app),
    entity_type: event.target?.type ?? null,
    entity_id: event.target?.id ?? null,
    severity: event.severity ?? 'low',
    params: objectAt(event.metadata, 'params'),
    metadata: objectAt(event.metadata, 'metadata'),
    ip_address: event.context?.ip ?? null,
  };
}
