/** Tenants and API keys: /v1/tenants and /v1/keys. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppServices } from '../app.js';
import { principalOf } from '../auth.js';
import { toKeyResponse, toTenantResponse } from './admin.mapper.js';
import {
  ApiKeySchema,
  CreatedApiKeySchema,
  CreateKeySchema,
  CreateTenantSchema,
  KeyParamsSchema,
  ListKeysQuerySchema,
  TenantParamsSchema,
  TenantSchema,
} from './admin.schemas.js';

export function adminRoutes({ admin }: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/v1/tenants',
      {
        schema: {
          summary: 'Create a tenant',
          tags: ['tenants'],
          body: CreateTenantSchema,
          response: { 201: TenantSchema },
        },
      },
      async (request, reply) => {
        const { id, name, parent_id } = request.body;
        const tenant = await admin.createTenant(principalOf(request), { id, name, parentId: parent_id ?? null });
        return reply.status(201).send(toTenantResponse(tenant));
      },
    );

    app.get(
      '/v1/tenants',
      {
        schema: {
          summary: 'List tenants',
          tags: ['tenants'],
          response: { 200: Type.Object({ data: Type.Array(TenantSchema) }) },
        },
      },
      async (request) => ({ data: (await admin.listTenants(principalOf(request))).map(toTenantResponse) }),
    );

    app.get(
      '/v1/tenants/:id',
      {
        schema: {
          summary: 'Get a tenant',
          tags: ['tenants'],
          params: TenantParamsSchema,
          response: { 200: TenantSchema },
        },
      },
      async (request) => toTenantResponse(await admin.getTenant(principalOf(request), request.params.id)),
    );

    app.post(
      '/v1/keys',
      {
        schema: {
          summary: 'Create an API key',
          tags: ['keys'],
          body: CreateKeySchema,
          response: { 201: CreatedApiKeySchema },
        },
      },
      async (request, reply) => {
        const { tenant_id, scopes, name } = request.body;
        const { record, key } = await admin.createKey(principalOf(request), {
          tenantId: tenant_id ?? null,
          scopes,
          ...(name === undefined ? {} : { name }),
        });
        return reply.status(201).send({ ...toKeyResponse(record), key });
      },
    );

    app.get(
      '/v1/keys',
      {
        schema: {
          summary: 'List API keys (never the keys themselves)',
          tags: ['keys'],
          querystring: ListKeysQuerySchema,
          response: { 200: Type.Object({ data: Type.Array(ApiKeySchema) }) },
        },
      },
      async (request) => ({
        data: (await admin.listKeys(principalOf(request), request.query.tenant_id)).map(toKeyResponse),
      }),
    );

    app.delete(
      '/v1/keys/:id',
      {
        schema: {
          summary: 'Revoke an API key',
          tags: ['keys'],
          params: KeyParamsSchema,
          response: { 200: ApiKeySchema },
        },
      },
      async (request) => toKeyResponse(await admin.revokeKey(principalOf(request), request.params.id)),
    );
  };
}
