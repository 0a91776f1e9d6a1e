// Dataset statistics shown by `traindeck data info` and the app: size, time span, bar interval,
// gaps, and price and return summaries. Also the bar-interval rule every annualisation uses.

import type { OhlcvSeries } from './series.ts';

/** Milliseconds in a year of continuous (24/7) crypto trading. */
export const MILLISECONDS_PER_YEAR = 365.25 * 24 * 3600 * 1000;

/** A gap is a step between bars longer than this many bar intervals. */
export const GAP_THRESHOLD_INTERVALS = 1.5;

export interface GapReport {
  /** Number of steps between consecutive bars longer than 1.5 bar intervals. */
  readonly count: number;
  /** Longest such step, ms (0 when there are none). */
  readonly largestMs: number;
  /** Bars that would fill all gaps at the regular interval. */
  readonly missingBars: number;
}

export interface SeriesStats {
  readonly rows: number;
  readonly firstTimestampMs: number;
  readonly lastTimestampMs: number;
  /** Last minus first bar time, ms. */
  readonly spanMs: number;
  /** The bar interval: the median step between consecutive timestamps, ms (0 with fewer than 2 bars). */
  readonly intervalMs: number;
  readonly gaps: GapReport;
  /** Close-price summary, with the lowest low and the highest high. */
  readonly price: { readonly first: number; readonly last: number; readonly min: number; readonly max: number; readonly mean: number };
  /** One-bar log returns of the close. */
  readonly returns: {
    readonly mean: number;
    readonly std: number;
    readonly min: number;
    readonly max: number;
    /** std * sqrt(bars per year), from the bar interval. */
    readonly annualisedVolatility: number;
  };
  readonly volume: { readonly total: number; readonly mean: number };
}

/** The median step between consecutive timestamps (robust to a few gaps), or 0 with fewer than 2 bars. */
export function medianInterval(timestamps: Float64Array): number {
  const steps = timestamps.length - 1;
  if (steps < 1) return 0;
  const deltas = new Float64Array(steps);
  for (let i = 0; i < steps; i++) deltas[i] = timestamps[i + 1] - timestamps[i];
  deltas.sort();
  const middle = steps >> 1;
  return steps % 2 === 1 ? deltas[middle] : (deltas[middle - 1] + deltas[middle]) / 2;
}

/** Gaps: steps longer than 1.5 x `intervalMs`. */
export function detectGaps(timestamps: Float64Array, intervalMs: number): GapReport {
  let count = 0;
  let largestMs = 0;
  let missingBars = 0;
  if (intervalMs > 0) {
    const threshold = intervalMs * GAP_THRESHOLD_INTERVALS;
    for (let i = 1; i < timestamps.length; i++) {
      const delta = timestamps[i] - timestamps[i - 1];
      if (delta > threshold) {
        count++;
        if (delta > largestMs) largestMs = delta;
        missingBars += Math.round(delta / intervalMs) - 1;
      }
    }
  }
  return { count, largestMs, missingBars };
}

/** Bars per year for annualising per-bar figures (Sharpe, volatility); 0 when the interval is unknown. */
export function barsPerYear(intervalMs: number): number {
  return intervalMs > 0 ? MILLISECONDS_PER_YEAR / intervalMs : 0;
}

export function computeSeriesStats(series: OhlcvSeries): SeriesStats {
  const { length, timestamps, low, high, close, volume } = series;
  const intervalMs = medianInterval(timestamps);
  let minPrice = Number.POSITIVE_INFINITY;
  let maxPrice = Number.NEGATIVE_INFINITY;
  let closeSum = 0;
  let volumeSum = 0;
  for (let i = 0; i < length; i++) {
    if (low[i] < minPrice) minPrice = low[i];
    if (high[i] > maxPrice) maxPrice = high[i];
    closeSum += close[i];
    volumeSum += volume[i];
  }
  let returnSum = 0;
  let returnSquares = 0;
  let minReturn = Number.POSITIVE_INFINITY;
  let maxReturn = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < length; i++) {
    const logReturn = Math.log(close[i] / close[i - 1]);
    returnSum += logReturn;
    returnSquares += logReturn * logReturn;
    if (logReturn < minReturn) minReturn = logReturn;
    if (logReturn > maxReturn) maxReturn = logReturn;
  }
  const returnCount = Math.max(0, length - 1);
  const returnMean = returnCount > 0 ? returnSum / returnCount : 0;
  const returnVariance = returnCount > 1 ? Math.max(0, (returnSquares - returnCount * returnMean * returnMean) / (returnCount - 1)) : 0;
  const returnStd = Math.sqrt(returnVariance);
  return {
    rows: length,
    firstTimestampMs: length > 0 ? timestamps[0] : 0,
    lastTimestampMs: length > 0 ? timestamps[length - 1] : 0,
    spanMs: length > 0 ? timestamps[length - 1] - timestamps[0] : 0,
    intervalMs,
    gaps: detectGaps(timestamps, intervalMs),
    price: {
      first: length > 0 ? close[0] : 0,
      last: length > 0 ? close[length - 1] : 0,
      min: length > 0 ? minPrice : 0,
      max: length > 0 ? maxPrice : 0,
      mean: length > 0 ? closeSum / length : 0,
    },
    returns: {
      mean: returnMean,
      std: returnStd,
      min: returnCount > 0 ? minReturn : 0,
      max: returnCount > 0 ? maxReturn : 0,
      annualisedVolatility: returnStd * Math.sqrt(barsPerYear(intervalMs)),
    },
    volume: { total: volumeSum, mean: length > 0 ? volumeSum / length : 0 },
  };
}
