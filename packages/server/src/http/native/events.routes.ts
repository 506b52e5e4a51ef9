/** Native event API: ingest (single, batch; sync or async) and query. */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isTrailkeepError, TrailkeepError } from '../../domain/errors.js';
import type { AppendResult } from '../../domain/log-append.js';
import { toAuditEvent } from '../../domain/event-reader.js';
import type { EventDraft } from '../../domain/sealing.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { compileBodyValidator, errorDetail, errorField } from '../validation.js';
import { HTTP_STATUS, toProblem } from '../problem.js';
import { toEventDraft, toEventFilters, toNativeEvent } from './event.mapper.js';
import { toInclusionJson } from './log.mapper.js';
import { IngestQuerySchema } from './log.schemas.js';
import {
  BatchInputSchema,
  EventIdParamsSchema,
  EventInputSchema,
  ListQuerySchema,
  SyncQuerySchema,
  TenantQuerySchema,
  type EventInput,
} from './events.schemas.js';

const validateItem = compileBodyValidator<EventInput>(EventInputSchema);

/** How long POST /v1/events?proof=true waits for a checkpoint covering the event. */
const PROOF_WAIT_MS = 10_000;

/** Sync when the fact0 header or query flag says so (seed 004). */
function wantsSync(headerValue: unknown, query: { sync?: string }): boolean {
  return headerValue === 'true' || query.sync === 'true';
}

function throwIfConflict(result: AppendResult): asserts result is Exclude<AppendResult, { kind: 'conflict' }> {
  if (result.kind === 'conflict') {
    throw new TrailkeepError('TK_ERR_IDEMPOTENCY_CONFLICT', `event ${result.id} exists with a different body`, {
      field: 'id',
    });
  }
}

/** Prefixes an item's error field with its place in the batch (`events.3.metadata`). */
function itemError(error: TrailkeepError, index: number): TrailkeepError {
  const field = error.field === undefined ? `events.${index}` : `events.${index}.${error.field}`;
  return new TrailkeepError(error.code, error.message, { field });
}

/**
 * Validates one batch item on its own, so one bad item does not sink the others. Bad input is
 * always a TrailkeepError; anything else is a bug, logged, and still only fails its own item, so
 * the valid items of the batch are stored all the same.
 */
function draftOrError(item: unknown, index: number, now: Date, log: FastifyBaseLogger): EventDraft | TrailkeepError {
  if (!validateItem(item)) {
    const first = validateItem.errors![0]!;
    const field = errorField(first, `events.${index}`);
    return new TrailkeepError('TK_ERR_VALIDATION', errorDetail(first, field), field === undefined ? {} : { field });
  }
  try {
    return toEventDraft(item, now);
  } catch (error) {
    if (isTrailkeepError(error)) return itemError(error, index);
    log.error({ err: error, item: index }, 'unhandled error in a batch item');
    return itemError(
      new TrailkeepError('TK_ERR_INTERNAL', 'internal error; see the server log for this request id'),
      index,
    );
  }
}

export function eventsRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { access, ingest, query } = services;

    app.post(
      '/v1/events',
      {
        schema: {
          summary: 'Ingest one event',
          description:
            'Async by default (202 once durable); sync with X-Fact0-Sync: true or ?sync=true (201 with the committed event).',
          tags: ['events'],
          body: EventInputSchema,
          querystring: IngestQuerySchema,
        },
      },
      async (request, reply) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:write');
        const draft = toEventDraft(request.body, new Date());
        const [result] = await ingest.ingest(tenant.id, [draft]);
        throwIfConflict(result!);
        const withProof = request.query.proof === 'true';
        if (!withProof && !wantsSync(request.headers['x-fact0-sync'], request.query)) {
          return reply.status(202).send({ id: result.event.id, status: 'accepted' });
        }
        const event = toNativeEvent(toAuditEvent(result.event));
        if (withProof) {
          const proof = await services.log.inclusionWhenIntegrated(tenant, result.event.sequence, PROOF_WAIT_MS);
          event.proof = toInclusionJson(proof);
        }
        return reply.status(result.kind === 'created' ? 201 : 200).send(event);
      },
    );

    app.post(
      '/v1/events/batch',
      {
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          summary: 'Ingest 1..1000 events',
          description:
            'Answers one result per item, in order: the committed event, or that item’s problem. Valid items are stored even when others are invalid.',
          tags: ['events'],
          body: BatchInputSchema,
          querystring: SyncQuerySchema,
        },
      },
      async (request, reply) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:write');
        const now = new Date();
        const prepared = request.body.events.map((item, i) => draftOrError(item, i, now, request.log));
        const drafts = prepared.filter((p): p is EventDraft => !(p instanceof TrailkeepError));
        const appended = drafts.length > 0 ? await ingest.ingest(tenant.id, drafts) : [];
        let next = 0;
        const requestId = String(request.id);
        const results = prepared.map((p) => {
          if (p instanceof TrailkeepError) return { status: HTTP_STATUS[p.code], error: toProblem(p, requestId) };
          const r = appended[next++]!;
          // From the stored event, not the draft: ingest added the sealed enrichment.
          if (r.kind === 'created') return { status: 201, event: toNativeEvent(toAuditEvent(r.event)) };
          if (r.kind === 'conflict') {
            const e = new TrailkeepError('TK_ERR_IDEMPOTENCY_CONFLICT', `event ${r.id} exists with a different body`, {
              field: 'id',
            });
            return { status: 409, error: toProblem(e, requestId) };
          }
          return { status: 200, event: toNativeEvent(toAuditEvent(r.event)) };
        });
        const accepted = results.filter((r) => r.status < 300).length;
        return reply.status(200).send({ accepted, rejected: results.length - accepted, results });
      },
    );

    app.get(
      '/v1/events',
      { schema: { summary: 'List events', tags: ['events'], querystring: ListQuerySchema } },
      async (request) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');
        const { limit, order, cursor } = request.query;
        const page = await query.list({
          tenantId: tenant.id,
          filters: toEventFilters(request.query),
          order,
          limit,
          ...(cursor === undefined ? {} : { cursor }),
        });
        return { data: page.events.map(toNativeEvent), next_cursor: page.nextCursor };
      },
    );

    app.get(
      '/v1/events/:id',
      {
        schema: {
          summary: 'Get one event',
          tags: ['events'],
          params: EventIdParamsSchema,
          querystring: TenantQuerySchema,
        },
      },
      async (request) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');
        return toNativeEvent(await query.get(tenant.id, request.params.id));
      },
    );
  };
}
