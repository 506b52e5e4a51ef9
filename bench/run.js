/**
 * `npm run bench`: runs the scenarios in order, prints figures as they come, then writes
 * bench/results/<timestamp>.json and bench/results/latest.json and prints a summary table.
 * Environment: BENCH_DURATION, BENCH_WARMUP, BENCH_EVENTS, BENCH_ONLY, BENCH_QUERY_REQUESTS, BENCH_SEED,
 * BENCH_STORAGE (sqlite | postgres), BENCH_PG_URL.
 */
import { performance } from 'node:perf_hooks';
import { installCleanupHandlers } from './lib/cleanup.js';
import { loadConfig } from './lib/config.js';
import { keptDataset, loadDataset } from './lib/load-dataset.js';
import { gitInfo, machineInfo } from './lib/machine.js';
import { printCompatSummary, printScenarioResult, printTable, writeResults } from './lib/report.js';
import { createTempDir, removeTempDir } from './lib/temp-dir.js';
import * as bareHttp from './scenarios/bare-http.js';
import * as ingestBatch from './scenarios/ingest-batch.js';
import * as ingestCompat from './scenarios/ingest-compat.js';
import * as ingestSingle from './scenarios/ingest-single.js';
import * as queryFiltered from './scenarios/query-filtered.js';
import * as queryFulltext from './scenarios/query-fulltext.js';
import * as queryPageDeep from './scenarios/query-page-deep.js';
import * as tree from './scenarios/tree.js';

const RUNNERS = {
  'bare-http': bareHttp.run,
  'ingest-sync-single': ingestSingle.runSync,
  'ingest-async-single': ingestSingle.runAsync,
  'ingest-compat-auditr': ingestCompat.runAuditr,
  'ingest-compat-records': ingestCompat.runRecords,
  'ingest-batch-100': ingestBatch.run,
  'query-filtered': queryFiltered.run,
  'query-fulltext': queryFulltext.run,
  'query-page-deep': queryPageDeep.run,
  'tree-ingest-overhead': tree.runIngestOverhead,
  'tree-ingest-overhead-single': tree.runIngestOverheadSingle,
  'tree-proof': tree.runProof,
  'tree-verify': tree.runVerify,
};

function describe(name, config) {
  if (name === 'ingest-batch-100') return `${config.batchConnections} connections, ${config.duration} s`;
  if (name.startsWith('query-') || name === 'tree-proof') {
    return `${config.queryConcurrency} workers, ${config.queryRequests} requests`;
  }
  if (name === 'tree-verify') return `export and verify of the ${config.events}-event dataset`;
  if (name === 'tree-ingest-overhead') return `${config.batchConnections} connections, 3 × 2 × ${config.duration} s`;
  if (name === 'tree-ingest-overhead-single') return `${config.connections} connections, 3 × 2 × ${config.duration} s`;
  return `${config.connections} connections, ${config.duration} s`;
}

/** Ingest throughput relative to the bare HTTP server measured in this same run. */
function ratioToBare(figures, bare) {
  if (!bare?.requestsPerSec || figures.eventsPerSec === undefined) return undefined;
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    requestsPerSec: round(figures.requestsPerSec / bare.requestsPerSec),
    eventsPerSec: round(figures.eventsPerSec / bare.requestsPerSec),
  };
}

/**
 * The compat surfaces' acceptance (issue 4): ingest through them costs no more than 20% throughput
 * against the native endpoint, so each compat scenario is also given as a ratio to
 * ingest-sync-single from this same run (both answer once the event is committed).
 */
const COMPAT_BASELINE = 'ingest-sync-single';
const COMPAT_MIN_RATIO = 0.8;

function ratioToNative(name, figures, results) {
  if (!name.startsWith('ingest-compat-')) return undefined;
  const native = results.find((r) => r.name === COMPAT_BASELINE)?.figures;
  if (!native?.eventsPerSec || figures.eventsPerSec === undefined) return undefined;
  const eventsPerSec = Math.round((figures.eventsPerSec / native.eventsPerSec) * 1000) / 1000;
  return {
    baseline: COMPAT_BASELINE,
    eventsPerSec,
    budget: COMPAT_MIN_RATIO,
    withinBudget: eventsPerSec >= COMPAT_MIN_RATIO,
  };
}

async function main() {
  installCleanupHandlers();
  const config = loadConfig();
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const machine = machineInfo();
  console.log(`Trailkeep bench: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}`);
  console.log(`scenarios: ${config.scenarios.join(', ')}; storage: ${config.storage}`);

  // The query scenarios share one database, loaded once, the first time one of them runs.
  let datasetDir;
  let dataset;
  const ensureDataset = () => {
    dataset ??= (async () => {
      const dataDir = config.datasetDir ?? (datasetDir = createTempDir('dataset'));
      console.log(
        `  loading ${config.events.toLocaleString('en-US')} events (${config.loadConnections} × batches of ${config.loadBatchSize})`,
      );
      const loaded = config.datasetDir
        ? await keptDataset({ config, dataDir })
        : await loadDataset({ config, dataDir });
      const { seconds, eventsPerSec, databaseBytes } = loaded.stats;
      console.log(
        `  ${loaded.reused ? `reused ${dataDir}, loaded earlier` : 'loaded'} in ${seconds} s (${eventsPerSec} events/s); database ${Math.round(databaseBytes / 2 ** 20)} MiB`,
      );
      return { dataDir, ...loaded };
    })();
    return dataset;
  };

  const results = [];
  try {
    for (const name of config.scenarios) {
      console.log(`\n▶ ${name} (${describe(name, config)})`);
      const scenarioStarted = performance.now();
      let result;
      try {
        const usesDataset = name.startsWith('query-') || name === 'tree-proof' || name === 'tree-verify';
        const ctx = { config, dataset: usesDataset ? await ensureDataset() : undefined };
        const { figures, problems, raw } = await RUNNERS[name](ctx);
        const bare = name === 'bare-http' ? figures : results.find((r) => r.name === 'bare-http')?.figures;
        const ratio = ratioToBare(figures, bare);
        const vsNative = ratioToNative(name, figures, results);
        result = {
          name,
          figures: {
            ...figures,
            ...(ratio ? { ratioToBare: ratio } : {}),
            ...(vsNative ? { ratioToSyncSingle: vsNative } : {}),
          },
          problems,
          raw,
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result = { name, error: message, problems: [message] };
      }
      result.seconds = Math.round((performance.now() - scenarioStarted) / 100) / 10;
      results.push(result);
      printScenarioResult(result);
    }
  } finally {
    if (datasetDir) removeTempDir(datasetDir);
  }

  const totalSeconds = Math.round((performance.now() - started) / 100) / 10;
  const loadedDataset = dataset ? await dataset.catch(() => undefined) : undefined;
  const doc = {
    startedAt,
    finishedAt: new Date().toISOString(),
    totalSeconds,
    machine,
    git: gitInfo(),
    config,
    dataset: loadedDataset?.stats,
    scenarios: Object.fromEntries(results.map(({ name, ...rest }) => [name, rest])),
    // Each compat scenario's events/s ÷ ingest-sync-single's (issue 4: at least 0.8).
    compatVsNative: Object.fromEntries(
      results.filter((r) => r.figures?.ratioToSyncSingle).map((r) => [r.name, r.figures.ratioToSyncSingle]),
    ),
  };
  const path = writeResults(doc);

  console.log(`\nResults (${totalSeconds} s in total), written to ${path} and latest.json\n`);
  printTable(results);
  printCompatSummary(results, { baseline: COMPAT_BASELINE, minRatio: COMPAT_MIN_RATIO });
  if (results.some((r) => r.problems.length > 0)) {
    console.log('\nSome scenarios reported problems (see above); their figures are not trustworthy.');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
