/**
 * buildApp: the HTTP application from its services. No listening, no env, no storage choice:
 * main.ts composes those, and tests build their own app around their own store.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AccessService } from '../domain/access.js';
import type { AdminService } from '../domain/admin-service.js';
import type { AuthService } from '../domain/auth-service.js';
import type { QueryService } from '../domain/query-service.js';
import type { ApplicationService } from '../domain/application-service.js';
import type { EventPageService } from '../domain/event-page-service.js';
import type { TargetTypeService } from '../domain/target-type-service.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { BatchPreparer } from './native/batch-preparer.js';
import type { IntegrityServices } from '../integrity-services.js';
import type { AuditStore } from '../storage/port.js';
import { requireApiKey } from './auth.js';
import { healthRoutes } from './health.routes.js';
import { adminRoutes } from './native/admin.routes.js';
import { batchRoutes } from './native/batch.routes.js';
import { eventsRoutes } from './native/events.routes.js';
import { applicationsRoutes } from './native/applications.routes.js';
import { logRoutes } from './native/log.routes.js';
import { exportsRoutes } from './native/exports.routes.js';
import { erasuresRoutes } from './native/erasures.routes.js';
import { compatRoutes } from './compat/compat.routes.js';
import { sendProblem, toTrailkeepError, useProblemDetails } from './problem.js';
import { TrailkeepError } from '../domain/errors.js';
import { EVENT_LIMITS } from '../domain/event-rules.js';
import { validatorCompiler } from './validation.js';

export interface AppServices extends IntegrityServices {
  store: AuditStore;
  auth: AuthService;
  access: AccessService;
  admin: AdminService;
  query: QueryService;
  ingest: IngestService;
  /** Validates and seals batch items, on worker threads when there are some. */
  batchPreparer: BatchPreparer;
  /** Seed 001's applications registry. */
  applications: ApplicationService;
  /** Seed 003's integer content_type numbers. */
  targetTypes: TargetTypeService;
  /** Numbered pages with counts (seed 003). */
  eventPages: EventPageService;
  /** True once shutdown has begun: readiness fails so load balancers move away. */
  isShuttingDown: () => boolean;
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Largest accepted body for single requests, in bytes (batch ingest allows more). */
  bodyLimit?: number;
  /** Honour X-Forwarded-For from these proxies (Fastify trustProxy). */
  trustProxy?: FastifyServerOptions['trustProxy'];
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(services: AppServices, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // Per-request logs would cost more than the request itself at ingest rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // Event ids are up to 128 characters, and a client may percent-encode `:` and `@` (3 each):
    // the router's default of 100 would make long ids unreadable (a 414 for GET /v1/events/:id).
    routerOptions: { maxParamLength: 3 * EVENT_LIMITS.idLength },
    // Errors the router raises before any route (a path that is not valid percent-encoded UTF-8)
    // are problems like every other error, not Fastify's own JSON.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(reply, toTrailkeepError(error));
    },
    // Keep a caller's request id when it is sane, so logs correlate across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('principal', null);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  useProblemDetails(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new TrailkeepError('TK_ERR_ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'Trailkeep', version: '0.1.0', description: 'Tamper-evident audit-log service' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(healthRoutes(services));

  await app.register(async (native) => {
    useProblemDetails(native);
    // Every native body is JSON: a text/plain one is an unsupported media type (415), not a string
    // that then fails the schema.
    native.removeContentTypeParser('text/plain');
    // onRequest: authenticate before the body is even read, so strangers cannot make us parse it.
    native.addHook('onRequest', requireApiKey(services.auth));
    await native.register(eventsRoutes(services));
    await native.register(batchRoutes(services));
    await native.register(adminRoutes(services));
    await native.register(applicationsRoutes(services));
    await native.register(logRoutes(services));
    await native.register(exportsRoutes(services));
    await native.register(erasuresRoutes(services));
  });
  // Each seed API in its own scope: its own credentials, validation and error shape.
  await app.register(compatRoutes(services));
  return app;
}
