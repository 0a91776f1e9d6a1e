// The synthetic regime-switching market: deterministic, valid bars, and the exploitable structure
// (persistent regimes with drift) the default dataset promises.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MARKET_PARAMS, generateRegimeMarket, MARKET_REGIMES } from '../../../src/core/market/generator.ts';

describe('regime-switching generator', () => {
  const { series, regimes } = generateRegimeMarket({ bars: 40_000 });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateRegimeMarket({ bars: 40_000 });
    expect(Array.from(again.series.close.subarray(0, 1000))).toEqual(Array.from(series.close.subarray(0, 1000)));
    expect(again.series.close[39_999]).toBe(series.close[39_999]);
    expect(generateRegimeMarket({ bars: 100, seed: 1 }).series.close[99]).not.toBe(series.close[99]);
  });

  it('produces valid, Float32-exact, one-minute bars', () => {
    for (let t = 0; t < series.length; t++) {
      const { open, high, low, close, volume, timestamps } = series;
      expect(low[t] > 0 && low[t] <= Math.min(open[t], close[t]) && high[t] >= Math.max(open[t], close[t]) && volume[t] > 0).toBe(true);
      expect(Math.fround(close[t])).toBe(close[t]);
      if (t > 0) expect(open[t]).toBe(close[t - 1]);
      expect(timestamps[t]).toBe(DEFAULT_MARKET_PARAMS.startTimeMs + t * 60_000);
      if (t > 200) t += 97; // sample the rest
    }
  });

  it('has persistent regimes with drift in the promised direction', () => {
    let runs = 0;
    for (let t = 1; t < regimes.length; t++) if (regimes[t] !== regimes[t - 1]) runs++;
    expect(regimes.length / (runs + 1)).toBeGreaterThan(DEFAULT_MARKET_PARAMS.minRegimeBars);
    const drift = [0, 0, 0];
    const count = [0, 0, 0];
    for (let t = 1; t < series.length; t++) {
      drift[regimes[t]] += Math.log(series.close[t] / series.close[t - 1]);
      count[regimes[t]]++;
    }
    expect(drift[MARKET_REGIMES.bull] / count[MARKET_REGIMES.bull]).toBeGreaterThan(0.5 * DEFAULT_MARKET_PARAMS.trendDrift);
    expect(drift[MARKET_REGIMES.bear] / count[MARKET_REGIMES.bear]).toBeLessThan(-0.5 * DEFAULT_MARKET_PARAMS.trendDrift);
    expect(Math.abs(drift[MARKET_REGIMES.meanReverting] / count[MARKET_REGIMES.meanReverting])).toBeLessThan(0.2 * DEFAULT_MARKET_PARAMS.trendDrift);
  });

  it('validates parameters, naming the bad key', () => {
    expect(() => generateRegimeMarket({ bars: 1 })).toThrow(/bars/);
    expect(() => generateRegimeMarket({ garchAlpha: 0.5, garchBeta: 0.6 })).toThrow(/garchBeta/);
  });
});
