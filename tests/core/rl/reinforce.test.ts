// REINFORCE's advantages, by hand: discounted returns with the closing cost charged after the last
// step, the state-dependent baseline b(t, position) from earlier batches, normalisation, and the
// baseline's update; the original loop and the optimized sweep give the same numbers.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import { RolloutBuffer } from '../../../src/core/rl/batch.ts';
import {
  closingCosts, createReturnBaseline, fullClosingCost, reinforceAdvantagesLoop, reinforceAdvantagesVectorized, type ReturnBaseline,
} from '../../../src/core/rl/reinforce.ts';
import { ACTIONS, OBSERVATION_WIDTH, POSITION_INDEX } from '../../../src/core/env/observation.ts';

// 2 envs × 2 steps, time-major rows (t0 e0, t0 e1, t1 e0, t1 e1), γ = 0.5
const rewards = [1, 0, 2, -2];
const alive = [1, 1, 1, 1];
const states = [1, 1, 2, 1]; // flat, flat, long, flat
const costs = [0.5, 0]; // env 0 ends long and pays 0.5 to close
// G(t1 e0) = 2 + 0.5·(−0.5) = 1.75   G(t0 e0) = 1 + 0.5·1.75 = 1.875
// G(t1 e1) = −2                       G(t0 e1) = 0 + 0.5·(−2) = −1
const returns = [1.875, -1, 1.75, -2];

function both(baseline: () => ReturnBaseline) {
  const a = baseline();
  const b = baseline();
  const loop = reinforceAdvantagesLoop(rewards, alive, states, costs, 2, 2, 0.5, a);
  const vectorized = Array.from(reinforceAdvantagesVectorized(Float32Array.from(rewards), Uint8Array.from(alive), Uint8Array.from(states), Float64Array.from(costs), 2, 2, 0.5, b, new Float32Array(4)));
  return { loop, vectorized, a, b };
}

describe('REINFORCE advantages', () => {
  it('first batch: no baseline yet, so the normalised returns; then b(t, p) holds the batch means', () => {
    const { loop, vectorized, a, b } = both(() => createReturnBaseline(2));
    const mean = (1.875 - 1 + 1.75 - 2) / 4; // 0.15625
    const deviations = returns.map((g) => g - mean); // 1.71875, −1.15625, 1.59375, −2.15625
    const std = Math.sqrt((1.71875 ** 2 + 1.15625 ** 2 + 1.59375 ** 2 + 2.15625 ** 2) / 3);
    const expected = deviations.map((d) => d / std);
    for (let i = 0; i < 4; i++) {
      expect(loop[i]).toBeCloseTo(expected[i], 7); // std + 1e-8 in the denominator
      expect(vectorized[i]).toBeCloseTo(expected[i], 6);
    }
    // cells p·T + t: (flat, t0) = 2 holds mean(1.875, −1) = 0.4375; (flat, t1) = 3 holds −2; (long, t1) = 5 holds 1.75
    for (const baseline of [a, b]) {
      expect(Array.from(baseline.weights)).toEqual([0, 0, 0.1, 0.1, 0, 0.1]);
      expect(baseline.sums[2] / baseline.weights[2]).toBeCloseTo(0.4375, 12);
      expect(baseline.sums[3] / baseline.weights[3]).toBeCloseTo(-2, 12);
      expect(baseline.sums[5] / baseline.weights[5]).toBeCloseTo(1.75, 12);
    }
  });

  it('second batch: each row is measured against the mean return of its step and position', () => {
    const first = both(() => createReturnBaseline(2));
    const { loop, vectorized } = both(() => ({ sums: first.a.sums.slice(), weights: first.a.weights.slice() }));
    // A = G − b: 1.875 − 0.4375, −1 − 0.4375, 1.75 − 1.75, −2 − (−2); mean 0
    const std = Math.sqrt((2 * 1.4375 ** 2) / 3);
    const expected = [1.4375 / std, -1.4375 / std, 0, 0];
    for (let i = 0; i < 4; i++) {
      expect(loop[i]).toBeCloseTo(expected[i], 7); // std + 1e-8 in the denominator
      expect(vectorized[i]).toBeCloseTo(expected[i], 6);
    }
  });

  it('dead rows get weight 0 and leave the baseline alone', () => {
    const baseline = createReturnBaseline(2);
    const weights = reinforceAdvantagesLoop([1, 0, 0, -2], [1, 1, 0, 1], states, [0, 0], 2, 2, 0.5, baseline);
    expect(weights[2]).toBe(0);
    expect(baseline.weights[5]).toBe(0);
  });

  it('charges closing whatever position is open after the last action', () => {
    const buffer = new RolloutBuffer(4, 3, false);
    const last = 2 * 4;
    const exposures = [1, 0, 1, 0];
    const actions = [ACTIONS.HOLD, ACTIONS.BUY, ACTIONS.SELL, ACTIONS.HOLD];
    for (let env = 0; env < 4; env++) {
      buffer.observations[(last + env) * OBSERVATION_WIDTH + POSITION_INDEX] = exposures[env];
      buffer.actions[last + env] = actions[env];
      buffer.alive[last + env] = 1;
    }
    expect(fullClosingCost(DEFAULT_ENV_PARAMS)).toBeCloseTo(0.001 * 100 + 0.01, 12); // 0.1 % fee in percent of capital, plus the trade penalty
    expect(Array.from(closingCosts(buffer, DEFAULT_ENV_PARAMS, 0.11))).toEqual([0.11, 0.11, 0, 0]);
    buffer.alive[last] = 0; // ended early: nothing left to close
    expect(closingCosts(buffer, DEFAULT_ENV_PARAMS, 0.11)[0]).toBe(0);
  });
});
