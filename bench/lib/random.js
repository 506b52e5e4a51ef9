/**
 * Deterministic randomness for the dataset: the same seed must give the same million events on
 * every machine, so results from two runs compare like for like.
 */

/** mulberry32: tiny, fast and good enough for picking test data (not for anything secret). */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's finaliser: derives stable per-entity values (an actor's home IP) without keeping state. */
export function hash32(value) {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Integer in [0, n). */
export function randomInt(random, n) {
  return Math.floor(random() * n);
}

export function pick(random, items) {
  return items[randomInt(random, items.length)];
}

/** Picks an index by weight; weights need not sum to 1. */
export function weightedSampler(weights) {
  return cumulativeSampler(weights);
}

/**
 * Zipf-like ranks: rank k (0-based) is drawn with weight 1 / (k + 1)^s, so a few values are very
 * common and a long tail is rare, as with real users, documents and words.
 */
export function zipfSampler(n, s) {
  return cumulativeSampler(Array.from({ length: n }, (_, k) => 1 / Math.pow(k + 1, s)));
}

function cumulativeSampler(weights) {
  const cdf = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cdf[i] = total += w));
  return (random) => {
    const u = random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
