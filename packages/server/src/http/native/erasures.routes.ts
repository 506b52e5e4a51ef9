/** POST /v1/erasures: erase a data subject's personal values across a tenant (admin scope). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { TrailkeepError } from '../../domain/errors.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { ErasureInputSchema, ErasureResultSchema } from './log.schemas.js';

export function erasuresRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/v1/erasures',
      {
        schema: {
          summary: 'Erase a data subject',
          description:
            'Deletes the clear values and salts of the personal fields (actor email and name, IP address, user agent) of every event whose actor is the subject, and their full-text and ip index entries. Entries, sealed bodies and proofs are unchanged; verification reports the fields as erased. The erasure is recorded in the log.',
          tags: ['log'],
          body: ErasureInputSchema,
          response: { 200: ErasureResultSchema },
        },
      },
      async (request) => {
        const { actor_id: actorId, email } = request.body;
        if ((actorId === undefined) === (email === undefined)) {
          throw new TrailkeepError('TK_ERR_VALIDATION', 'give exactly one of actor_id or email', { field: 'actor_id' });
        }
        const principal = principalOf(request);
        const tenantId = requestedTenant(request) ?? principal.tenantId;
        if (tenantId === null) {
          throw new TrailkeepError('TK_ERR_TENANT_REQUIRED', 'an admin key must name the tenant with X-Tenant-Id', {
            field: 'tenant_id',
          });
        }
        await services.access.assertCanAdminister(principal, tenantId);
        const tenant = await services.access.existingTenant(tenantId);
        const subject = actorId === undefined ? { email: email! } : { actorId };
        const result = await services.erasure.erase(tenant, subject, { type: 'api_key', id: principal.keyId });
        const recorded = result.recorded.kind === 'conflict' ? undefined : result.recorded.event;
        return {
          tenant_id: tenant.id,
          events_erased: result.events,
          fields_erased: result.fields,
          event: { id: recorded?.id ?? '', sequence: recorded?.sequence ?? 0 },
        };
      },
    );
  };
}
