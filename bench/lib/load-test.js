/**
 * Runs autocannon against one endpoint and reduces its result to the figures we compare.
 * Throughput is the median of autocannon's one-second samples: steadier than the mean when a
 * second is disturbed (a WAL checkpoint, a GC pause), and what autocannon itself reports as Req/Sec 50%.
 */
import autocannon from 'autocannon';

export async function loadTest({ url, path, headers = {}, makeBody, connections, duration, warmup, verifyBody }) {
  const options = {
    url: url + path,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
    // setupRequest runs for every request, so each one gets a new body (and new event ids).
    requests: [{ setupRequest: (request) => ({ ...request, body: makeBody() }) }],
  };
  if (warmup > 0) options.warmup = { connections, duration: warmup };
  if (verifyBody) options.verifyBody = verifyBody;
  return autocannon(options);
}

/** Figures of one autocannon run; eventsPerRequest turns responses/s into events/s. */
export function loadTestFigures(result, eventsPerRequest = 1) {
  const completed = result.requests.total;
  // Only 2xx answers count as ingested; anything else is reported, not silently averaged in.
  const okShare = completed > 0 ? result['2xx'] / completed : 0;
  const requestsPerSec = result.requests.p50;
  return {
    requestsPerSec,
    eventsPerSec: Math.round(requestsPerSec * okShare * eventsPerRequest),
    requestsPerSecMean: result.requests.average,
    samples: result.samples,
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    completed,
    status2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodeStats: result.statusCodeStats,
  };
}

/** Problems that make the figures untrustworthy, as readable strings. */
export function loadTestProblems(figures, mismatchMeaning = 'unexpected response body') {
  const problems = [];
  if (figures.completed === 0) problems.push('no request completed');
  if (figures.non2xx > 0)
    problems.push(`${figures.non2xx} non-2xx answers (${JSON.stringify(figures.statusCodeStats)})`);
  if (figures.errors > 0) problems.push(`${figures.errors} connection errors`);
  if (figures.timeouts > 0) problems.push(`${figures.timeouts} timeouts`);
  if (figures.mismatches > 0) problems.push(`${figures.mismatches} × ${mismatchMeaning}`);
  return problems;
}
