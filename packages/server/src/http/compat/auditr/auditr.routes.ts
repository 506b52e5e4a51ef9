/** Seed 000 (auditr): `POST /api/events`, `Authorization: Bearer`, org_id names the tenant. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toAuditEvent } from '../../../domain/event-reader.js';
import { tenantForOrgWrite } from '../../../domain/org-access.js';
import type { AppServices } from '../../app.js';
import { principalOf, requireApiKey } from '../../auth.js';
import { compatValidatorCompiler } from '../shared/compat-validation.js';
import { bearerToken } from '../../credentials.js';
import { useAuditrErrors } from './auditr.errors.js';
import { auditrToDraft, toAuditrEvent } from './auditr.mapper.js';
import { AuditrEventInputSchema } from './auditr.schemas.js';

export function auditrRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    scope.setValidatorCompiler(compatValidatorCompiler());
    useAuditrErrors(scope);
    scope.addHook('onRequest', requireApiKey(services.auth, bearerToken));
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/events',
      {
        schema: {
          summary: 'Create an event (auditr-compatible)',
          description:
            'Seed 000. org_id is the key’s tenant or a tenant below it. Answers 200 with the committed event, enriched.',
          tags: ['compat: auditr'],
          body: AuditrEventInputSchema,
        },
      },
      async (request) => {
        const tenant = await tenantForOrgWrite(services.access, principalOf(request), request.body.org_id);
        const [result] = await services.ingest.ingest(tenant.id, [
          auditrToDraft(request.body, request.headers['user-agent']),
        ]);
        // Server ids are fresh UUIDv7s, so an auditr event is always new: never a duplicate or conflict.
        if (result?.kind !== 'created') throw new Error(`unexpected append result ${result?.kind ?? 'none'}`);
        return toAuditrEvent(toAuditEvent(result.event), tenant);
      },
    );
  };
}
