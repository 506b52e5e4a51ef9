/** Run settings: fixed shapes (connections, sizes) plus the few knobs worth changing from the environment. */

export const SCENARIOS = [
  'bare-http',
  'ingest-sync-single',
  'ingest-async-single',
  'ingest-compat-auditr',
  'ingest-compat-records',
  'ingest-batch-100',
  'query-filtered',
  'query-fulltext',
  'query-page-deep',
  'tree-ingest-overhead',
  'tree-ingest-overhead-single',
  'tree-proof',
  'tree-verify',
];

function intFromEnv(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

/** BENCH_ONLY=a,b selects scenarios by name; a trailing * selects a family (query-*). */
function selectScenarios(raw) {
  if (!raw) return SCENARIOS;
  const patterns = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const matches = (name, pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
  for (const pattern of patterns) {
    if (!SCENARIOS.some((name) => matches(name, pattern))) {
      throw new Error(`BENCH_ONLY: no scenario matches "${pattern}" (known: ${SCENARIOS.join(', ')})`);
    }
  }
  // Always in the canonical order, whatever order BENCH_ONLY lists them in.
  return SCENARIOS.filter((name) => patterns.some((pattern) => matches(name, pattern)));
}

/** BENCH_STORAGE: sqlite (default) or postgres (a throwaway server, see lib/postgres.js). */
export function benchStorage() {
  const storage = process.env.BENCH_STORAGE || 'sqlite';
  if (storage !== 'sqlite' && storage !== 'postgres') {
    throw new Error(`BENCH_STORAGE must be sqlite or postgres, got "${storage}"`);
  }
  return storage;
}

export function loadConfig() {
  const duration = intFromEnv('BENCH_DURATION', 10);
  return {
    scenarios: selectScenarios(process.env.BENCH_ONLY),
    storage: benchStorage(),
    /** Seconds each autocannon scenario measures, after BENCH_WARMUP unmeasured seconds. */
    duration,
    warmup: intFromEnv('BENCH_WARMUP', Math.min(2, duration), 0),
    connections: 50,
    batchSize: 100,
    batchConnections: 8,
    /** Events stored for the query scenarios. */
    events: intFromEnv('BENCH_EVENTS', 1_000_000),
    loadBatchSize: 1000,
    loadConnections: 4,
    queryConcurrency: 4,
    /** Measured requests per query scenario (query-page-deep: pages, in walks of pageDepth). */
    queryRequests: intFromEnv('BENCH_QUERY_REQUESTS', 3000),
    pageDepth: 20,
    seed: intFromEnv('BENCH_SEED', 20250101, 0),
    /** Where the query scenarios' dataset is kept and reused across runs (SQLite only); else a temp dir. */
    datasetDir: process.env.BENCH_DATASET_DIR || undefined,
  };
}
