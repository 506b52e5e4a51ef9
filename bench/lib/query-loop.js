/**
 * The query client: a fixed number of concurrent workers, each issuing its next task as soon as
 * its previous answer arrived (a closed loop, like autocannon), so latency is not inflated by a
 * client-side queue and throughput is what `concurrency` callers would see.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from './http-client.js';
import { createRecorder } from './latency.js';
import { startTrailkeep, withServer } from './server-process.js';

/** Runs tasks 0..count-1 with `concurrency` workers; resolves with the elapsed milliseconds. */
export async function runTasks({ concurrency, count, task }) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

/**
 * Starts a fresh server on the shared database and runs `task(i, client, recorder, measured)` `count`
 * times after a short unrecorded warm-up (the first queries fill SQLite's page cache and V8's JIT).
 */
export async function runQueryScenario({ config, dataset, count, task }) {
  return withServer(
    () => startTrailkeep(dataset.dataDir),
    async (server) => {
      const client = createClient(server.url, dataset.key, { connections: config.queryConcurrency });
      try {
        const warmup = createRecorder();
        const warmupCount = Math.min(200, Math.ceil(count / 10));
        await runTasks({
          concurrency: config.queryConcurrency,
          count: warmupCount,
          task: (i) => task(i, client, warmup, false),
        });
        const recorder = createRecorder();
        const elapsedMs = await runTasks({
          concurrency: config.queryConcurrency,
          count,
          task: (i) => task(warmupCount + i, client, recorder, true),
        });
        return { recorder, elapsedMs };
      } finally {
        client.close();
      }
    },
  );
}

/** Figures shared by the query scenarios: exact percentiles over every request. */
export function queryFigures(summary, elapsedMs) {
  const { byKind, ...overall } = summary;
  return {
    requests: overall.count,
    requestsPerSec: Math.round((overall.count / elapsedMs) * 1000),
    latencyMs: { p50: overall.p50, p95: overall.p95, p99: overall.p99, mean: overall.mean, max: overall.max },
    non200: overall.non200,
    non200Share: overall.non200Share,
    byKind,
  };
}

export function queryProblems(figures) {
  return figures.non200 > 0 ? [`${figures.non200} of ${figures.requests} answers were not HTTP 200`] : [];
}

/**
 * GETs one page and records it under `kind`; resolves with { ms, body } (body parsed, null unless
 * HTTP 200). A transport error counts as status 0 rather than ending the scenario: a failed answer.
 */
export async function timedGet(client, recorder, kind, path) {
  const started = performance.now();
  try {
    const res = await client.get(path);
    recorder.add(kind, res.ms, res.status);
    return { ms: res.ms, body: res.status === 200 ? JSON.parse(res.text) : null };
  } catch {
    const ms = performance.now() - started;
    recorder.add(kind, ms, 0);
    return { ms, body: null };
  }
}
