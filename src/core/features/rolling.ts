// Causal rolling-window building blocks for the feature sets: prefix sums for O(1) window means,
// exponential moving averages, monotonic-deque window extremes and Wilder smoothing. Every value at
// bar t depends on bars <= t only; near the start, windows are partial (the warm-up hides them).

/** Prefix sums: p[t + 1] = x[0] + ... + x[t], so a window sum is a difference of two entries. */
export function prefixSums(values: Float64Array): Float64Array {
  const sums = new Float64Array(values.length + 1);
  let total = 0;
  for (let t = 0; t < values.length; t++) {
    total += values[t];
    sums[t + 1] = total;
  }
  return sums;
}

/** Prefix sums of a per-bar function of the index. */
export function prefixSumsOf(length: number, valueAt: (t: number) => number): Float64Array {
  const sums = new Float64Array(length + 1);
  let total = 0;
  for (let t = 0; t < length; t++) {
    total += valueAt(t);
    sums[t + 1] = total;
  }
  return sums;
}

/** Mean of the window of `window` bars ending at each t (partial at the start). */
export function rollingMean(sums: Float64Array, window: number, out: Float64Array): Float64Array {
  const length = sums.length - 1;
  for (let t = 0; t < length; t++) {
    const start = t + 1 > window ? t + 1 - window : 0;
    out[t] = (sums[t + 1] - sums[start]) / (t + 1 - start);
  }
  return out;
}

/** Standard deviation over the window ending at each t, from prefix sums of x and x^2. */
export function rollingStd(sums: Float64Array, squareSums: Float64Array, window: number, out: Float64Array): Float64Array {
  const length = sums.length - 1;
  for (let t = 0; t < length; t++) {
    const start = t + 1 > window ? t + 1 - window : 0;
    const count = t + 1 - start;
    const mean = (sums[t + 1] - sums[start]) / count;
    const meanSquare = (squareSums[t + 1] - squareSums[start]) / count;
    const variance = meanSquare - mean * mean;
    // Rounding noise of the prefix-sum differences; a variance below it (e.g. a one-bar window) is 0.
    const noise = (4e-16 * (squareSums[t + 1] + Math.abs(mean) * Math.abs(sums[t + 1]) * 2)) / count + 1e-12 * meanSquare;
    out[t] = variance > noise ? Math.sqrt(variance) : 0;
  }
  return out;
}

/** Exponential moving average with alpha = 2 / (span + 1), seeded with the first value. */
export function ema(values: Float64Array, span: number, out: Float64Array = new Float64Array(values.length)): Float64Array {
  const alpha = 2 / (span + 1);
  let average = values.length > 0 ? values[0] : 0;
  for (let t = 0; t < values.length; t++) {
    average += alpha * (values[t] - average);
    out[t] = average;
  }
  return out;
}

/**
 * Maximum (sign 1) or minimum (sign -1) over the window ending at each t (partial at the start), in
 * O(n) with the van Herk / Gil-Werman method: running extremes forward and backward within blocks of
 * `window` bars; a window spans at most two blocks, so its extreme is one of each. Branch-light, so
 * it is several times faster than a monotonic deque on noisy prices.
 */
export function rollingExtreme(values: Float64Array, window: number, sign: 1 | -1, out: Float64Array = new Float64Array(values.length)): Float64Array {
  if (sign === 1) return rollingMaximum(values, window, out);
  // min(x) = -max(-x): reuse the maximum on a negated copy.
  const negated = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) negated[t] = -values[t];
  rollingMaximum(negated, window, out);
  for (let t = 0; t < out.length; t++) out[t] = -out[t];
  return out;
}

function rollingMaximum(values: Float64Array, window: number, out: Float64Array): Float64Array {
  const length = values.length;
  const backward = new Float64Array(length); // maximum from t to the end of t's block
  for (let blockStart = 0; blockStart < length; blockStart += window) {
    const blockEnd = Math.min(length, blockStart + window);
    let forward = values[blockStart];
    for (let t = blockStart; t < blockEnd; t++) {
      const value = values[t];
      if (value > forward) forward = value;
      out[t] = forward; // maximum from the block start to t
    }
    let running = values[blockEnd - 1];
    for (let t = blockEnd - 1; t >= blockStart; t--) {
      const value = values[t];
      if (value > running) running = value;
      backward[t] = running;
    }
  }
  for (let t = window; t < length; t++) {
    // Window [t - window + 1, t]: the tail of the previous block plus the head of t's block.
    const tail = backward[t - window + 1];
    if (tail > out[t]) out[t] = tail;
  }
  return out;
}

/**
 * Wilder's RSI rescaled to [-1, 1]: (avgGain - avgLoss) / (avgGain + avgLoss), which equals
 * (RSI - 50) / 50 and stays defined (0) when the price has not moved.
 */
export function wilderRsi(returns: Float64Array, period: number, out: Float64Array): Float64Array {
  let averageGain = 0;
  let averageLoss = 0;
  for (let t = 0; t < returns.length; t++) {
    const change = returns[t];
    const weight = t < period ? 1 / (t + 1) : 1 / period; // simple mean until the first full period
    averageGain += weight * ((change > 0 ? change : 0) - averageGain);
    averageLoss += weight * ((change < 0 ? -change : 0) - averageLoss);
    const total = averageGain + averageLoss;
    out[t] = total > 0 ? (averageGain - averageLoss) / total : 0;
  }
  return out;
}

/** Wilder smoothing (alpha = 1 / period, simple mean until the first full period). */
export function wilderAverage(values: Float64Array, period: number, out: Float64Array): Float64Array {
  let average = 0;
  for (let t = 0; t < values.length; t++) {
    const weight = t < period ? 1 / (t + 1) : 1 / period;
    average += weight * (values[t] - average);
    out[t] = average;
  }
  return out;
}

/** Slope x window of the least-squares line through the last `window` values (0 until a full window). */
export function rollingTrend(values: Float64Array, window: number, out: Float64Array): Float64Array {
  // Sums over local time k = 0..window-1 are updated in O(1): when the window slides, every k drops by one.
  const meanK = (window - 1) / 2;
  const varianceK = (window * window - 1) / 12;
  let sumY = 0;
  let sumKY = 0;
  for (let t = 0; t < values.length; t++) {
    if (t < window) {
      sumY += values[t];
      sumKY += t * values[t];
    } else {
      const leaving = values[t - window];
      sumKY += -(sumY - leaving) + (window - 1) * values[t];
      sumY += values[t] - leaving;
    }
    if (t + 1 < window) {
      out[t] = 0;
      continue;
    }
    const covariance = sumKY / window - meanK * (sumY / window);
    out[t] = (covariance / varianceK) * window;
  }
  return out;
}
