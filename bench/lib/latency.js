/**
 * Exact latency percentiles from every sample (no histogram buckets): query scenarios make a few
 * thousand requests, so sorting them all is cheap and p99 is not an approximation.
 */

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (ms) => (ms === null ? null : Math.round(ms * 100) / 100);

export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min: round(sorted.length ? sorted[0] : null),
    mean: round(sorted.length ? sum / sorted.length : null),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

/** Collects request timings by kind (e.g. the filter used), and counts answers other than 200. */
export function createRecorder() {
  const all = [];
  const byKind = new Map();
  let non200 = 0;
  return {
    add(kind, ms, status) {
      all.push(ms);
      if (!byKind.has(kind)) byKind.set(kind, { samples: [], non200: 0 });
      const entry = byKind.get(kind);
      entry.samples.push(ms);
      if (status !== 200) {
        non200++;
        entry.non200++;
      }
    },
    summary() {
      const kinds = {};
      for (const [kind, entry] of byKind) kinds[kind] = { ...summarize(entry.samples), non200: entry.non200 };
      return { ...summarize(all), non200, non200Share: all.length ? non200 / all.length : 0, byKind: kinds };
    },
  };
}
