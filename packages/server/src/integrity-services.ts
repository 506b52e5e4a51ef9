/**
 * Wires the verifiable log (DESIGN §3): the checkpoint key, the tree integrator fed by the
 * sequencer, and the services that read, export and erase. Composed by services.ts.
 */
import type { Config } from './config/config.js';
import { loadCheckpointKey } from './config/checkpoint-key.js';
import { createErasureService, type ErasureService } from './domain/erasure-service.js';
import { createExportService, type ExportService } from './domain/export-service.js';
import { createLogService, type LogService } from './domain/log-service.js';
import { createTreeReader } from './domain/tree-reader.js';
import type { CheckpointKey } from './domain/tree.js';
import type { IngestService } from './ingest/ingest-service.js';
import { createTreeIntegrator, type TreeIntegrator } from './ingest/tree-integrator.js';
import type { AuditStore } from './storage/port.js';

export interface TreeIntegration {
  checkpointKey: CheckpointKey;
  /** Where the key came from (TRAILKEEP_SIGNER_KEY or the key file), for messages. */
  checkpointKeySource: string;
  integrator: TreeIntegrator;
}

export interface IntegrityServices extends TreeIntegration {
  log: LogService;
  exports: ExportService;
  erasure: ErasureService;
}

/** The key (configured, or generated into the data directory) and the integrator. */
export function createTreeIntegration(store: AuditStore, config: Config): TreeIntegration {
  const { source: checkpointKeySource, ...checkpointKey } = loadCheckpointKey(config);
  const integrator = createTreeIntegrator(store, {
    key: checkpointKey,
    intervalMs: config.integrationIntervalMs,
    enabled: config.treeIntegration,
  });
  return { checkpointKey, checkpointKeySource, integrator };
}

/** Proofs, exports and erasure over the integrated tree; audit events go through `ingest`. */
export function createIntegrityServices(
  store: AuditStore,
  tree: TreeIntegration,
  ingest: IngestService,
): IntegrityServices {
  const record = ingest.ingest.bind(ingest);
  const reader = createTreeReader(store);
  const { checkpointKey: key, integrator } = tree;
  return {
    ...tree,
    log: createLogService({ store, tree: reader, key, integrator }),
    exports: createExportService({ store, tree: reader, key, integrator, record }),
    erasure: createErasureService({ store, record }),
  };
}
