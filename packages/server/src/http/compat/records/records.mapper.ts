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
import { isTrailkeepError, TrailkeepError } from '../../../domain/errors.js';
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
  return { body: checkRecordBody(body, input), requestDigest: requestDigest(input), clientId: false };
}

const jsonBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/** Levels of objects and arrays in a value (a scalar is 0, `{}` is 1), counted up to `cap`. */
function nesting(value: unknown, cap = 64): number {
  if (typeof value !== 'object' || value === null || cap === 0) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, nesting(child, cap - 1));
  return deepest + 1;
}

/**
 * The canonical checks, with errors naming the field the client sent: the canonical metadata is
 * `{params, metadata}`, so what the canonical rules say about `metadata` (its size, its depth,
 * a value inside it) is about the record's `params` or `metadata`.
 */
function checkRecordBody(body: EventBody, input: RecordInput): EventBody {
  try {
    return checkEventBody(body);
  } catch (error) {
    if (!isTrailkeepError(error) || error.field === undefined) throw error;
    if (error.code === 'TK_ERR_METADATA_TOO_LARGE') {
      // Together they are limited; the larger one is the one to shorten.
      const field = jsonBytes(input.params) >= jsonBytes(input.metadata) ? 'params' : 'metadata';
      throw new TrailkeepError(
        'TK_ERR_METADATA_TOO_LARGE',
        `params and metadata together must be at most ${EVENT_LIMITS.metadataBytes} bytes as JSON`,
        { field },
      );
    }
    let field: string | undefined;
    if (error.field === 'metadata') {
      // A rule about the whole canonical metadata (its nesting): the deeper of the two broke it.
      field = nesting(input.params) >= nesting(input.metadata) ? 'params' : 'metadata';
    } else {
      const inside = /^metadata\.(params|metadata)(\..*)?$/.exec(error.field);
      if (inside) field = `${inside[1]!}${inside[2] ?? ''}`;
    }
    if (field === undefined) throw error;
    throw new TrailkeepError(error.code, error.message.replace(error.field, field), { field });
  }
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
