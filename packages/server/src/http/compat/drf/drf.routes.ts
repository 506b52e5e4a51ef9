/**
 * Seed 003 (drf): `GET /audit-events/` and `GET /audit-events/{uuid}/`, with
 * `Authorization: Token <key>`, numbered pages and absolute next/previous links.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AuditEvent } from '../../../domain/event.js';
import { TrailkeepError } from '../../../domain/errors.js';
import type { TargetTypeService } from '../../../domain/target-type-service.js';
import type { AppServices } from '../../app.js';
import { principalOf, requestedTenant, requireApiKey } from '../../auth.js';
import { compatValidatorCompiler } from '../shared/compat-validation.js';
import { drfToken } from '../../credentials.js';
import { useDrfErrors } from './drf.errors.js';
import { toDrfEvent, toDrfFilters, toDrfOrder } from './drf.mapper.js';
import { DRF_DEFAULT_LIMIT, DrfEventParamsSchema, DrfListQuerySchema } from './drf.schemas.js';

/** This page's URL with `page` replaced (DRF drops it for page 1), absolute, honouring trusted proxies. */
function pageUrl(request: FastifyRequest, page: number): string {
  const [path, search] = request.url.split('?', 2) as [string, string | undefined];
  const params = new URLSearchParams(search ?? '');
  if (page === 1) params.delete('page');
  else params.set('page', String(page));
  const query = params.toString();
  return `${request.protocol}://${request.host}${path}${query === '' ? '' : `?${query}`}`;
}

async function results(targetTypes: TargetTypeService, tenantId: string, events: AuditEvent[]) {
  const types = events.map((e) => e.target?.type).filter((t): t is string => t !== undefined);
  const numbers = types.length > 0 ? await targetTypes.numbersFor(tenantId, types) : new Map<string, number>();
  return events.map((e) => toDrfEvent(e, e.target?.type === undefined ? null : (numbers.get(e.target.type) ?? null)));
}

export function drfRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    scope.setValidatorCompiler(compatValidatorCompiler({ emptyIsAbsent: true }));
    useDrfErrors(scope);
    scope.addHook('onRequest', requireApiKey(services.auth, drfToken));
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const readableTenant = (request: FastifyRequest) =>
      services.access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');

    app.get(
      '/audit-events/',
      {
        schema: {
          summary: 'List audit events (Django REST-compatible)',
          tags: ['compat: drf'],
          querystring: DrfListQuerySchema,
        },
      },
      async (request) => {
        const tenant = await readableTenant(request);
        const { query } = request;
        const page = query.page ?? 1;
        const limit = query.limit ?? DRF_DEFAULT_LIMIT;
        const order = toDrfOrder(query.sort);
        const targetType =
          query.content_type === undefined
            ? undefined
            : ((await services.targetTypes.typeOf(tenant.id, query.content_type)) ?? null);
        const filters = toDrfFilters(query, targetType);
        if (filters === null && page > 1) throw new TrailkeepError('TK_ERR_INVALID_PAGE', `page ${page} is empty`);
        const found =
          filters === null
            ? { events: [], count: 0 }
            : await services.eventPages.page({ tenantId: tenant.id, filters, ...order, page, limit });
        return {
          count: found.count,
          next: page * limit < found.count ? pageUrl(request, page + 1) : null,
          previous: page > 1 ? pageUrl(request, page - 1) : null,
          results: await results(services.targetTypes, tenant.id, found.events),
        };
      },
    );

    app.get(
      '/audit-events/:uuid/',
      {
        schema: {
          summary: 'Get one audit event (Django REST-compatible)',
          tags: ['compat: drf'],
          params: DrfEventParamsSchema,
        },
      },
      async (request) => {
        const tenant = await readableTenant(request);
        const event = await services.query.get(tenant.id, request.params.uuid);
        const [result] = await results(services.targetTypes, tenant.id, [event]);
        return result;
      },
    );
  };
}
