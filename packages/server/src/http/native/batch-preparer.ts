/**
 * Where batch bodies are read (batch-body.ts) and their items prepared (batch-items.ts): on worker
 * threads when the server has them, else on the event loop. Reading, validating, mapping and
 * sealing is about a third of a batch's CPU on the event loop (JSON, JCS, salted commitments,
 * hashes, geo-IP); moved to a worker it runs beside the storage commits and HTTP work that must
 * stay on the loop. Single events stay on the loop: a worker round trip would cost them more than
 * it saves.
 *
 * The worker file exists only in the build (dist); code run from its TypeScript sources prepares
 * on the event loop unless given the built file.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { IngestService } from '../../ingest/ingest-service.js';
import { createWorkerPool, type WorkerPool } from '../../ingest/worker-pool.js';
import { readBatchBody, refusalError, type BodyRefusal } from './batch-body.js';
import { prepareBatchItems, type BatchItemOutcome } from './batch-items.js';
import { decodeOutcomes, type EncodedOutcome } from './batch-outcome-codec.js';

export interface BatchTask {
  /** The request body as text (batch-body.ts); undefined when the request had none. */
  body: string | undefined;
  /** ms since the epoch: the received time of the request, the default `timestamp`. */
  now: number;
}

export type BatchTaskAnswer = { outcomes: EncodedOutcome[] } | { refused: BodyRefusal };

export interface BatchWorkerData {
  geoDatabase: string | undefined;
  personalPointers: readonly string[];
}

export interface BatchPreparer {
  /** Worker threads in use (0: the event loop prepares). */
  readonly threads: number;
  /** Reads a batch body and prepares its items; throws the problem of a body that is not a batch. */
  prepare(body: string | undefined, now: Date): Promise<BatchItemOutcome[]>;
  close(): Promise<void>;
}

export const BUILT_BATCH_WORKER = new URL('./batch-items.worker.js', import.meta.url);

/** Every core but one, which the event loop keeps; at most four (the loop is the limit beyond). */
export function defaultIngestThreads(): number {
  return Math.min(4, availableParallelism() - 1);
}

export function createBatchPreparer(options: {
  ingest: IngestService;
  threads: number;
  /** Default: the built worker, if present. */
  workerFile?: URL | null | undefined;
  worker: BatchWorkerData;
}): BatchPreparer {
  const file =
    options.workerFile === undefined
      ? existsSync(fileURLToPath(BUILT_BATCH_WORKER))
        ? BUILT_BATCH_WORKER
        : null
      : options.workerFile;
  const pool: WorkerPool<BatchTask, BatchTaskAnswer> | undefined =
    file === null || options.threads <= 0
      ? undefined
      : createWorkerPool({ file, size: options.threads, workerData: options.worker });
  return {
    threads: pool?.size ?? 0,
    async prepare(body, now) {
      if (pool !== undefined) {
        // Whatever a worker cannot do (an answer structured clone cannot copy, a worker that died)
        // the event loop does: the answer is the same, only later.
        const answer = await pool.run({ body, now: now.getTime() }).catch(() => undefined);
        if (answer !== undefined) {
          if ('refused' in answer) throw refusalError(answer.refused);
          return decodeOutcomes(answer.outcomes);
        }
      }
      return prepareBatchItems(readBatchBody(body), now, await options.ingest.sealer());
    },
    close: async () => pool?.close(),
  };
}
