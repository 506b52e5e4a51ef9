/**
 * Worker thread of batch-preparer.ts: prepares batch items (batch-items.ts) with its own enricher,
 * opened from the same geo setting as the server's, and the same personal-field pointers.
 */
import { workerData } from 'node:worker_threads';
import { createEnricher } from '../../ingest/enrichment/enricher.js';
import { draftSealer } from '../../ingest/ingest-service.js';
import { serveTasks } from '../../ingest/worker-pool.js';
import { useNodeSha256 } from '../../node-sha256.js';
import { prepareBatchItems } from './batch-items.js';
import { encodeOutcomes, type EncodedOutcome } from './batch-outcome-codec.js';
import type { BatchTask, BatchWorkerData } from './batch-preparer.js';

useNodeSha256();
const { geoDatabase, personalPointers } = workerData as BatchWorkerData;
const enricher = createEnricher(geoDatabase === undefined ? {} : { geoDatabase });
const seal = draftSealer(enricher, personalPointers);

serveTasks(async ({ items, now }: BatchTask): Promise<EncodedOutcome[]> => {
  await enricher.ready();
  return encodeOutcomes(prepareBatchItems(items, new Date(now), seal));
});
