/**
 * query-fulltext: `q=` searches over summaries and metadata. Word frequency follows the dataset's
 * Zipf ranks, so the mix covers terms in most events, in a few percent, and in a fraction of one.
 */
import { URLSearchParams } from 'node:url';
import { createRandom, randomInt } from '../lib/random.js';
import { queryFigures, queryProblems, runQueryScenario, timedGet } from '../lib/query-loop.js';
import { VOCABULARY } from '../lib/vocabulary.js';

const n = VOCABULARY.length;
const COMMON = VOCABULARY.slice(0, 5); // each in roughly 15-60% of events
const MEDIUM = VOCABULARY.slice(40, 80); // ~1-3%
const RARE = VOCABULARY.slice(n - 40); // ~0.5%

const SHAPES = {
  common: (r) => COMMON[randomInt(r, COMMON.length)],
  medium: (r) => MEDIUM[randomInt(r, MEDIUM.length)],
  rare: (r) => RARE[randomInt(r, RARE.length)],
  prefix: (r) => `${MEDIUM[randomInt(r, MEDIUM.length)].slice(0, 4)}*`,
  'common+rare': (r) => `${COMMON[randomInt(r, COMMON.length)]} ${RARE[randomInt(r, RARE.length)]}`,
  'medium+medium': (r) => `${MEDIUM[randomInt(r, MEDIUM.length)]} ${MEDIUM[randomInt(r, MEDIUM.length)]}`,
};

export function buildQueries(seed, perShape = 50) {
  const random = createRandom(seed);
  const queries = [];
  for (let round = 0; round < perShape; round++) {
    for (const [kind, shape] of Object.entries(SHAPES)) {
      queries.push({ kind, query: new URLSearchParams({ limit: '50', q: shape(random) }).toString() });
    }
  }
  return queries;
}

export async function run({ config, dataset }) {
  const queries = buildQueries(config.seed + 2);
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
