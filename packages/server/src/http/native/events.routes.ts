/** Native event API: ingest (single, batch; sync or async) and query. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TrailkeepError } from '../../domain/errors.js';
import type { AppendResult } from '../../domain/log-append.js';
import { toAuditEvent } from '../../domain/event-reader.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { HTTP_STATUS, toProblem } from '../problem.js';
import { toEventDraft, toEventFilters, toNativeEvent } from './event.mapper.js';
import { committedEventJson } from './native-event-json.js';
import { toInclusionJson } from './log.mapper.js';
import { IngestQuerySchema } from './log.schemas.js';
import {
  BatchInputSchema,
  EventIdParamsSchema,
  EventInputSchema,
  ListQuerySchema,
  SyncQuerySchema,
  TenantQuerySchema,
} from './events.schemas.js';

/** What Fastify sends JSON answers as. */
const JSON_TYPE = 'application/json; charset=utf-8';

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
        const prepared = await services.batchPreparer.prepare(request.body.events, new Date());
        const sealed = prepared.flatMap((p) => ('sealed' in p ? [p.sealed] : []));
        const appended = sealed.length > 0 ? await ingest.appendSealed(tenant.id, sealed) : [];
        let next = 0;
        let accepted = 0;
        const requestId = String(request.id);
        const problem = (e: TrailkeepError) =>
          `{"status":${HTTP_STATUS[e.code]},"error":${JSON.stringify(toProblem(e, requestId))}}`;
        // Written as text: created items from the text their preparation made (native-event-json.ts).
        const results = prepared.map((p, item) => {
          if ('error' in p) {
            if (p.bug !== undefined) request.log.error({ err: p.bug, item }, 'unhandled error in a batch item');
            return problem(new TrailkeepError(p.error.code, p.error.message, { field: p.error.field }));
          }
          const r = appended[next++]!;
          if (r.kind === 'conflict') {
            return problem(
              new TrailkeepError('TK_ERR_IDEMPOTENCY_CONFLICT', `event ${r.id} exists with a different body`, {
                field: 'id',
              }),
            );
          }
          accepted += 1;
          if (r.kind === 'created') return `{"status":201,"event":${committedEventJson(p.text, r.event)}}`;
          return `{"status":200,"event":${JSON.stringify(toNativeEvent(toAuditEvent(r.event)))}}`;
        });
        const json = `{"accepted":${accepted},"rejected":${results.length - accepted},"results":[${results.join(',')}]}`;
        // A Buffer, so Fastify takes its length instead of measuring the string before it is encoded.
        return reply.status(200).type(JSON_TYPE).send(Buffer.from(json));
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
