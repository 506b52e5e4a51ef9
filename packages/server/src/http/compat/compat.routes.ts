/**
 * The compatibility surfaces (seeds 000–003, DESIGN §2): one encapsulated plugin each, with its
 * own validator, credential style and error dialect, all on the same canonical events.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppServices } from '../app.js';
import { auditrRoutes } from './auditr/auditr.routes.js';
import { drfRoutes } from './drf/drf.routes.js';
import { eventsListRoutes } from './events-list/events-list.routes.js';
import { recordsRoutes } from './records/records.routes.js';

export function compatRoutes(services: AppServices): FastifyPluginAsync {
  return async (scope) => {
    await scope.register(auditrRoutes(services));
    await scope.register(recordsRoutes(services));
    await scope.register(eventsListRoutes(services));
    await scope.register(drfRoutes(services));
  };
}
