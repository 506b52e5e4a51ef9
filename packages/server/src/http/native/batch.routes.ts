/**
 * POST /v1/events/batch. Its own scope, because it reads its body differently from every other
 * route: Fastify hands it the text, and the batch preparer parses and checks it where it prepares
 * the items (batch-body.ts: on a worker thread, with Fastify's parser, schema and errors), so the
 * event loop neither parses the items nor copies them to the worker.
 */
import type { FastifyPluginAsync, FastifySchemaCompiler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TrailkeepError } from '../../domain/errors.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { HTTP_STATUS, toProblem } from '../problem.js';
import { validatorCompiler } from '../validation.js';
import { BatchInputSchema, SyncQuerySchema } from './events.schemas.js';
import { committedEventJson, JSON_TYPE, storedEventJson } from './native-event-json.js';

/** The body schema is for the API's description; the batch preparer checks the body against it. */
const bodyCheckedByPreparer: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === 'body' ? () => true : validatorCompiler(route);

export function batchRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const { access, ingest } = services;
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => done(null, text));

    app.post(
      '/v1/events/batch',
      {
        bodyLimit: 16 * 1024 * 1024,
        validatorCompiler: bodyCheckedByPreparer,
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
        // The body first, as when Fastify read it: a malformed batch is a 400 whoever sends it.
        const body = request.body as unknown as string | undefined;
        const prepared = await services.batchPreparer.prepare(body, new Date());
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:write');
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
          return `{"status":200,"event":${storedEventJson(r.event)}}`;
        });
        const json = `{"accepted":${accepted},"rejected":${results.length - accepted},"results":[${results.join(',')}]}`;
        // A Buffer, so Fastify takes its length instead of measuring the string before it is encoded.
        return reply.status(200).type(JSON_TYPE).send(Buffer.from(json));
      },
    );
  };
}
