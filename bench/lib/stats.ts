/** Nearest-rank percentile of an unsorted sample; NaN for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (values: readonly number[]) => percentile(values, 50);

/**
 * The candidate (a split, say) whose throughputs over the rounds have the
 * higher median; ties go to the first. Taking each round's higher figure
 * instead would read high: the larger of two noisy measurements is biased up.
 */
export function higherMedian<T extends { imagesPerSecond: readonly number[] }>(
  candidates: readonly T[],
): T {
  return candidates.reduce((a, b) =>
    median(b.imagesPerSecond) > median(a.imagesPerSecond) ? b : a,
  );
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** The arithmetic mean; 0 for an empty sample. */
export const mean = (values: readonly number[]) =>
  values.reduce((a, b) => a + b, 0) / (values.length || 1);

export function summarize(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    mean: mean(values),
  };
}

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * A percentile-bootstrap interval for a statistic of independent blocks:
 * the blocks are resampled with replacement `rounds` times, and the middle
 * `level` of the statistic's values is returned. Seeded, so the interval a
 * run prints can be recomputed from its JSON. On this host one paired run's
 * median block moves by several hundredths between runs; the interval says
 * how far a single run can be trusted.
 */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: number[]) => number,
  { level = 0.9, rounds = 4000, seed = 1 } = {},
): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(seed);
  const estimates = Array.from({ length: rounds }, () =>
    statistic(values.map(() => values[Math.floor(random() * values.length)])),
  );
  const tail = ((1 - level) / 2) * 100;
  return [percentile(estimates, tail), percentile(estimates, 100 - tail)];
}

/** A small seeded generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
