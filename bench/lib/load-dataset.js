/**
 * Fills one database with the generated audit trail, through the public batch API (so the data is
 * sealed, chained and indexed exactly as in production), for the query scenarios to share.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDataset } from './dataset.js';
import { benchStorage } from './config.js';
import { postgresBytes } from './postgres.js';
import { createClient, createTenantKey } from './http-client.js';
import { startTrailkeep, withServer } from './server-process.js';

const NONE_REJECTED = /^\{"accepted":\d+,"rejected":0,/;

function directoryBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

export async function loadDataset({ config, dataDir }) {
  const dataset = createDataset({ count: config.events, seed: config.seed });
  const result = await withServer(
    () => startTrailkeep(dataDir),
    async (server) => {
      const key = await createTenantKey(server.url, 'acme');
      const client = createClient(server.url, key, { connections: config.loadConnections });
      const started = performance.now();
      const progressStep = Math.max(config.loadBatchSize, Math.ceil(config.events / 10));
      let loaded = 0;
      let nextReport = progressStep;

      // A few concurrent senders keep the server's group commit busy without flooding its queue.
      const sender = async () => {
        for (let batch = dataset.nextBatch(config.loadBatchSize); batch.length > 0;) {
          const res = await client.post('/v1/events/batch', { events: batch });
          if (res.status !== 200 || !NONE_REJECTED.test(res.text)) {
            throw new Error(`loading: HTTP ${res.status} ${res.text.slice(0, 500)}`);
          }
          loaded += batch.length;
          if (loaded >= nextReport || loaded === config.events) {
            const seconds = (performance.now() - started) / 1000;
            const rate = Math.round(loaded / seconds);
            console.log(`  loaded ${loaded.toLocaleString('en-US')} events, ${seconds.toFixed(1)} s, ${rate} events/s`);
            nextReport += progressStep;
          }
          batch = dataset.nextBatch(config.loadBatchSize);
        }
      };
      try {
        await Promise.all(Array.from({ length: config.loadConnections }, sender));
      } finally {
        client.close();
      }
      const seconds = (performance.now() - started) / 1000;
      return {
        key,
        sample: dataset.sample,
        stats: {
          events: loaded,
          seconds: Math.round(seconds * 10) / 10,
          eventsPerSec: Math.round(loaded / seconds),
          batchSize: config.loadBatchSize,
          connections: config.loadConnections,
        },
      };
    },
  );
  // Measured once the server has stopped, so the WAL has been checkpointed into the database file.
  result.stats.databaseBytes = benchStorage() === 'postgres' ? await postgresBytes(dataDir) : directoryBytes(dataDir);
  return result;
}
