/**
 * Seed 001 (records): `POST /api/audit-trail/records`. Credentials: `Authorization: Bearer`,
 * `X-API-Key`, or the `antidote_session` cookie the page names, whose value is a Trailkeep API
 * key (Trailkeep has no login sessions: a browser app sets the cookie to a key it was given).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { toAuditEvent } from '../../../domain/event-reader.js';
import type { AppServices } from '../../app.js';
import { principalOf, requestedTenant, requireApiKey } from '../../auth.js';
import { callerIp } from '../shared/client-ip.js';
import { compatValidatorCompiler } from '../shared/compat-validation.js';
import { apiKeyHeader, bearerToken, cookieValue, firstCredential } from '../../credentials.js';
import { useFastApiErrors } from '../shared/fastapi-errors.js';
import { recordToDraft, toRecordResponse } from './records.mapper.js';
import { RecordInputSchema } from './records.schemas.js';

export const RECORDS_SESSION_COOKIE = 'antidote_session';

/**
 * Looked for in this order. An Authorization header of another scheme (a gateway's `Basic …`) is
 * passed over; a bearer token that is present is used, so a wrong one is a 401 even beside a good
 * X-API-Key or cookie.
 */
const recordsCredential = firstCredential(bearerToken, apiKeyHeader, (request) =>
  cookieValue(request, RECORDS_SESSION_COOKIE),
);

export function recordsRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    scope.setValidatorCompiler(compatValidatorCompiler());
    useFastApiErrors(scope, { location: 'body', credential: recordsCredential });
    scope.addHook('onRequest', requireApiKey(services.auth, recordsCredential));
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/audit-trail/records',
      {
        schema: {
          summary: 'Create a manual audit record (records-compatible)',
          description:
            'Seed 001. Bearer, X-API-Key or the antidote_session cookie (its value is an API key). An unknown application_key registers the application.',
          tags: ['compat: records'],
          body: RecordInputSchema,
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const tenant = await services.access.tenantForEvents(principal, requestedTenant(request), 'events:write');
        const { body } = request;
        // Found without writing; the draft (every check a record must pass) comes before any write.
        const use = await services.applications.forRecord(
          tenant.id,
          { id: body.application_id ?? undefined, key: body.application_key ?? undefined },
          Object.keys(body.params ?? {}),
        );
        const userAgent = request.headers['user-agent'];
        const draft = recordToDraft(body, use.application, { principal, ip: callerIp(request), userAgent }, new Date());
        const [result] = await services.ingest.ingest(tenant.id, [draft]);
        if (result?.kind !== 'created') throw new Error(`unexpected append result ${result?.kind ?? 'none'}`);
        // Only a durably appended record registers its application and counts its params keys.
        let application = use.application;
        try {
          application = await use.register();
        } catch (error) {
          // The record is stored: a 5xx would make the client send it again. The registry catches
          // up with the next record of this application (nothing was cached), under the same id.
          request.log.error({ err: error, application: application.key }, 'record stored, application not registered');
        }
        return toRecordResponse(toAuditEvent(result.event), application);
      },
    );
  };
}
