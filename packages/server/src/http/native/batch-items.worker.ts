/**
 * Worker thread of batch-preparer.ts: reads a batch body (batch-body.ts) and prepares its items
 * (batch-items.ts) with its own enricher, opened from the same geo setting as the server's, and the
 * same personal-field pointers.
 */
import { workerData } from 'node:worker_threads';
import { createEnricher } from '../../ingest/enrichment/enricher.js';
import { draftSealer } from '../../ingest/ingest-service.js';
import { serveTasks } from '../../ingest/worker-pool.js';
import { useNodeSha256 } from '../../node-sha256.js';
import { readBatchBodyOrRefusal } from './batch-body.js';
import { prepareBatchItems } from './batch-items.js';
import { encodeOutcomes } from './batch-outcome-codec.js';
import type { BatchTask, BatchTaskAnswer, BatchWorkerData } from './batch-preparer.js';

useNodeSha256();
const { geoDatabase, personalPointers } = workerData as BatchWorkerData;
const enricher = createEnricher(geoDatabase === undefined ? {} : { geoDatabase });
const seal = draftSealer(enricher, personalPointers);

serveTasks(async ({ body, now }: BatchTask): Promise<BatchTaskAnswer> => {
  await enricher.ready();
  const read = readBatchBodyOrRefusal(body);
  if ('refused' in read) return read;
  return { outcomes: encodeOutcomes(prepareBatchItems(read.items, new Date(now), seal)) };
});
