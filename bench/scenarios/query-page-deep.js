/**
 * query-page-deep: an export-like walk following next_cursor 20 pages deep. Keyset cursors should
 * make page 20 as cheap as page 1; the figures show whether they do.
 */
import { URLSearchParams } from 'node:url';
import { queryFigures, queryProblems, runQueryScenario, timedGet } from '../lib/query-loop.js';
import { summarize } from '../lib/latency.js';

/** Filters with enough matches for 20 pages even in a small (BENCH_EVENTS=50000) dataset. */
function walkFilters(sample) {
  const mostFrequent = (field) => {
    const counts = new Map();
    for (const e of sample) counts.set(e[field], (counts.get(e[field]) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0][0];
  };
  return [
    { kind: 'action-prefix', filter: { action: 'document.*' } },
    { kind: 'outcome-failure', filter: { outcome: 'failure' } },
    { kind: 'actor', filter: { actor_id: mostFrequent('actorId') } },
    { kind: 'category', filter: { category: 'identity' } },
    { kind: 'action', filter: { action: mostFrequent('action') } },
  ];
}

export async function run({ config, dataset }) {
  const filters = walkFilters(dataset.sample);
  const depth = config.pageDepth;
  const walks = Math.ceil(config.queryRequests / depth);
  const firstPages = [];
  const lastPages = [];
  let shortWalks = 0;
  const { recorder, elapsedMs, oneCaller } = await runQueryScenario({
    config,
    dataset,
    // One task is a whole walk, so the page count stays close to the other query scenarios'.
    count: walks,
    task: async (i, client, rec, measured) => {
      const { kind, filter } = filters[i % filters.length];
      let cursor;
      for (let page = 1; page <= depth; page++) {
        const params = new URLSearchParams({ limit: '50', ...filter, ...(cursor ? { cursor } : {}) });
        const { ms, body } = await timedGet(client, rec, kind, `/v1/events?${params}`);
        if (measured && page === 1) firstPages.push(ms);
        if (measured && page === depth) lastPages.push(ms);
        cursor = body?.next_cursor;
        if (!cursor) {
          if (measured && page < depth) shortWalks++;
          break;
        }
      }
    },
  });
  const figures = {
    ...queryFigures(recorder.summary(), elapsedMs, oneCaller),
    depth,
    walks,
    shortWalks,
    firstPageMs: summarize(firstPages),
    lastPageMs: summarize(lastPages),
  };
  const problems = queryProblems(figures);
  if (shortWalks > 0) problems.push(`${shortWalks} walks ended before page ${depth}`);
  return { figures, problems, raw: { filters } };
}
