/** Wires the domain services around a store: shared by the server and the offline CLI. */
import { DEFAULT_PERSONAL_POINTERS } from '@trailkeep/tlog';
import { useNodeSha256 } from './node-sha256.js';
import type { Config } from './config/config.js';
import { createAccessService } from './domain/access.js';
import { createAdminService } from './domain/admin-service.js';
import { createAuthService } from './domain/auth-service.js';
import { createQueryService } from './domain/query-service.js';
import { createIngestService } from './ingest/ingest-service.js';
import { createEnricher, type Enricher } from './ingest/enrichment/enricher.js';
import { createApplicationService } from './domain/application-service.js';
import { createEventPageService } from './domain/event-page-service.js';
import { createTargetTypeService } from './domain/target-type-service.js';
import { createSequencer, type Sequencer } from './ingest/sequencer.js';
import { createIntegrityServices, createTreeIntegration } from './integrity-services.js';
import type { AppServices } from './http/app.js';
import { createBatchPreparer, defaultIngestThreads } from './http/native/batch-preparer.js';
import type { AuditStore } from './storage/port.js';

useNodeSha256();

export interface Services extends AppServices {
  sequencer: Sequencer;
  enricher: Enricher;
  beginShutdown(): void;
}

export interface ServiceOptions {
  /** The batch worker's file; null to prepare batches on the event loop. Default: the built one, if present. */
  batchWorkerFile?: URL | null;
}

export function createServices(store: AuditStore, config: Config, options: ServiceOptions = {}): Services {
  let shuttingDown = false;
  const enricher = createEnricher({ geoDatabase: config.geoipDb });
  const access = createAccessService(store);
  const auth = createAuthService(store, { fixedAdminKey: config.adminKey });
  const tree = createTreeIntegration(store, config);
  const sequencer = createSequencer(store, {
    maxBatchEvents: config.batchMaxEvents,
    maxQueuedEvents: config.queueMaxEvents,
    windowMs: config.batchWindowMs,
    maxInFlight: store.capabilities.appendsInFlight,
    onCommitted: (grown) => tree.integrator.notify(grown),
  });
  const personalPointers = DEFAULT_PERSONAL_POINTERS;
  const ingest = createIngestService({ sequencer, enricher, personalPointers });
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
    ingest,
    batchPreparer: createBatchPreparer({
      ingest,
      threads: config.ingestThreads ?? defaultIngestThreads(),
      workerFile: options.batchWorkerFile,
      worker: { geoDatabase: config.geoipDb, personalPointers },
    }),
    ...createIntegrityServices(store, tree, ingest),
    enricher,
    applications: createApplicationService({ store }),
    targetTypes: createTargetTypeService(store),
    eventPages: createEventPageService(store),
    isShuttingDown: () => shuttingDown,
    beginShutdown: () => {
      shuttingDown = true;
    },
  };
}
