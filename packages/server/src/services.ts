/** Wires the domain services around a store: shared by the server and the offline CLI. */
import { createHash } from 'node:crypto';
import { setSha256Implementation } from '@trailkeep/tlog';
import type { Config } from './config/config.js';
import { createAccessService } from './domain/access.js';
import { createAdminService } from './domain/admin-service.js';
import { createAuthService } from './domain/auth-service.js';
import { createQueryService } from './domain/query-service.js';
import { createIngestService } from './ingest/ingest-service.js';
import { createSequencer, type Sequencer } from './ingest/sequencer.js';
import type { AppServices } from './http/app.js';
import type { AuditStore } from './storage/port.js';

// tlog hashes in pure JS so it runs in browsers; on the server node:crypto is ~2.5× faster.
setSha256Implementation((data) => createHash('sha256').update(data).digest());

export interface Services extends AppServices {
  sequencer: Sequencer;
  beginShutdown(): void;
}

export function createServices(store: AuditStore, config: Config): Services {
  let shuttingDown = false;
  const access = createAccessService(store);
  const auth = createAuthService(store, { fixedAdminKey: config.adminKey });
  const sequencer = createSequencer(store, {
    maxBatchEvents: config.batchMaxEvents,
    maxQueuedEvents: config.queueMaxEvents,
    windowMs: config.batchWindowMs,
  });
  return {
    store,
    access,
    sequencer,
    auth,
    admin: createAdminService({
      store,
      access,
      logOriginHost: config.logOrigin,
      onKeyRevoked: (hash) => auth.forget(hash),
    }),
    query: createQueryService(store),
    ingest: createIngestService({ sequencer }),
    isShuttingDown: () => shuttingDown,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}
