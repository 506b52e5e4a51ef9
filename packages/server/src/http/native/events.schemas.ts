/** JSON schemas of the native event API (a superset of the fact0 page, seed 004). */
import { Type, type Static } from 'typebox';
import { TENANT_ID_PATTERN } from '../../domain/tenancy.js';
import { ACTION_PATTERN, EVENT_LIMITS, ID_PATTERN, WELL_FORMED_PATTERN } from '../../domain/event-rules.js';
import { OUTCOMES, SEVERITIES } from '../../domain/event.js';

// Text that canonical JSON cannot seal (a lone surrogate) is refused here, where the field has its
// native name; fields with a pattern of their own allow only ASCII anyway.
const text = (maxLength: number, options: object = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: WELL_FORMED_PATTERN, ...options });
const optionalText = (maxLength: number, options: object = {}) => Type.Optional(text(maxLength, options));

export const ActorSchema = Type.Object(
  {
    type: optionalText(64, { description: 'user, machine, service… (default user)' }),
    id: optionalText(EVENT_LIMITS.shortText),
    email: optionalText(320),
    name: optionalText(256),
  },
  { additionalProperties: false, description: 'Who acted; at least one of id, email or name.' },
);

export const ResourceSchema = Type.Object(
  { type: optionalText(64), id: optionalText(EVENT_LIMITS.shortText), name: optionalText(256) },
  { additionalProperties: false, description: 'What was acted on (the canonical target).' },
);

const FREE_FORM = `Free-form JSON: at most ${EVENT_LIMITS.freeFormBytes / 1024} KiB and ${EVENT_LIMITS.freeFormDepth} levels deep`;

export const ContextSchema = Type.Object(
  {
    ip: optionalText(64, { description: 'IPv4 or IPv6 address of the client' }),
    user_agent: optionalText(EVENT_LIMITS.textLength),
    session_id: optionalText(EVENT_LIMITS.shortText),
    request_id: optionalText(EVENT_LIMITS.shortText),
    correlation_id: optionalText(EVENT_LIMITS.shortText),
    http: Type.Optional(
      Type.Object(
        {
          method: optionalText(16),
          path: optionalText(EVENT_LIMITS.textLength),
          url: optionalText(EVENT_LIMITS.textLength),
          query: Type.Optional(Type.Unknown({ description: FREE_FORM })),
          status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
          latency_ms: Type.Optional(Type.Number({ minimum: 0 })),
          headers: Type.Optional(Type.Object({}, { additionalProperties: true, description: FREE_FORM })),
          body: Type.Optional(Type.Unknown({ description: FREE_FORM })),
        },
        { additionalProperties: false },
      ),
    ),
    source: optionalText(EVENT_LIMITS.shortText),
    node_ip: optionalText(64),
    worker_id: optionalText(EVENT_LIMITS.shortText),
    vm_id: optionalText(EVENT_LIMITS.shortText),
    task_id: Type.Optional(Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

export const EventInputSchema = Type.Object(
  {
    id: optionalText(EVENT_LIMITS.idLength, {
      pattern: ID_PATTERN,
      description: 'Client id; the idempotency key within the tenant. A UUIDv7 is assigned when absent.',
    }),
    action: text(EVENT_LIMITS.actionLength, {
      pattern: ACTION_PATTERN,
      description: 'Dot notation, e.g. document.delete',
    }),
    timestamp: Type.Optional(Type.String({ maxLength: 64, description: 'RFC 3339 time it happened (default: now)' })),
    outcome: Type.Optional(Type.Enum([...OUTCOMES], { description: 'default unknown' })),
    category: optionalText(EVENT_LIMITS.categoryLength),
    severity: Type.Optional(Type.Enum([...SEVERITIES])),
    summary: optionalText(EVENT_LIMITS.summaryLength),
    actor: ActorSchema,
    resource: Type.Optional(ResourceSchema),
    context: Type.Optional(ContextSchema),
    metadata: Type.Optional(Type.Object({}, { additionalProperties: true, description: FREE_FORM })),
    error_message: optionalText(EVENT_LIMITS.errorMessageLength),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInputSchema>;

export const BatchInputSchema = Type.Object(
  {
    // Items are checked one by one (EventInputSchema), so an item that is not even an object gets
    // its own result instead of failing the batch.
    events: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: EVENT_LIMITS.batchEvents,
      description: 'Each item has the shape of POST /v1/events and is validated on its own.',
    }),
  },
  { additionalProperties: false },
);
export type BatchInput = Static<typeof BatchInputSchema>;

// A tenant id that cannot exist is refused by its pattern before any lookup (PostgreSQL text
// cannot hold the NUL that `tenant_id=%00` carries).
const tenantId = Type.Optional(
  Type.String({ pattern: TENANT_ID_PATTERN, description: 'Tenant to act on (admin keys; or X-Tenant-Id)' }),
);

export const TenantQuerySchema = Type.Object(
  {
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

export const SyncQuerySchema = Type.Object(
  {
    sync: Type.Optional(Type.Enum(['true', 'false'], { description: 'true: answer 201 with the committed event' })),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

const rangeOf = (name: string, schema: () => object) =>
  Object.fromEntries(['gt', 'gte', 'lt', 'lte'].map((op) => [`${name}_${op}`, Type.Optional(schema() as never)]));

export const ListQuerySchema = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 129, description: 'Exact, or a prefix ending in * (document.*)' })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    outcome: Type.Optional(Type.Enum([...OUTCOMES])),
    severity: Type.Optional(Type.Enum([...SEVERITIES])),
    actor_id: Type.Optional(Type.String({ maxLength: 128 })),
    actor_type: Type.Optional(Type.String({ maxLength: 64 })),
    target_type: Type.Optional(Type.String({ maxLength: 64 })),
    target_id: Type.Optional(Type.String({ maxLength: 128 })),
    session_id: Type.Optional(Type.String({ maxLength: 128 })),
    request_id: Type.Optional(Type.String({ maxLength: 128 })),
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    ...rangeOf('occurred_at', () => Type.String({ maxLength: 64 })),
    ...rangeOf('received_at', () => Type.String({ maxLength: 64 })),
    // Sequences are JavaScript numbers (cursors too): beyond 2^53 - 1 they are not exact, and
    // PostgreSQL's bigint would refuse 1e20 outright.
    ...rangeOf('sequence', () => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'Full-text search; every word must match' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    order: Type.Enum(['asc', 'desc'], { default: 'desc' }),
    tenant_id: tenantId,
  },
  { additionalProperties: false },
);

// Every stored id matches ID_PATTERN (client ids are checked, server ids are UUIDs), so anything
// else, such as a NUL that PostgreSQL text cannot even hold, is a bad request rather than a lookup.
export const EventIdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: EVENT_LIMITS.idLength, pattern: ID_PATTERN }),
});
