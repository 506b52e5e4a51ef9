/** The applications registry: /v1/applications (list, get, create or update by key). */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApplicationChanges } from '../../domain/application.js';
import type { AppServices } from '../app.js';
import { principalOf, requestedTenant } from '../auth.js';
import { defined } from './event.mapper.js';
import { toApplicationResponse } from './applications.mapper.js';
import {
  ApplicationChangesSchema,
  ApplicationKeyParamsSchema,
  ApplicationSchema,
  CreateApplicationSchema,
  type ApplicationChangesInput,
} from './applications.schemas.js';

const toChanges = (input: ApplicationChangesInput): ApplicationChanges =>
  defined<ApplicationChanges>({ name: input.name, description: input.description, accentColor: input.accent_color });

export function applicationsRoutes({ access, applications }: AppServices): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['applications'];
    const save = { 200: ApplicationSchema, 201: ApplicationSchema };

    app.get(
      '/v1/applications',
      {
        schema: {
          summary: 'List applications',
          tags,
          response: { 200: Type.Object({ data: Type.Array(ApplicationSchema) }) },
        },
      },
      async (request) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');
        return { data: (await applications.list(tenant.id)).map(toApplicationResponse) };
      },
    );

    app.get(
      '/v1/applications/:key',
      {
        schema: {
          summary: 'Get an application',
          tags,
          params: ApplicationKeyParamsSchema,
          response: { 200: ApplicationSchema },
        },
      },
      async (request) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:read');
        return toApplicationResponse(await applications.get(tenant.id, request.params.key));
      },
    );

    app.put(
      '/v1/applications/:key',
      {
        schema: {
          summary: 'Create or update an application',
          description: 'Fields left out keep their value; 201 when created, 200 when updated.',
          tags,
          params: ApplicationKeyParamsSchema,
          body: ApplicationChangesSchema,
          response: save,
        },
      },
      async (request, reply) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:write');
        const saved = await applications.save(tenant.id, request.params.key, toChanges(request.body));
        return reply.status(saved.created ? 201 : 200).send(toApplicationResponse(saved.application));
      },
    );

    app.post(
      '/v1/applications',
      {
        schema: {
          summary: 'Create or update an application, the key in the body',
          tags,
          body: CreateApplicationSchema,
          response: save,
        },
      },
      async (request, reply) => {
        const tenant = await access.tenantForEvents(principalOf(request), requestedTenant(request), 'events:write');
        const { key, ...changes } = request.body;
        const saved = await applications.save(tenant.id, key, toChanges(changes));
        return reply.status(saved.created ? 201 : 200).send(toApplicationResponse(saved.application));
      },
    );
  };
}
