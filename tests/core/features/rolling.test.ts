// Rolling-window helpers against brute-force definitions, including partial windows at the start.
import { describe, expect, it } from 'vitest';
import { ema, prefixSums, rollingExtreme, rollingMean, rollingStd, rollingTrend, wilderRsi } from '../../../src/core/features/rolling.ts';
import { Random } from '../../../src/core/random.ts';

const random = new Random(11);
const values = Float64Array.from({ length: 257 }, () => random.normal());

function window(t: number, w: number): number[] {
  return Array.from(values.subarray(Math.max(0, t - w + 1), t + 1));
}

describe('rolling helpers', () => {
  it('mean and std over partial and full windows', () => {
    for (const w of [1, 3, 20, 300]) {
      const mean = rollingMean(prefixSums(values), w, new Float64Array(values.length));
      const squares = prefixSums(values.map((x) => x * x));
      const std = rollingStd(prefixSums(values), squares, w, new Float64Array(values.length));
      for (let t = 0; t < values.length; t++) {
        const items = window(t, w);
        const m = items.reduce((a, b) => a + b) / items.length;
        expect(mean[t]).toBeCloseTo(m, 10);
        expect(std[t]).toBeCloseTo(Math.sqrt(items.reduce((a, x) => a + (x - m) ** 2, 0) / items.length), 7);
      }
    }
  });

  it('window maxima and minima for many window sizes', () => {
    for (const w of [1, 2, 5, 16, 64, 500]) {
      const highest = rollingExtreme(values, w, 1);
      const lowest = rollingExtreme(values, w, -1);
      for (let t = 0; t < values.length; t++) {
        expect(highest[t]).toBe(Math.max(...window(t, w)));
        expect(lowest[t]).toBe(Math.min(...window(t, w)));
      }
    }
  });

  it('EMA recursion seeded with the first value', () => {
    const result = ema(values, 9);
    let average = values[0];
    for (let t = 0; t < values.length; t++) {
      average += 0.2 * (values[t] - average);
      expect(result[t]).toBeCloseTo(average, 12);
    }
  });

  it('trend is the least-squares slope times the window', () => {
    const w = 10;
    const trend = rollingTrend(values, w, new Float64Array(values.length));
    expect(trend[w - 2]).toBe(0);
    for (let t = w - 1; t < values.length; t += 17) {
      const ys = window(t, w);
      const meanY = ys.reduce((a, b) => a + b) / w;
      const meanX = (w - 1) / 2;
      let cov = 0;
      let varX = 0;
      ys.forEach((y, x) => {
        cov += (x - meanX) * (y - meanY);
        varX += (x - meanX) ** 2;
      });
      expect(trend[t]).toBeCloseTo((cov / varX) * w, 9);
    }
  });

  it('RSI stays in [-1, 1] and is 1 for a rising series', () => {
    const rsi = wilderRsi(values, 14, new Float64Array(values.length));
    expect(rsi.every((x) => x >= -1 && x <= 1)).toBe(true);
    const up = wilderRsi(Float64Array.from({ length: 30 }, () => 0.01), 14, new Float64Array(30));
    expect(up[29]).toBe(1);
    expect(wilderRsi(new Float64Array(5), 14, new Float64Array(5))[4]).toBe(0);
  });
});
