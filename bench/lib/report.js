/** Printing figures for people, and writing them as JSON for tools and later comparison. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

const int = (n) => (n === null || n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
const ms = (n) => (n === null || n === undefined ? '-' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : int(n));
const ratio = (r) => (r === null || r === undefined ? '-' : `${r.toFixed(2)}×`);

/** The latency columns: autocannon reports p97.5 where our own client reports p95. */
function latencyOf(figures) {
  const l = figures.latencyMs ?? {};
  return { p50: l.p50, p95: l.p95 ?? l.p97_5, p99: l.p99 };
}

function badAnswers(figures) {
  if (figures.non200Share !== undefined) return `${(figures.non200Share * 100).toFixed(2)}%`;
  return int(figures.non2xx + figures.errors + figures.timeouts + figures.mismatches);
}

/** One line as soon as a scenario ends, with the per-filter breakdown for query scenarios. */
export function printScenarioResult(result) {
  if (result.error) {
    console.log(`  FAILED: ${result.error}`);
    return;
  }
  const f = result.figures;
  const l = latencyOf(f);
  const events = f.eventsPerSec === undefined ? '' : `, ${int(f.eventsPerSec)} events/s`;
  const vsBare = f.ratioToBare ? ` (${ratio(f.ratioToBare.eventsPerSec)} bare-http)` : '';
  console.log(`  ${int(f.requestsPerSec)} req/s${events}${vsBare}; latency ms p50 ${ms(l.p50)}, p99 ${ms(l.p99)}`);
  if (f.ratioToSyncSingle) {
    const r = f.ratioToSyncSingle;
    const verdict = r.withinBudget ? 'within' : 'OVER';
    console.log(`  ${ratio(r.eventsPerSec)} ${r.baseline} events/s (${verdict} budget: ≥ ${ratio(r.budget)})`);
  }
  for (const [kind, k] of Object.entries(f.byKind ?? {})) {
    const bad = k.non200 > 0 ? `, ${k.non200} not 200` : '';
    console.log(
      `    ${kind.padEnd(22)} p50 ${ms(k.p50).padStart(7)}  p95 ${ms(k.p95).padStart(7)}  p99 ${ms(k.p99).padStart(7)}${bad}`,
    );
  }
  if (f.oneCaller) {
    const o = f.oneCaller.latencyMs;
    console.log(
      `  one caller alone: p50 ${ms(o.p50)}, p95 ${ms(o.p95)}, p99 ${ms(o.p99)} ms (${int(f.oneCaller.requests)} requests)`,
    );
  }
  if (f.firstPageMs)
    console.log(`    page 1 p50 ${ms(f.firstPageMs.p50)} ms, page ${f.depth} p50 ${ms(f.lastPageMs.p50)} ms`);
  for (const problem of result.problems) console.log(`  PROBLEM: ${problem}`);
}

export function printTable(results) {
  const header = [
    'scenario',
    'req/s',
    'events/s',
    'vs bare',
    'vs native',
    'p50 ms',
    'p95 ms*',
    'p99 ms',
    'alone p95',
    'bad',
  ];
  const rows = results.map((r) => {
    if (r.error) return [r.name, 'FAILED', '', '', '', '', '', '', '', ''];
    const f = r.figures;
    const l = latencyOf(f);
    return [
      r.name,
      int(f.requestsPerSec),
      f.eventsPerSec === undefined ? '-' : int(f.eventsPerSec),
      ratio(f.ratioToBare?.eventsPerSec),
      ratio(f.ratioToSyncSingle?.eventsPerSec),
      ms(l.p50),
      ms(l.p95),
      ms(l.p99),
      ms(f.oneCaller?.latencyMs.p95),
      badAnswers(f),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('* p97.5 for autocannon scenarios (bare-http, ingest-*); exact p95 for query-*.');
  console.log(
    '  vs bare: events/s ÷ bare-http requests/s. bad: non-2xx/errors/mismatches, or share of non-200 answers.',
  );
  console.log('  vs native: ingest-compat-* events/s ÷ ingest-sync-single events/s of this run.');
  console.log('  alone p95: query-* and tree-proof with one caller alone (the other columns: 4 concurrent callers).');
}

/** The compat surfaces against the native endpoint: the budget is at most 20% slower. */
export function printCompatSummary(results, { baseline, minRatio }) {
  const compat = results.filter((r) => r.name.startsWith('ingest-compat-') && !r.error);
  if (compat.length === 0) return;
  const native = results.find((r) => r.name === baseline && !r.error);
  if (!native) {
    console.log(`\nCompat vs native: run ${baseline} in the same run to compare (BENCH_ONLY).`);
    return;
  }
  console.log(
    `\nCompat vs native (${baseline}: ${int(native.figures.eventsPerSec)} events/s; budget ≥ ${ratio(minRatio)}):`,
  );
  for (const r of compat) {
    const v = r.figures.ratioToSyncSingle;
    const verdict = v === undefined ? 'no ratio' : v.withinBudget ? 'within budget' : 'OVER BUDGET';
    console.log(
      `  ${r.name.padEnd(22)} ${int(r.figures.eventsPerSec).padStart(7)} events/s  ${ratio(v?.eventsPerSec)}  ${verdict}`,
    );
  }
}

/** Writes results/<ISO timestamp>.json and results/latest.json; returns the timestamped path. */
export function writeResults(doc) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Colons are not allowed in Windows file names; the rest of the ISO timestamp is kept.
  const path = join(RESULTS_DIR, `${doc.startedAt.replace(/:/g, '-')}.json`);
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  writeFileSync(path, text);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), text);
  return path;
}
