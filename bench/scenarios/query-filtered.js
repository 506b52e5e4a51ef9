/**
 * query-filtered: the lookups an investigator makes ("what did this user do", "who touched this
 * document", "failures last night"), rotating so every filter shape gets the same share of requests.
 */
import { URLSearchParams } from 'node:url';
import { createRandom, pick } from '../lib/random.js';
import { queryFigures, queryProblems, runQueryScenario, timedGet } from '../lib/query-loop.js';

const HOUR = 3600 * 1000;

/** A window of `width` ms around an instant the sample says has events. */
const around = (ms, width) => ({
  occurred_at_gte: new Date(ms - width / 2).toISOString(),
  occurred_at_lt: new Date(ms + width / 2).toISOString(),
});

/** Each filter shape, built from a sampled event so the values exist with realistic frequency. */
const SHAPES = {
  action: (e) => ({ action: e.action }),
  'action-prefix': (e) => ({ action: `${e.type}.*` }),
  actor: (e) => ({ actor_id: e.actorId }),
  target: (e) => ({ target_type: e.type, target_id: e.targetId }),
  'outcome-failure': () => ({ outcome: 'failure' }),
  session: (e) => ({ session_id: e.sessionId }),
  ip: (e) => ({ ip: e.ip }),
  'time-1h': (e) => around(e.occurredAt, HOUR),
  'time-1d': (e) => around(e.occurredAt, 24 * HOUR),
  'action+outcome': (e) => ({ action: e.action, outcome: 'failure' }),
  'actor+action-prefix': (e) => ({ actor_id: e.actorId, action: `${e.type}.*` }),
  'actor+time-1d': (e) => ({ actor_id: e.actorId, ...around(e.occurredAt, 24 * HOUR) }),
  'category+severity': (e) => ({ category: e.category, severity: 'high' }),
};

export function buildQueries(sample, seed, perShape = 50) {
  const random = createRandom(seed);
  const queries = [];
  for (let round = 0; round < perShape; round++) {
    for (const [kind, shape] of Object.entries(SHAPES)) {
      queries.push({ kind, query: new URLSearchParams({ limit: '50', ...shape(pick(random, sample)) }).toString() });
    }
  }
  return queries;
}

export async function run({ config, dataset }) {
  const queries = buildQueries(dataset.sample, config.seed + 1);
  const { recorder, elapsedMs, oneCaller } = await runQueryScenario({
    config,
    dataset,
    count: config.queryRequests,
    task: async (i, client, rec) => {
      const { kind, query } = queries[i % queries.length];
      await timedGet(client, rec, kind, `/v1/events?${query}`);
    },
  });
  const figures = queryFigures(recorder.summary(), elapsedMs, oneCaller);
  return { figures, problems: queryProblems(figures), raw: { queries: queries.length } };
}
