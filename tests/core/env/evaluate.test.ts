// Evaluation over a whole split: equity curve, positions, metrics and the baselines.
import { describe, expect, it } from 'vitest';
import { createEnvParams } from '../../../src/core/env/create-params.ts';
import { buyAndHoldCurve, evaluatePolicy, randomCurve, runWindow, runWindowBatch } from '../../../src/core/env/evaluate.ts';
import { randomWalkMarket } from '../../fixtures/market.ts';
import { ACTIONS } from '../../../src/core/env/observation.ts';

const market = randomWalkMarket(300, 6);

describe('evaluation', () => {
  it('buy-and-hold pays the fee once and tracks the price', () => {
    const range = market.splits.test;
    const curve = buyAndHoldCurve(market, range);
    const steps = range.end - range.start - 1;
    expect(curve.steps).toBe(steps);
    expect(curve.equity).toHaveLength(steps + 1);
    const units = 10_000 / (market.close[range.start] * 1.001);
    expect(curve.equity[steps]).toBeCloseTo(units * market.close[range.end - 1], 8);
    expect(curve.metrics.totalReturn).toBeCloseTo((units * market.close[range.end - 1]) / 10_000 - 1, 10);
    expect(curve.metrics.trades).toBe(1);
    expect(curve.metrics.exposure).toBe(1);
  });

  it('a policy over a named split, with both baselines on the same window', () => {
    const seen: number[] = [];
    const report = evaluatePolicy(market, 'validation', (observation, step) => {
      seen.push(step);
      expect(observation).toHaveLength(122);
      return step % 10 < 5 ? ACTIONS.BUY : ACTIONS.SELL;
    });
    const { validation } = market.splits;
    expect(report.startBar).toBe(validation.start);
    expect(seen).toHaveLength(validation.end - validation.start - 1);
    expect(report.buyAndHold.startBar).toBe(validation.start);
    expect(report.random.steps).toBe(report.steps);
    expect(report.metrics.trades).toBe(Math.ceil(report.steps / 5));
    expect(Array.from(report.positions.subarray(0, 10))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(report.totalReward).toBeCloseTo(report.rewards.reduce((a, b) => a + b, 0), 9);
  });

  it('the random baseline is seeded', () => {
    const range = market.splits.train;
    expect(Array.from(randomCurve(market, range, 3).actions)).toEqual(Array.from(randomCurve(market, range, 3).actions));
    expect(Array.from(randomCurve(market, range, 3).actions)).not.toEqual(Array.from(randomCurve(market, range, 4).actions));
  });

  it('rejects invalid actions, naming the step', () => {
    expect(() => runWindow(market, market.splits.test, (_, step) => (step === 3 ? 7 : 0))).toThrow(/returned 7 on step 3/);
  });

  it('fractional params are honoured for the policy but buy-and-hold is all-in', () => {
    const params = createEnvParams({ positionSizing: 'fractional', tradeFraction: 0.25 });
    const report = evaluatePolicy(market, 'test', () => ACTIONS.BUY, { params });
    expect(report.positions[0]).toBe(0.25);
    expect(report.buyAndHold.positions[0]).toBe(1);
  });
});

describe('batched evaluation', () => {
  it('runWindowBatch gives, for each member, exactly what runWindow gives', () => {
    const range = market.splits.test;
    const members = 4;
    const choose = (member: number, observation: ArrayLike<number>, step: number) => ((step + member) % 7 === 0 ? ACTIONS.BUY : observation[member] > 1 ? ACTIONS.SELL : ACTIONS.HOLD);
    const params = createEnvParams({ positionMode: 'long-short', slippageBps: 3 });
    const batch = runWindowBatch(market, range, members, (observations, actions, step) => {
      for (let i = 0; i < members; i++) actions[i] = choose(i, observations.subarray(i * 122, (i + 1) * 122), step);
    }, params);
    for (let i = 0; i < members; i++) {
      const single = runWindow(market, range, (observation, step) => choose(i, observation, step), params);
      expect(Array.from(batch[i].equity)).toEqual(Array.from(single.equity));
      expect(Array.from(batch[i].actions)).toEqual(Array.from(single.actions));
      expect(batch[i].metrics).toEqual(single.metrics);
    }
  });
});
