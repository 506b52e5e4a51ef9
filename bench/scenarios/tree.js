/**
 * The verifiable log (issue 5):
 * - tree-ingest-overhead(-single): the same ingest load on a server with tree integration and on
 *   one without (TRAILKEEP_TREE_INTEGRATION=false), alternated, and the commit-to-integration lag
 *   the server measured (GET /v1/log/integration);
 * - tree-proof: inclusion proofs of random events of the loaded dataset (exact p50/p95/p99);
 * - tree-verify: `trailkeep export` of the loaded dataset, then `trailkeep verify` of it, timed.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { batchBody, singleEventBody } from '../lib/ingest-body.js';
import { benchStorage } from '../lib/config.js';
import { createClient, createTenantKey } from '../lib/http-client.js';
import { loadTest, loadTestFigures, loadTestProblems } from '../lib/load-test.js';
import { postgresEnv } from '../lib/postgres.js';
import { queryFigures, queryProblems, runQueryScenario, timedGet } from '../lib/query-loop.js';
import { ADMIN_KEY, startTrailkeep, withServer } from '../lib/server-process.js';
import { createTempDir, removeTempDir, withTempDir } from '../lib/temp-dir.js';

const TRAILKEEP_BIN = fileURLToPath(new URL('../../packages/server/bin/trailkeep.js', import.meta.url));
const NONE_REJECTED = /^\{"accepted":\d+,"rejected":0,/;
const TREE_OFF = { TRAILKEEP_TREE_INTEGRATION: 'false' };

/** One ingest load on a fresh server; with integration on, also the lag the server measured. */
async function ingestOnce(config, shape, env) {
  return withTempDir('tree-ingest', (dataDir) =>
    withServer(
      () => startTrailkeep(dataDir, env),
      async (server) => {
        const key = await createTenantKey(server.url, 'bench');
        const raw = await loadTest({
          url: server.url,
          headers: { authorization: `Bearer ${key}` },
          duration: config.duration,
          warmup: config.warmup,
          ...shape,
        });
        const figures = loadTestFigures(raw, shape.eventsPerRequest ?? 1);
        const admin = createClient(server.url, ADMIN_KEY, { connections: 1 });
        try {
          // Let the last round finish, so the lag covers every commit of the run.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          const stats = JSON.parse((await admin.get('/v1/log/integration')).text);
          return { figures, lag: stats.lag_ms, raw };
        } finally {
          admin.close();
        }
      },
    ),
  );
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Alternates on and off runs (on, off, three times) so drift in the machine hits both alike. */
async function overhead(config, shape) {
  const on = [];
  const off = [];
  for (let round = 0; round < 3; round++) {
    on.push(await ingestOnce(config, shape, {}));
    off.push(await ingestOnce(config, shape, TREE_OFF));
  }
  const eventsOn = median(on.map((r) => r.figures.eventsPerSec));
  const eventsOff = median(off.map((r) => r.figures.eventsPerSec));
  const figures = {
    eventsPerSec: eventsOn,
    eventsPerSecTreeOff: eventsOff,
    onOffRatio: Math.round((eventsOn / eventsOff) * 1000) / 1000,
    runsEventsPerSec: { on: on.map((r) => r.figures.eventsPerSec), off: off.map((r) => r.figures.eventsPerSec) },
    integrationLagMs: {
      p50: median(on.map((r) => r.lag.p50)),
      p99: median(on.map((r) => r.lag.p99)),
      max: Math.max(...on.map((r) => r.lag.max)),
      samples: on.reduce((sum, r) => sum + r.lag.samples, 0),
    },
    latencyMs: on[0].figures.latencyMs,
  };
  const problems = [...on, ...off].flatMap((r) => loadTestProblems(r.figures));
  const lag = figures.integrationLagMs;
  console.log(`  tree on ${eventsOn} events/s, off ${eventsOff} events/s (on/off ${figures.onOffRatio})`);
  console.log(`  integration lag ms p50 ${lag.p50}, p99 ${lag.p99}, max ${lag.max} (${lag.samples} commits)`);
  return { figures, problems, raw: { on: on.map((r) => r.raw), off: off.map((r) => r.raw) } };
}

export const runIngestOverhead = ({ config }) =>
  overhead(config, {
    path: '/v1/events/batch',
    makeBody: () => batchBody(config.batchSize),
    connections: config.batchConnections,
    eventsPerRequest: config.batchSize,
    verifyBody: (body) => NONE_REJECTED.test(body),
  });

export const runIngestOverheadSingle = ({ config }) =>
  overhead(config, { path: '/v1/events?sync=true', makeBody: singleEventBody, connections: config.connections });

/** Inclusion proofs of uniformly random sequences against the newest checkpoint. */
export async function runProof({ config, dataset }) {
  const size = dataset.stats.events;
  let seed = config.seed;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const { recorder, elapsedMs, oneCaller } = await runQueryScenario({
    config,
    dataset,
    count: config.queryRequests,
    task: (_i, client, rec) =>
      timedGet(client, rec, 'inclusion', `/v1/log/proof/inclusion?sequence=${1 + Math.floor(random() * size)}`),
  });
  const figures = { ...queryFigures(recorder.summary(), elapsedMs, oneCaller), treeSize: size };
  return { figures, problems: queryProblems(figures), raw: undefined };
}

/** Runs `trailkeep <args>` to completion; resolves with its output and seconds. */
function cli(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [TRAILKEEP_BIN, ...args], { env: { ...process.env, ...env } });
    let output = '';
    proc.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
    proc.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, output, seconds: (performance.now() - started) / 1000 }));
  });
}

/** Exports the dataset offline and verifies the bundle: verify's events per second is the figure. */
export async function runVerify({ dataset }) {
  const env = benchStorage() === 'postgres' ? await postgresEnv(dataset.dataDir) : {};
  const dir = createTempDir('tree-verify');
  try {
    const out = join(dir, 'bundle.jsonl');
    const exported = await cli(['export', '--tenant', 'acme', '--out', out, '--data-dir', dataset.dataDir], env);
    if (exported.code !== 0) throw new Error(`export failed:\n${exported.output}`);
    const vkey = /--vkey '([^']+)'/.exec(exported.output)?.[1];
    if (vkey === undefined) throw new Error(`export printed no vkey:\n${exported.output}`);
    const verified = await cli(['verify', out, '--vkey', vkey, '--json'], {});
    const json = verified.output.indexOf('{');
    if (json < 0) throw new Error(`verify answered no verdict (exit ${verified.code}):\n${verified.output}`);
    const verdict = JSON.parse(verified.output.slice(json));
    const figures = {
      events: verdict.eventsChecked,
      bundleMiB: Math.round(statSync(out).size / 2 ** 20),
      exportSeconds: Math.round(exported.seconds * 10) / 10,
      exportEventsPerSec: Math.round(verdict.eventsChecked / exported.seconds),
      verifySeconds: Math.round(verified.seconds * 10) / 10,
      verifyEventsPerSec: Math.round(verdict.eventsChecked / verified.seconds),
    };
    const problems = verified.code === 0 && verdict.ok ? [] : [`verify failed: ${JSON.stringify(verdict.failure)}`];
    console.log(`  export: ${figures.events} events, ${figures.bundleMiB} MiB in ${figures.exportSeconds} s`);
    console.log(`  verify: ${figures.verifySeconds} s, ${figures.verifyEventsPerSec} events/s`);
    return { figures, problems, raw: undefined };
  } finally {
    removeTempDir(dir);
  }
}
