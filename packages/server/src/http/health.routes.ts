/** Liveness and readiness for orchestrators. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppServices } from './app.js';

export function healthRoutes(services: Pick<AppServices, 'store' | 'isShuttingDown'>): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'] } }, () => ({ status: 'ok' }));
    app.get(
      '/readyz',
      { schema: { summary: 'Readiness: storage reachable and not shutting down', tags: ['health'] } },
      async (_request, reply) => {
        if (services.isShuttingDown()) return reply.status(503).send({ status: 'shutting_down' });
        try {
          await services.store.ping();
          return { status: 'ready', storage: services.store.capabilities.name };
        } catch {
          return reply.status(503).send({ status: 'storage_unavailable' });
        }
      },
    );
  };
}
