// The OHLCV series type: one bar per index, stored as a struct of Float64Array columns so that
// a million bars cost six flat arrays rather than a million objects, and so that columns can be
// encoded to disk and shared between threads as they are.

/** Bar columns of a market series. Timestamps are the bar open time, milliseconds since the epoch, UTC. */
export interface OhlcvSeries {
  /** Number of bars. */
  readonly length: number;
  readonly timestamps: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The five value columns, in the order they are stored on disk. */
export const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type ValueColumn = (typeof VALUE_COLUMNS)[number];

/** A zero-filled series of `length` bars. */
export function createSeries(length: number): OhlcvSeries {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`series length must be a non-negative integer, got ${length}`);
  return {
    length,
    timestamps: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Copies of the first `length` bars (used to trim parse buffers to the rows actually read). */
export function truncateSeries(series: OhlcvSeries, length: number): OhlcvSeries {
  if (length === series.length) return series;
  return {
    length,
    timestamps: series.timestamps.slice(0, length),
    open: series.open.slice(0, length),
    high: series.high.slice(0, length),
    low: series.low.slice(0, length),
    close: series.close.slice(0, length),
    volume: series.volume.slice(0, length),
  };
}

/** Views (no copy) of bars [start, end). */
export function sliceSeries(series: OhlcvSeries, start: number, end: number): OhlcvSeries {
  if (!(start >= 0 && end <= series.length && start <= end)) {
    throw new RangeError(`slice [${start}, ${end}) is outside the series of ${series.length} bars`);
  }
  return {
    length: end - start,
    timestamps: series.timestamps.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  };
}
