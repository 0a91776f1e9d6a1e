// The scalar env's trading semantics against hand-computed trades, fees, slippage and rewards,
// plus episode sampling and parameter validation.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import { createEnvParams } from '../../../src/core/env/create-params.ts';
import { ScalarTradingEnv, initialState, transition } from '../../../src/core/env/scalar.ts';
import { randomWalkMarket } from '../../fixtures/market.ts';
import { ACTIONS, CASH_INDEX, OBSERVATION_WIDTH, POSITION_INDEX } from '../../../src/core/env/observation.ts';

const prices = [100, 110, 99, 120, 120, 130, 125, 125, 125, 125];
const market = randomWalkMarket(10, 2, prices);
const whole = { start: 0, end: 10 };
const { BUY, SELL, HOLD } = ACTIONS;

describe('ScalarTradingEnv semantics', () => {
  it('all-in long: buy with fees, hold, sell; rewards are % of capital minus the trade penalty', () => {
    const env = new ScalarTradingEnv(market, whole, new Random(1), createEnvParams({ episodeLength: 5 }));
    const first = env.resetAt(0);
    expect(first).toHaveLength(OBSERVATION_WIDTH);
    expect(Array.from(first.subarray(0, 60))).toEqual(Array.from(market.macro.subarray(0, 60)));
    expect(Array.from(first.subarray(60, 120))).toEqual(Array.from(market.micro.subarray(0, 60)));
    expect([first[POSITION_INDEX], first[CASH_INDEX]]).toEqual([0, 1]);

    const units = 10_000 / (100 * 1.001);
    const buy = env.step(BUY);
    expect(buy.equity).toBeCloseTo(units * 110, 9);
    expect(buy.reward).toBeCloseTo(((units * 110 - 10_000) / 10_000) * 100 - 0.01, 9);
    expect(buy.traded).toBe(true);
    expect(buy.observation[POSITION_INDEX]).toBeCloseTo(1, 6);
    expect(buy.observation[CASH_INDEX]).toBe(0);
    expect(env.state).toMatchObject({ level: 1, cash: 0, step: 1 });

    const again = env.step(BUY); // already all-in: no trade, no penalty
    expect(again.traded).toBe(false);
    expect(again.reward).toBeCloseTo((units * (99 - 110) / 10_000) * 100, 9);

    const sell = env.step(SELL);
    const cash = units * 99 * 0.999;
    expect(sell.equity).toBeCloseTo(cash, 9);
    expect(sell.reward).toBeCloseTo(((cash - units * 99) / 10_000) * 100 - 0.01, 9);
    expect(env.state.units).toBe(0);
    expect(sell.observation[CASH_INDEX]).toBe(1);

    expect(env.step(SELL).traded).toBe(false); // long-only: cannot go below flat
    const last = env.step(HOLD);
    expect(last).toMatchObject({ done: true, reward: 0 });
    expect(() => env.step(HOLD)).toThrow(/reset/);
  });

  it('slippage moves both fills against the trader', () => {
    const env = new ScalarTradingEnv(market, whole, new Random(1), createEnvParams({ episodeLength: 5, slippageBps: 10, takerFee: 0, tradePenalty: 0 }));
    env.resetAt(0, 3);
    env.step(BUY);
    const units = 10_000 / (100 * 1.001);
    expect(env.state.units).toBeCloseTo(units, 9);
    expect(env.step(SELL).equity).toBeCloseTo(units * 110 * 0.999, 9);
  });

  it('long-short all-in: SELL from flat opens a full short, BUY closes it', () => {
    const env = new ScalarTradingEnv(market, whole, new Random(1), createEnvParams({ episodeLength: 5, positionMode: 'long-short' }));
    env.resetAt(0, 4);
    const short = env.step(SELL);
    expect(env.state.units).toBeCloseTo(-100, 9);
    expect(env.state.cash).toBeCloseTo(10_000 + 100 * 100 * 0.999, 9);
    expect(short.equity).toBeCloseTo(10_000 + 9_990 - 11_000, 9);
    expect(short.observation[POSITION_INDEX]).toBeCloseTo(-11_000 / 8_990, 5);
    expect(env.exposure).toBe(-1);
    const cover = env.step(BUY);
    expect(env.state.units).toBe(0);
    expect(cover.equity).toBeCloseTo(19_990 - 100 * 110 * 1.001, 9); // bought back at bar 1's close
  });

  it('fractional sizing moves exposure in steps of tradeFraction', () => {
    const env = new ScalarTradingEnv(market, whole, new Random(1), createEnvParams({ episodeLength: 5, positionSizing: 'fractional', tradeFraction: 0.5, takerFee: 0.001 }));
    env.resetAt(0, 4);
    env.step(BUY);
    expect(env.state.cash).toBeCloseTo(5_000, 9);
    expect(env.state.units).toBeCloseTo(5_000 / 100.1, 9);
    expect(env.exposure).toBe(0.5);
    env.step(BUY);
    expect(env.state.cash).toBeCloseTo(0, 9);
    expect(env.exposure).toBe(1);
    const unitsBefore = env.state.units;
    const equityBefore = env.state.cash + unitsBefore * 99;
    env.step(SELL);
    expect(env.state.units).toBeCloseTo(unitsBefore - (0.5 * equityBefore) / 99, 9);
  });

  it('transition is pure: the same state and action give the same result', () => {
    const params = createEnvParams();
    const state = initialState(params, 2, 3);
    const a = transition(market, params, state, BUY);
    const b = transition(market, params, state, BUY);
    expect(a).toEqual(b);
    expect(state.step).toBe(0);
  });

  it('samples episode starts inside the range with room for the episode', () => {
    const big = randomWalkMarket(400, 4);
    const range = { start: 100, end: 300 };
    const env = new ScalarTradingEnv(big, range, new Random(9), createEnvParams({ episodeLength: 50 }));
    const starts = new Set<number>();
    for (let k = 0; k < 300; k++) {
      env.reset();
      starts.add(env.state.startBar);
      expect(env.state.startBar).toBeGreaterThanOrEqual(100);
      expect(env.state.startBar + 50).toBeLessThanOrEqual(299);
    }
    expect(starts.size).toBeGreaterThan(80);
    expect(() => new ScalarTradingEnv(big, { start: 0, end: 50 }, new Random(1), createEnvParams({ episodeLength: 50 }))).toThrow(/too short/);
  });

  it('validates params, naming the key and the allowed range', () => {
    expect(() => createEnvParams({ takerFee: -1 })).toThrow(/takerFee: -1 is not allowed; expected a number >= 0 and <= 0.1/);
    expect(() => createEnvParams({ tradeFraction: 0.3 })).toThrow(/tradeFraction/);
    expect(() => createEnvParams({ episodeLength: 1.5 })).toThrow(/episodeLength/);
    expect(() => createEnvParams({ positionMode: 'margin' as never })).toThrow(/positionMode/);
    expect(() => createEnvParams({ fee: 1 } as never)).toThrow(/invalid env parameters: fee: unknown key/);
    expect(Object.isFrozen(createEnvParams())).toBe(true);
  });
});
