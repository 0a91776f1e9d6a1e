// Parameterised feature definitions (returns, moving-average distances, volatility, RSI, MACD,
// ranges, volume, efficiency, trend) from which the macro and micro sets are assembled. Hand-written
// over typed arrays: see docs/features.md for why no indicator library is used.

import { windowStart, volumeLogRatio, type FeatureContext, type FeatureDefinition } from './context.ts';
import { ema, rollingMean, rollingStd, rollingTrend, wilderAverage, wilderRsi } from './rolling.ts';

const lagged = (t: number, k: number): number => (t >= k ? t - k : 0);

/** out[t] = values[t - lag] - values[t - lag - span] (indices clamped at 0), in straight loops. */
function laggedDifference(values: Float64Array, lag: number, span: number, out: Float64Array): void {
  const length = values.length;
  const far = lag + span;
  for (let t = 0; t < Math.min(length, far); t++) out[t] = values[lagged(t, lag)] - values[0];
  for (let t = far; t < length; t++) out[t] = values[t - lag] - values[t - far];
}

/** Log return over h bars: log(c[t] / c[t-h]). */
export const returnOver = (h: number): FeatureDefinition => ({
  name: `ret_${h}`, formula: `log(c[t] / c[t-${h}])`, lookback: h,
  compute: ({ logPrice }, out) => laggedDifference(logPrice, 0, h, out),
});

/** One-bar log return k bars ago. */
export const returnLag = (k: number): FeatureDefinition => ({
  name: `ret_lag_${k}`, formula: k === 0 ? 'log(c[t] / c[t-1])' : `log(c[t-${k}] / c[t-${k + 1}])`, lookback: k + 1,
  compute: ({ returns, length }, out) => {
    out.fill(0, 0, Math.min(k, length));
    if (length > k) out.set(returns.subarray(0, length - k), k);
  },
});

/** Log return of the k-th block of `block` bars before now (k = 1 is the latest block). */
export const blockReturn = (k: number, block: number): FeatureDefinition => ({
  name: `block_ret_${block}x${k}`, formula: `log(c[t-${block * (k - 1)}] / c[t-${block * k}])`, lookback: block * k,
  compute: ({ logPrice }, out) => laggedDifference(logPrice, block * (k - 1), block, out),
});

/** Distance of the log close from its simple moving average (moving averages are of log c throughout). */
export const smaDistance = (w: number): FeatureDefinition => ({
  name: `sma_dist_${w}`, formula: `log c - SMA_${w}(log c)`, lookback: w,
  compute: (context, out) => {
    rollingMean(context.sums('logPrice'), w, out);
    for (let t = 0; t < context.length; t++) out[t] = context.logPrice[t] - out[t];
  },
});

/** Distance of the log close from its exponential moving average. */
export const emaDistance = (span: number): FeatureDefinition => ({
  name: `ema_dist_${span}`, formula: `log c - EMA_${span}(log c)`, lookback: span,
  compute: (context, out) => {
    const average = context.emaLogPrice(span);
    for (let t = 0; t < context.length; t++) out[t] = context.logPrice[t] - average[t];
  },
});

/** Crossover of two EMAs. */
export const emaCross = (fast: number, slow: number): FeatureDefinition => ({
  name: `ema_cross_${fast}_${slow}`, formula: `EMA_${fast}(log c) - EMA_${slow}(log c)`, lookback: slow,
  compute: (context, out) => {
    const a = context.emaLogPrice(fast);
    const b = context.emaLogPrice(slow);
    for (let t = 0; t < context.length; t++) out[t] = a[t] - b[t];
  },
});

function returnVolatility(context: FeatureContext, w: number): Float64Array {
  return context.cached(`vol:${w}`, () => rollingStd(context.sums('returns'), context.sums('returnsSquared'), w, new Float64Array(context.length)));
}

/** Realised volatility: std of one-bar log returns over the window. */
export const volatility = (w: number): FeatureDefinition => ({
  name: `vol_${w}`, formula: `std(r[t-${w - 1}..t])`, lookback: w,
  compute: (context, out) => out.set(returnVolatility(context, w)),
});

/** Ratio of a short to a long realised volatility. */
export const volatilityRatio = (short: number, long: number): FeatureDefinition => ({
  name: `vol_ratio_${short}_${long}`, formula: `log(vol_${short} / vol_${long})`, lookback: long,
  compute: (context, out) => {
    const a = returnVolatility(context, short);
    const b = returnVolatility(context, long);
    for (let t = 0; t < context.length; t++) out[t] = a[t] > 0 && b[t] > 0 ? Math.log(a[t] / b[t]) : 0;
  },
});

/** Wilder RSI rescaled to [-1, 1]. */
export const rsi = (period: number): FeatureDefinition => ({
  name: `rsi_${period}`, formula: `(RSI_${period} - 50) / 50 (Wilder smoothing)`, lookback: period * 3,
  compute: (context, out) => wilderRsi(context.returns, period, out),
});

function macdLine(context: FeatureContext, fast: number, slow: number): Float64Array {
  return context.cached(`macd:${fast}:${slow}`, () => {
    const a = context.emaLogPrice(fast);
    const b = context.emaLogPrice(slow);
    const line = new Float64Array(context.length);
    for (let t = 0; t < context.length; t++) line[t] = a[t] - b[t];
    return line;
  });
}

/** MACD of the log price (so it is scale-free): line, signal and histogram. */
export const macd = (fast: number, slow: number, signal: number, part: 'line' | 'signal' | 'hist'): FeatureDefinition => ({
  name: part === 'line' ? `macd_${fast}_${slow}` : `macd_${part}_${signal}`,
  formula: part === 'line' ? `EMA_${fast}(log c) - EMA_${slow}(log c)` : part === 'signal' ? `EMA_${signal}(macd_${fast}_${slow})` : `macd_${fast}_${slow} - EMA_${signal}(macd_${fast}_${slow})`,
  lookback: slow + signal,
  compute: (context, out) => {
    const line = macdLine(context, fast, slow);
    if (part === 'line') {
      out.set(line);
      return;
    }
    const smoothed = context.cached(`macd-signal:${fast}:${slow}:${signal}`, () => ema(line, signal));
    if (part === 'signal') out.set(smoothed);
    else for (let t = 0; t < context.length; t++) out[t] = line[t] - smoothed[t];
  },
});

/** Width of the high-low range. */
export const rangeWidth = (w: number): FeatureDefinition => ({
  name: `range_${w}`, formula: `log(max(h, ${w}) / min(l, ${w}))`, lookback: w,
  compute: (context, out) => {
    const highest = context.highestLogHigh(w);
    const lowest = context.lowestLogLow(w);
    for (let t = 0; t < context.length; t++) out[t] = highest[t] - lowest[t];
  },
});

/** Where the close sits in the high-low range on a log scale, in [-1, 1] (stochastic %K, rescaled). */
export const rangePosition = (w: number, name = `range_pos_${w}`): FeatureDefinition => ({
  name, formula: `2 (log c - log min(l, ${w})) / (log max(h, ${w}) - log min(l, ${w})) - 1`, lookback: w,
  compute: (context, out) => {
    const highest = context.highestLogHigh(w);
    const lowest = context.lowestLogLow(w);
    for (let t = 0; t < context.length; t++) {
      const span = highest[t] - lowest[t];
      out[t] = span > 0 ? (2 * (context.logPrice[t] - lowest[t])) / span - 1 : 0;
    }
  },
});

/** Stochastic %D: the mean of the last `smoothing` range positions. */
export const stochasticD = (w: number, smoothing: number): FeatureDefinition => ({
  name: `stochastic_d_${w}_${smoothing}`, formula: `mean of stochastic_k_${w} over ${smoothing} bars`, lookback: w + smoothing,
  compute: (context, out) => {
    rangePosition(w).compute(context, out);
    let sum = 0;
    const raw = Float64Array.from(out);
    for (let t = 0; t < context.length; t++) {
      sum += raw[t] - (t >= smoothing ? raw[t - smoothing] : 0);
      out[t] = sum / Math.min(t + 1, smoothing);
    }
  },
});

/** Short versus long average volume. */
export const volumeRatio = (short: number, long: number): FeatureDefinition => ({
  name: `volume_ratio_${short}_${long}`, formula: `log((SMA_${short}(v) + k) / (SMA_${long}(v) + k)), k = 1% of SMA_${long}(v)`, lookback: long,
  compute: (context, out) => {
    const sums = context.sums('volume');
    for (let t = 0; t < context.length; t++) {
      const a = windowStart(t, short);
      const b = windowStart(t, long);
      out[t] = volumeLogRatio((sums[t + 1] - sums[a]) / (t + 1 - a), (sums[t + 1] - sums[b]) / (t + 1 - b));
    }
  },
});

/** Share of volume on up bars minus down bars, in [-1, 1]. */
export const signedVolume = (w: number): FeatureDefinition => ({
  name: `signed_volume_${w}`, formula: `sum(sign(r) v, ${w}) / sum(v, ${w})`, lookback: w,
  compute: (context, out) => {
    const signed = context.sums('signedVolume');
    const total = context.sums('volume');
    for (let t = 0; t < context.length; t++) {
      const start = windowStart(t, w);
      const volume = total[t + 1] - total[start];
      out[t] = volume > 0 ? (signed[t + 1] - signed[start]) / volume : 0;
    }
  },
});

/** Kaufman efficiency ratio with sign: net move over the sum of absolute moves, in [-1, 1]. */
export const efficiency = (w: number): FeatureDefinition => ({
  name: `efficiency_${w}`, formula: `log(c[t] / c[t-${w}]) / sum(|r|, ${w})`, lookback: w,
  compute: (context, out) => {
    const absolute = context.sums('absReturns');
    for (let t = 0; t < context.length; t++) {
      const start = windowStart(t, w);
      const path = absolute[t + 1] - absolute[start];
      out[t] = path > 0 ? (context.logPrice[t] - context.logPrice[lagged(t, w)]) / path : 0;
    }
  },
});

/** Least-squares trend of the log price over the window, as the fitted move across it. */
export const trendSlope = (w: number): FeatureDefinition => ({
  name: `trend_${w}`, formula: `${w} x OLS slope of log(c) over ${w} bars`, lookback: w,
  compute: (context, out) => rollingTrend(context.logPrice, w, out),
});

/** Bollinger %B of the log price, centred: (log c - mean) / (2 std) over the window. */
export const bollinger = (w: number): FeatureDefinition => ({
  name: `bollinger_${w}`, formula: `(log c - mean(log c, ${w})) / (2 std(log c, ${w}))`, lookback: w,
  compute: (context, out) => {
    const sums = context.sums('logPrice');
    rollingStd(sums, context.sums('logPriceSquared'), w, out);
    for (let t = 0; t < context.length; t++) {
      const start = windowStart(t, w);
      const mean = (sums[t + 1] - sums[start]) / (t + 1 - start);
      out[t] = out[t] > 0 ? (context.logPrice[t] - mean) / (2 * out[t]) : 0;
    }
  },
});

/** High-low range of the bar k bars ago. */
export const barRangeLag = (k: number): FeatureDefinition => ({
  name: `bar_range_lag_${k}`, formula: k === 0 ? 'log(h[t] / l[t])' : `log(h[t-${k}] / l[t-${k}])`, lookback: k + 1,
  compute: ({ logHigh, logLow, length }, out) => { for (let t = 0; t < length; t++) out[t] = logHigh[lagged(t, k)] - logLow[lagged(t, k)]; },
});

/** Close location value of the bar k bars ago: where the close sits in its bar, in [-1, 1]. */
export const closeLocationLag = (k: number): FeatureDefinition => ({
  name: `close_location_lag_${k}`, formula: `((c - l) - (h - c)) / (h - l) at t-${k}`, lookback: k + 1,
  compute: ({ high, low, close, length }, out) => {
    for (let t = 0; t < length; t++) {
      const i = lagged(t, k);
      const span = high[i] - low[i];
      out[t] = span > 0 ? (close[i] - low[i] - (high[i] - close[i])) / span : 0;
    }
  },
});

/** Average true range (Wilder) relative to the close. */
export const averageTrueRange = (period: number): FeatureDefinition => ({
  name: `atr_${period}`, formula: `Wilder mean of max(h - l, |h - c[t-1]|, |l - c[t-1]|) over ${period}, / c`, lookback: period * 3,
  compute: ({ high, low, close, length }, out) => {
    const trueRange = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      const previous = close[lagged(t, 1)];
      trueRange[t] = Math.max(high[t] - low[t], Math.abs(high[t] - previous), Math.abs(low[t] - previous));
    }
    wilderAverage(trueRange, period, out);
    for (let t = 0; t < length; t++) out[t] /= close[t];
  },
});

/** Drawdown of the close from its highest close over the window (<= 0). */
export const drawdown = (w: number): FeatureDefinition => ({
  name: `drawdown_${w}`, formula: `log(c[t] / max(c, ${w}))`, lookback: w,
  compute: (context, out) => {
    const highest = context.highestLogPrice(w);
    for (let t = 0; t < context.length; t++) out[t] = context.logPrice[t] - highest[t];
  },
});
