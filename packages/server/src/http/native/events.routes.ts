/** Native event API: ingest of one event (sync or async) and queries; batches are batch.routes.ts. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TrailkeepError } from '../../domain/errors.js';
import type { AppendResult } from '../../domain/log-append.js';
import { toAuditEvent } from '../../domain/event-reader.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { toEventDraft, toEventFilters, toNativeEvent } from './event.mapper.js';
import { toInclusionJson } from './log.mapper.js';
import { IngestQuerySchema } from './log.schemas.js';
import { JSON_TYPE, storedEventJson } from './native-event-json.js';
import { EventIdParamsSchema, EventInputSchema, ListQuerySchema, TenantQuerySchema } from './events.schemas.js';

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

    app.get(
      '/v1/events',
      { schema: { summary: 'List events', tags: ['events'], querystring: ListQuerySchema } },
      async (request, reply) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');
        const { limit, order, cursor } = request.query;
        const page = await query.listStored({
          tenantId: tenant.id,
          filters: toEventFilters(request.query),
          order,
          limit,
          ...(cursor === undefined ? {} : { cursor }),
        });
        // Written as text from the sealed bodies (native-event-json.ts); a Buffer, as batch answers are.
        const json = `{"data":[${page.events.map(storedEventJson).join(',')}],"next_cursor":${JSON.stringify(page.nextCursor)}}`;
        return reply.type(JSON_TYPE).send(Buffer.from(json));
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
