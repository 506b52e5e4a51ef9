/**
 * The query client: a fixed number of concurrent workers, each issuing its next task as soon as
 * its previous answer arrived (a closed loop, like autocannon), so latency is not inflated by a
 * client-side queue and throughput is what `concurrency` callers would see.
 */
import { performance } from 'node:perf_hooks';
import { createClient } from './http-client.js';
import { createRecorder } from './latency.js';
import { startTrailkeep, withServer } from './server-process.js';

/**
 * Runs tasks 0..count-1 with `concurrency` workers, and again from 0 until at least `minMs` have
 * passed; resolves with the elapsed milliseconds.
 */
export async function runTasks({ concurrency, count, task, minMs = 0 }) {
  let next = 0;
  const started = performance.now();
  const more = () => next < count || performance.now() - started < minMs;
  const worker = async () => {
    while (more()) await task(next++ % count);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

/** Requests of the one-caller pass, as a share of the scenario's count. */
const ONE_CALLER_SHARE = 1 / 3;

/**
 * Starts a fresh server on the shared database and runs `task(i, client, recorder, measured)` `count`
 * times after an unrecorded warm-up of BENCH_WARMUP seconds, as the autocannon scenarios have (the
 * first queries fill SQLite's page cache and V8's JIT: measured on proofs, the first 3,000 after a
 * start had a p95 half again that of the next 3,000).
 * Then a third as many with one caller alone (`oneCaller`, `measured` false): the latency of a
 * request that waits behind no other. With `queryConcurrency` callers each request also waits for
 * the others' on the server's one event loop, and the client shares the machine's two cores.
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
          minMs: config.warmup * 1000,
          task: (i) => task(i, client, warmup, false),
        });
        const recorder = createRecorder();
        const elapsedMs = await runTasks({
          concurrency: config.queryConcurrency,
          count,
          task: (i) => task(warmupCount + i, client, recorder, true),
        });
        const alone = createRecorder();
        const aloneMs = await runTasks({
          concurrency: 1,
          count: Math.ceil(count * ONE_CALLER_SHARE),
          task: (i) => task(warmupCount + count + i, client, alone, false),
        });
        return { recorder, elapsedMs, oneCaller: { recorder: alone, elapsedMs: aloneMs } };
      } finally {
        client.close();
      }
    },
  );
}

/** Figures shared by the query scenarios: exact percentiles over every request. */
export function queryFigures(summary, elapsedMs, oneCaller) {
  const { byKind, ...overall } = summary;
  const alone = oneCaller?.recorder.summary();
  return {
    requests: overall.count,
    requestsPerSec: Math.round((overall.count / elapsedMs) * 1000),
    latencyMs: { p50: overall.p50, p95: overall.p95, p99: overall.p99, mean: overall.mean, max: overall.max },
    non200: overall.non200,
    non200Share: overall.non200Share,
    byKind,
    ...(alone && {
      oneCaller: {
        requests: alone.count,
        requestsPerSec: Math.round((alone.count / oneCaller.elapsedMs) * 1000),
        latencyMs: { p50: alone.p50, p95: alone.p95, p99: alone.p99, mean: alone.mean, max: alone.max },
        non200: alone.non200,
      },
    }),
  };
}

export function queryProblems(figures) {
  const bad = figures.non200 + (figures.oneCaller?.non200 ?? 0);
  const all = figures.requests + (figures.oneCaller?.requests ?? 0);
  return bad > 0 ? [`${bad} of ${all} answers were not HTTP 200`] : [];
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
