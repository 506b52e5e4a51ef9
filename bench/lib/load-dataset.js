/**
 * Fills one database with the generated audit trail, through the public batch API (so the data is
 * sealed, chained and indexed exactly as in production), for the query scenarios to share.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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

const KEPT = 'bench-dataset.json';

/**
 * BENCH_DATASET_DIR: the dataset a previous run loaded there (same events and seed), else loaded
 * now and described in bench-dataset.json for the next run. The sample is drawn again from the
 * deterministic generator, so the queries are the ones a fresh load would get.
 */
export async function keptDataset({ config, dataDir }) {
  const marker = join(dataDir, KEPT);
  if (existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, 'utf8'));
    if (kept.events === config.events && kept.seed === config.seed && benchStorage() === 'sqlite') {
      const dataset = createDataset({ count: config.events, seed: config.seed });
      while (dataset.nextBatch(10_000).length > 0);
      return { key: kept.key, sample: dataset.sample, stats: kept.stats, reused: true };
    }
    throw new Error(`${dataDir} holds another dataset (${kept.events} events, seed ${kept.seed}): remove it`);
  }
  mkdirSync(dataDir, { recursive: true });
  const loaded = await loadDataset({ config, dataDir });
  writeFileSync(
    marker,
    JSON.stringify({ events: config.events, seed: config.seed, key: loaded.key, stats: loaded.stats }),
  );
  return loaded;
}
