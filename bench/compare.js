/**
 * `npm run bench:compare -- <other checkout> [ingest-batch-100 | ingest-sync-single]`: this
 * checkout's server and another checkout's (built, e.g. a `git worktree` of the base commit) under
 * the same load at the same time, each with its own load generator, in windows of BENCH_DURATION
 * seconds (default 5; BENCH_COMPARE_WINDOWS windows, default 4). This machine's speed moves by tens
 * of percent within minutes, so runs one after the other compare the minutes as much as the code;
 * two servers side by side share whatever the machine gives. Prints each window's events/s and
 * each server's CPU per event (Linux: /proc/<pid>/stat, all threads), then the medians, and writes
 * bench/results/compare-<timestamp>.json. BENCH_STORAGE=postgres gives each server a database of
 * its own on one PostgreSQL server.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanupHandlers } from './lib/cleanup.js';
import { createTenantKey } from './lib/http-client.js';
import { batchBody, singleEventBody } from './lib/ingest-body.js';
import { loadTest } from './lib/load-test.js';
import { gitInfo, machineInfo } from './lib/machine.js';
import { createTempDir, removeTempDir } from './lib/temp-dir.js';

const LOADS = {
  'ingest-batch-100': { path: '/v1/events/batch', connections: 8, eventsPerRequest: 100, body: () => batchBody(100) },
  'ingest-sync-single': { path: '/v1/events?sync=true', connections: 50, eventsPerRequest: 1, body: singleEventBody },
};

const [otherArg, scenario = 'ingest-batch-100'] = process.argv.slice(2);
const load = LOADS[scenario];
if (otherArg === undefined || load === undefined) {
  console.error(`usage: npm run bench:compare -- <other checkout> [${Object.keys(LOADS).join(' | ')}]`);
  process.exit(2);
}
const duration = Number(process.env.BENCH_DURATION ?? 5);
const windows = Number(process.env.BENCH_COMPARE_WINDOWS ?? 4);
const here = fileURLToPath(new URL('..', import.meta.url));
const checkouts = [resolve(here), resolve(otherArg)];
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const startedAt = new Date().toISOString();

/** CPU the process used so far, all threads, in µs; null where /proc is not there. */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, in 100 Hz ticks
  } catch {
    return null;
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)];
};

installCleanupHandlers();
const servers = [];
try {
  for (const checkout of checkouts) {
    // Each checkout's own server-process.js starts its own build of `trailkeep serve`.
    const { startTrailkeep } = await import(new URL(`file://${checkout}/bench/lib/server-process.js`).href);
    const dataDir = createTempDir('compare');
    const server = await startTrailkeep(dataDir);
    servers.push({ checkout, dataDir, server, key: await createTenantKey(server.url, 'bench'), windows: [] });
  }
  const run = (s, seconds) =>
    loadTest({
      url: s.server.url,
      path: load.path,
      headers: { authorization: `Bearer ${s.key}` },
      makeBody: load.body,
      connections: load.connections,
      duration: seconds,
      warmup: 0,
    });
  await Promise.all(servers.map((s) => run(s, 2))); // warm-up, not recorded
  console.log(`${scenario}: ${checkouts.join('  vs  ')} (${windows} × ${duration} s side by side)`);
  for (let w = 0; w < windows; w++) {
    const before = servers.map((s) => cpuMicros(s.server.pid));
    const results = await Promise.all(servers.map((s) => run(s, duration)));
    const line = servers.map((s, i) => {
      const events = results[i]['2xx'] * load.eventsPerRequest;
      const after = cpuMicros(s.server.pid);
      const cpu = before[i] === null || after === null || events === 0 ? null : (after - before[i]) / events;
      const window = { eventsPerSec: Math.round(events / duration), cpuMicrosPerEvent: cpu, non2xx: results[i].non2xx };
      s.windows.push(window);
      return `${window.eventsPerSec} events/s, ${cpu === null ? '-' : cpu.toFixed(1)} µs CPU/event`;
    });
    console.log(`  window ${w + 1}: ${line.join('   |   ')}`);
  }
  const summary = servers.map((s) => ({
    checkout: s.checkout,
    medianEventsPerSec: median(s.windows.map((w) => w.eventsPerSec)),
    medianCpuMicrosPerEvent: median(
      s.windows.flatMap((w) => (w.cpuMicrosPerEvent === null ? [] : [w.cpuMicrosPerEvent])),
    ),
    non2xx: s.windows.reduce((n, w) => n + w.non2xx, 0),
    windows: s.windows,
  }));
  for (const s of summary) {
    console.log(
      `  median ${s.medianEventsPerSec} events/s, ${s.medianCpuMicrosPerEvent?.toFixed(1) ?? '-'} µs CPU/event: ${s.checkout}`,
    );
  }
  const file = join(RESULTS_DIR, `compare-${startedAt.replace(/:/g, '-')}.json`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const doc = {
    kind: 'compare',
    startedAt,
    scenario,
    machine: machineInfo(),
    git: gitInfo(),
    duration,
    servers: summary,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`written to ${file}`);
  if (summary.some((s) => s.non2xx > 0)) process.exitCode = 1;
} finally {
  for (const s of servers) {
    await s.server.stop();
    removeTempDir(s.dataDir);
  }
}
