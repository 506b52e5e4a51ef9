/**
 * Seed 002 (events-list): `GET /v1/audit/events`, OAuth2 bearer token or `X-API-Key` (both carry
 * a Trailkeep API key), newest first, keyset cursor pagination.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app.js';
import { principalOf, requestedTenant, requireApiKey } from '../../auth.js';
import { compatValidatorCompiler } from '../shared/compat-validation.js';
import { apiKeyHeader, bearerToken, firstCredential } from '../../credentials.js';
import { useFastApiErrors } from '../shared/fastapi-errors.js';
import { toEventsListFilters, toEventsListItem } from './events-list.mapper.js';
import { EventsListQuerySchema } from './events-list.schemas.js';

/**
 * The page's two credentials: OAuth2PasswordBearer (`Authorization: Bearer`) and `X-API-Key`. An
 * Authorization header of another scheme (a gateway's `Basic …`) is no bearer token, so X-API-Key
 * is still read; a bearer token that is present but wrong is a 401 even beside a good X-API-Key.
 */
const eventsListCredential = firstCredential(bearerToken, apiKeyHeader);

export function eventsListRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    scope.setValidatorCompiler(compatValidatorCompiler());
    useFastApiErrors(scope, { location: 'query', credential: eventsListCredential });
    scope.addHook('onRequest', requireApiKey(services.auth, eventsListCredential));
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/v1/audit/events',
      {
        schema: {
          summary: 'List audit events (events-list-compatible)',
          description: 'Seed 002. Newest first; pass next_cursor as cursor for the next page.',
          tags: ['compat: events-list'],
          querystring: EventsListQuerySchema,
        },
      },
      async (request) => {
        const tenant = await services.access.tenantForEvents(
          principalOf(request),
          requestedTenant(request),
          'events:read',
        );
        const { cursor, limit } = request.query;
        const filters = toEventsListFilters(request.query);
        if (filters === null) return { items: [], next_cursor: null };
        const page = await services.query.list({
          tenantId: tenant.id,
          filters,
          order: 'desc',
          limit: limit ?? 50,
          ...(cursor === undefined ? {} : { cursor }),
        });
        return { items: page.events.map(toEventsListItem), next_cursor: page.nextCursor };
      },
    );
  };
}
