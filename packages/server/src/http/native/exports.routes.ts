/** GET /v1/exports: the tenant's evidence bundle, streamed as JSON Lines (docs/VERIFYING.md). */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { ExportQuerySchema } from './log.schemas.js';

/** Media type of the bundle: JSON Lines. */
export const EVIDENCE_MEDIA_TYPE = 'application/jsonl';

/** Lines with their newlines, grouped so the stream does not write one chunk per event. */
async function* chunks(lines: AsyncGenerator<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const line of lines) {
    buffer += `${line}\n`;
    if (buffer.length >= 64 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}

export function exportsRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/v1/exports',
      {
        schema: {
          summary: 'Export the log as an evidence bundle for offline verification',
          description:
            'JSON Lines: a header with the signed checkpoint, one line per event (entry, sealed body, surviving disclosures), a trailer. Verify with `trailkeep verify`. The export is recorded in the log.',
          tags: ['log'],
          querystring: ExportQuerySchema,
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const tenant = await services.access.tenantForEvents(principal, requestedTenant(request), 'events:read');
        const { from_sequence: fromSequence } = request.query;
        const bundle = await services.exports.open({
          tenant,
          actor: { type: 'api_key', id: principal.keyId },
          ...(fromSequence === undefined ? {} : { fromSequence }),
        });
        const name = `${tenant.id}-${bundle.header.tree_size}.evidence.jsonl`;
        return reply
          .type(EVIDENCE_MEDIA_TYPE)
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Readable.from(chunks(bundle.lines())));
      },
    );
  };
}
