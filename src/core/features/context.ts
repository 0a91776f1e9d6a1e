// Shared inputs for feature computation: the price columns, log prices and one-bar returns, plus a
// memo of derived arrays (prefix sums, EMAs, window extremes) so that features reusing the same
// building block compute it once. Also the small feature-definition type both sets are written in.

import type { OhlcvSeries } from '../market/series.ts';
import { ema, prefixSums, rollingExtreme } from './rolling.ts';

/** One feature: its name, the formula documented in docs/features.md, and how to compute its column. */
export interface FeatureDefinition {
  readonly name: string;
  /** The formula as documented (windows in bars). */
  readonly formula: string;
  /** Bars of history needed before the value is fully formed. */
  readonly lookback: number;
  /** Writes the raw (unnormalised) value of every bar into `out`, using bars <= t only for bar t. */
  readonly compute: (context: FeatureContext, out: Float64Array) => void;
}

/** Per-bar quantities whose prefix sums features use. */
export type SummedQuantity = 'logPrice' | 'logPriceSquared' | 'returns' | 'returnsSquared' | 'absReturns' | 'volume' | 'signedVolume';

export class FeatureContext {
  readonly length: number;
  readonly close: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly volume: Float64Array;
  /**
   * log(close) - log(close[0]): the log price shifted near zero, so sums of squares keep their
   * precision. Working in log prices also makes moving averages, ranges and drawdowns free of
   * per-bar logarithms, which dominate the cost otherwise.
   */
  readonly logPrice: Float64Array;
  /** log(high) and log(low), shifted like logPrice. */
  readonly logHigh: Float64Array;
  readonly logLow: Float64Array;
  /** One-bar log return of the close (0 for the first bar). */
  readonly returns: Float64Array;
  private readonly memo = new Map<string, Float64Array>();

  constructor(series: OhlcvSeries) {
    const { length, close, high, low } = series;
    this.length = length;
    this.close = close;
    this.high = high;
    this.low = low;
    this.volume = series.volume;
    this.logPrice = new Float64Array(length);
    this.logHigh = new Float64Array(length);
    this.logLow = new Float64Array(length);
    this.returns = new Float64Array(length);
    const base = length > 0 ? Math.log(close[0]) : 0;
    for (let t = 0; t < length; t++) {
      this.logPrice[t] = Math.log(close[t]) - base;
      this.logHigh[t] = Math.log(high[t]) - base;
      this.logLow[t] = Math.log(low[t]) - base;
      this.returns[t] = t > 0 ? this.logPrice[t] - this.logPrice[t - 1] : 0;
    }
  }

  /** A derived array computed once per context. */
  cached(key: string, build: () => Float64Array): Float64Array {
    let value = this.memo.get(key);
    if (value === undefined) {
      value = build();
      this.memo.set(key, value);
    }
    return value;
  }

  /** Releases memoised arrays (they can be large for million-bar series). */
  clear(): void {
    this.memo.clear();
  }

  /** Prefix sums of a named per-bar quantity. */
  sums(quantity: SummedQuantity): Float64Array {
    return this.cached(`sums:${quantity}`, () => {
      const { logPrice, returns, volume, length } = this;
      const values = new Float64Array(length);
      if (quantity === 'logPrice') values.set(logPrice);
      else if (quantity === 'logPriceSquared') for (let t = 0; t < length; t++) values[t] = logPrice[t] * logPrice[t];
      else if (quantity === 'returns') values.set(returns);
      else if (quantity === 'returnsSquared') for (let t = 0; t < length; t++) values[t] = returns[t] * returns[t];
      else if (quantity === 'absReturns') for (let t = 0; t < length; t++) values[t] = Math.abs(returns[t]);
      else if (quantity === 'volume') values.set(volume);
      else for (let t = 0; t < length; t++) values[t] = returns[t] > 0 ? volume[t] : returns[t] < 0 ? -volume[t] : 0;
      return prefixSums(values);
    });
  }

  /** EMA of the log price. */
  emaLogPrice(span: number): Float64Array {
    return this.cached(`ema:${span}`, () => ema(this.logPrice, span));
  }

  /** Highest log high over the window ending at each bar. */
  highestLogHigh(window: number): Float64Array {
    return this.cached(`hh:${window}`, () => rollingExtreme(this.logHigh, window, 1));
  }

  /** Lowest log low over the window ending at each bar. */
  lowestLogLow(window: number): Float64Array {
    return this.cached(`ll:${window}`, () => rollingExtreme(this.logLow, window, -1));
  }

  /** Highest log close over the window ending at each bar. */
  highestLogPrice(window: number): Float64Array {
    return this.cached(`hc:${window}`, () => rollingExtreme(this.logPrice, window, 1));
  }
}

/** Start of the window of `window` bars ending at t (clamped to 0), as a prefix-sum index. */
export function windowStart(t: number, window: number): number {
  return t + 1 > window ? t + 1 - window : 0;
}

/** log((a + c) / (b + c)) with c = 1% of b: a volume ratio that stays finite when volume is 0. */
export function volumeLogRatio(a: number, b: number): number {
  const cushion = 0.01 * b + 1e-12;
  return Math.log((a + cushion) / (b + cushion));
}
