// The embedded market must contain structure the features expose: a fixed rule on one macro
// feature (the 480-bar trend), long when it is clearly up and flat when it turns down, beats
// buy-and-hold and the random baseline on the test split, over the whole split and on average over
// 150-step episode windows. If the generator or the features lose that, agents cannot learn.
import { describe, expect, it } from 'vitest';
import { createFeatureConfig } from '../../../src/core/features/config.ts';
import { MACRO_FEATURES } from '../../../src/core/features/macro.ts';
import { createMarketData } from '../../../src/core/features/market-data.ts';
import { buyAndHoldCurve, evaluatePolicy, runWindow } from '../../../src/core/env/evaluate.ts';
import { DEFAULT_MARKET_PARAMS, generateRegimeMarket } from '../../../src/core/market/generator.ts';
import { ACTIONS } from '../../../src/core/env/observation.ts';

describe('learnability of the default market', () => {
  it('a one-feature trend rule beats buy-and-hold and random on the test split', () => {
    const { series } = generateRegimeMarket(DEFAULT_MARKET_PARAMS);
    const market = createMarketData({ datasetName: 'default', datasetChecksum: 'test', series, config: createFeatureConfig() });
    const trend = MACRO_FEATURES.findIndex((feature) => feature.name === 'trend_480');
    const rule = (observation: Float32Array) => (observation[trend] > 0.3 ? ACTIONS.BUY : observation[trend] < 0 ? ACTIONS.SELL : ACTIONS.HOLD);
    const report = evaluatePolicy(market, 'test', rule);
    expect(report.metrics.totalReturn).toBeGreaterThan(report.buyAndHold.metrics.totalReturn + 0.1);
    expect(report.metrics.totalReturn).toBeGreaterThan(report.random.metrics.totalReturn);
    expect(report.metrics.trades).toBeLessThan(100);
    const { start, end } = market.splits.test;
    let advantage = 0;
    let windows = 0;
    for (let first = start; first + 151 <= end; first += 150) {
      const window = { start: first, end: first + 151 };
      advantage += runWindow(market, window, rule).metrics.totalReturn - buyAndHoldCurve(market, window).metrics.totalReturn;
      windows++;
    }
    expect(advantage / windows).toBeGreaterThan(0.001); // > 0.1% per 150-step episode on average
  });
});
