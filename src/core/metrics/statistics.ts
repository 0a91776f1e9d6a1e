// Statistics behind experiments: one figure over a group of seeds summarised with its spread
// (mean, median, interquartile mean, sample std, seeded percentile-bootstrap interval), and paired
// comparisons of two configurations run on the same seeds (probability of improvement, per-seed
// ratio and difference). Seed groups are small (3-10 runs), so everything is exact and O(n^2) at worst.

import { Random } from '../random.ts';

/** Summary of one figure over a group of seeds. */
export interface SampleSummary {
  /** Number of values (seeds). */
  n: number;
  mean: number;
  /** Average of the two middle values for even n. */
  median: number;
  /** Interquartile mean: mean of the middle half (see interquartileMean). */
  iqm: number;
  /** Sample standard deviation (n - 1); 0 for n = 1. */
  std: number;
  /** Percentile-bootstrap interval of the mean (at options.level, 0.95 by default). */
  ci95: [number, number];
}

export interface BootstrapOptions {
  /** Number of resamples, an integer >= 1; default 2000. */
  resamples?: number;
  /** Seed of the resampling generator, an integer; default 0. Same seed and inputs, same interval. */
  seed?: number;
  /** Coverage of the interval, in (0, 1); default 0.95. */
  level?: number;
}

export interface PairedComparison {
  /** Mean of the per-pair figures (ratios or differences). */
  mean: number;
  /** Percentile-bootstrap interval of that mean, resampling pairs. */
  ci95: [number, number];
  /** Pairs used (after dropping unusable ones). */
  n: number;
}

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 0;
const DEFAULT_LEVEL = 0.95;

/** Throws a RangeError naming the function and the first index holding NaN or an infinity. */
function requireFinite(values: readonly number[], caller: string, label = 'value'): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`${caller}: ${label} at index ${i} is ${values[i]}; values must be finite numbers`);
    }
  }
}

function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Arithmetic mean; NaN for an empty sample. */
export function mean(values: readonly number[]): number {
  requireFinite(values, 'mean');
  return meanOfFinite(values);
}

/**
 * Mean without the finiteness check (the bootstrap calls this thousands of times on checked data).
 * Clamped to [min, max], where the true mean always lies: a constant sample then gives exactly its
 * value (0.1 + 0.1 + 0.1 = 0.30000000000000004 would otherwise leak into intervals), and a sum that
 * overflows to Infinity stays in range.
 */
function meanOfFinite(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return Math.min(max, Math.max(min, sum / n));
}

/** Middle value; the average of the two middle values for even n; NaN for an empty sample. */
export function median(values: readonly number[]): number {
  requireFinite(values, 'median');
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = sortedCopy(values);
  const half = n >> 1;
  return n % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/**
 * Interquartile mean with scipy's trim_mean(x, 0.25) semantics (rliable's IQM): sort, cut
 * floor(0.25 n) values from each end, average the rest. For n < 4 nothing is cut (plain mean).
 */
export function interquartileMean(values: readonly number[]): number {
  requireFinite(values, 'interquartileMean');
  const n = values.length;
  if (n === 0) return Number.NaN;
  const cut = Math.floor(n / 4);
  return meanOfFinite(Array.from(sortedCopy(values).subarray(cut, n - cut)));
}

/** Sample standard deviation (divides by n - 1); 0 for n = 1; NaN for an empty sample. */
export function standardDeviation(values: readonly number[]): number {
  requireFinite(values, 'standardDeviation');
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  const mu = meanOfFinite(values);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mu) ** 2;
  return Math.sqrt(squares / (n - 1));
}

interface ResolvedBootstrapOptions {
  resamples: number;
  seed: number;
  level: number;
}

function resolveOptions(options: BootstrapOptions | undefined, caller: string): ResolvedBootstrapOptions {
  const resamples = options?.resamples ?? DEFAULT_RESAMPLES;
  const seed = options?.seed ?? DEFAULT_SEED;
  const level = options?.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`${caller}: options.resamples must be an integer >= 1, got ${resamples}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`${caller}: options.seed must be an integer, got ${seed}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`${caller}: options.level must be in (0, 1), got ${level}`);
  return { resamples, seed, level };
}

/**
 * Quantile q of ascending values by linear interpolation between order statistics
 * (Hyndman-Fan type 7, numpy's default `linear`): position h = (N - 1) q, value
 * x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower];
  const high = sorted[upper];
  // Equal neighbours return the value itself, so a constant statistic gives an exact [c, c].
  return low === high ? low : low + (position - lower) * (high - low);
}

/**
 * Percentile bootstrap interval of `statistic` over resamples with replacement, seeded so the same
 * inputs always give the same interval. n = 1 gives [x, x] (every resample is the sample itself);
 * an empty sample gives [NaN, NaN]. The resampled statistics are sorted and the interval is their
 * ((1 - level) / 2) and (1 - (1 - level) / 2) quantiles by linear interpolation (type 7, see
 * quantileOfSorted). The statistic gets a fresh array each call and must not return NaN.
 */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options?: BootstrapOptions,
): [number, number] {
  const { resamples, seed, level } = resolveOptions(options, 'bootstrapInterval');
  requireFinite(values, 'bootstrapInterval');
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  if (n === 1) {
    const only = statistic([values[0]]);
    return [only, only];
  }
  const random = new Random(seed);
  const statistics = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const sample = new Array<number>(n);
    for (let i = 0; i < n; i++) sample[i] = values[random.nextInt(n)];
    const value = statistic(sample);
    if (Number.isNaN(value)) throw new RangeError(`bootstrapInterval: statistic returned NaN on resample ${r}`);
    statistics[r] = value;
  }
  statistics.sort();
  const tail = (1 - level) / 2;
  return [quantileOfSorted(statistics, tail), quantileOfSorted(statistics, 1 - tail)];
}

/** n, mean, median, IQM, sample std and the bootstrap interval of the mean of one figure over seeds. */
export function describeSample(values: readonly number[], options?: BootstrapOptions): SampleSummary {
  requireFinite(values, 'describeSample');
  return {
    n: values.length,
    mean: mean(values),
    median: median(values),
    iqm: interquartileMean(values),
    std: standardDeviation(values),
    ci95: bootstrapInterval(values, meanOfFinite, options),
  };
}

/**
 * P(candidate > baseline) over all n m pairs, ties counting one half (rliable's probability of
 * improvement; the Mann-Whitney U statistic / (n m)). 0.5 means no tendency either way. NaN when
 * either sample is empty.
 */
export function probabilityOfImprovement(baseline: readonly number[], candidate: readonly number[]): number {
  requireFinite(baseline, 'probabilityOfImprovement', 'baseline value');
  requireFinite(candidate, 'probabilityOfImprovement', 'candidate value');
  if (baseline.length === 0 || candidate.length === 0) return Number.NaN;
  let wins = 0;
  for (const c of candidate) {
    for (const b of baseline) {
      if (c > b) wins += 1;
      else if (c === b) wins += 0.5;
    }
  }
  return wins / (baseline.length * candidate.length);
}

function requireSameLength(baseline: readonly number[], candidate: readonly number[], caller: string): void {
  if (baseline.length !== candidate.length) {
    throw new RangeError(
      `${caller}: baseline has ${baseline.length} values but candidate has ${candidate.length}; ` +
        'pairs are matched by index (one per seed), so the lengths must be equal',
    );
  }
}

/** Mean of per-pair figures with a bootstrap interval over pairs; null when no pair is usable. */
function summarisePairs(perPair: number[], options: BootstrapOptions | undefined): PairedComparison | null {
  if (perPair.length === 0) return null;
  return { mean: meanOfFinite(perPair), ci95: bootstrapInterval(perPair, meanOfFinite, options), n: perPair.length };
}

/**
 * Paired by index (same seed): mean of per-pair candidate / baseline ratios with a bootstrap interval
 * over pairs (resampling pairs). Pairs with a baseline of 0 or a non-finite value (or a non-finite
 * ratio) are dropped and `n` counts the rest; none left -> null. Ratios read naturally only for
 * positive figures (times, throughput, equity); for signed ones such as Sharpe use pairedDifference.
 */
export function pairedRatio(
  baseline: readonly number[],
  candidate: readonly number[],
  options?: BootstrapOptions,
): PairedComparison | null {
  requireSameLength(baseline, candidate, 'pairedRatio');
  resolveOptions(options, 'pairedRatio');
  const ratios: number[] = [];
  for (let i = 0; i < baseline.length; i++) {
    const ratio = candidate[i] / baseline[i];
    if (baseline[i] !== 0 && Number.isFinite(baseline[i]) && Number.isFinite(ratio)) ratios.push(ratio);
  }
  return summarisePairs(ratios, options);
}

/**
 * Paired by index: mean of per-pair differences (candidate - baseline) with a bootstrap interval
 * over pairs. Like pairedRatio, pairs with a non-finite value are dropped and `n` counts the rest;
 * none left -> null.
 */
export function pairedDifference(
  baseline: readonly number[],
  candidate: readonly number[],
  options?: BootstrapOptions,
): PairedComparison | null {
  requireSameLength(baseline, candidate, 'pairedDifference');
  resolveOptions(options, 'pairedDifference');
  const differences: number[] = [];
  for (let i = 0; i < baseline.length; i++) {
    const difference = candidate[i] - baseline[i];
    if (Number.isFinite(baseline[i]) && Number.isFinite(difference)) differences.push(difference);
  }
  return summarisePairs(differences, options);
}
