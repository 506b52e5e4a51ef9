/**
 * Worker thread of batch-preparer.ts: prepares batch items (batch-items.ts) with its own enricher,
 * opened from the same geo setting as the server's, and the same personal-field pointers.
 */
import { workerData } from 'node:worker_threads';
import { createEnricher } from '../../ingest/enrichment/enricher.js';
import { draftSealer } from '../../ingest/ingest-service.js';
import { serveTasks } from '../../ingest/worker-pool.js';
import { useNodeSha256 } from '../../node-sha256.js';
import { prepareBatchItems, type BatchItemOutcome } from './batch-items.js';
import type { BatchTask, BatchWorkerData } from './batch-preparer.js';

useNodeSha256();
const { geoDatabase, personalPointers } = workerData as BatchWorkerData;
const enricher = createEnricher(geoDatabase === undefined ? {} : { geoDatabase });
const seal = draftSealer(enricher, personalPointers);

serveTasks(async ({ items, now }: BatchTask): Promise<BatchItemOutcome[]> => {
  await enricher.ready();
  return prepareBatchItems(items, new Date(now), seal);
});
