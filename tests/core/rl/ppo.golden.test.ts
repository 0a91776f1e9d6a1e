// Golden values for PPO's generalised advantage estimation, worked out by hand below: two envs,
// three steps, γ = 0.9, λ = 0.8 (γλ = 0.72), one env running to the horizon and one whose episode
// ends early. Each path (the original loop and the optimized sweep) is held to the hand-computed
// numbers, not to the other path.
import { describe, expect, it } from 'vitest';
import { gaeLoop, gaeVectorized } from '../../../src/core/rl/ppo.ts';

const GAMMA = 0.9;
const LAMBDA = 0.8;

type Gae = (rewards: number[], values: number[], alive: number[], envs: number, horizon: number, lambda?: number) => { advantages: number[]; returns: number[] };

const paths: Array<[string, Gae]> = [
  ['original loop', (rewards, values, alive, envs, horizon, lambda = LAMBDA) => gaeLoop(rewards, values, alive, envs, horizon, GAMMA, lambda)],
  ['optimized sweep', (rewards, values, alive, envs, horizon, lambda = LAMBDA) => {
    const advantages = new Float32Array(envs * horizon);
    const returns = new Float32Array(envs * horizon);
    gaeVectorized(Float32Array.from(rewards), Float32Array.from(values), Uint8Array.from(alive), envs, horizon, GAMMA, lambda, advantages, returns);
    return { advantages: Array.from(advantages), returns: Array.from(returns) };
  }],
];

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 5));
}

describe.each(paths)('golden values: GAE (%s)', (_name, gae) => {
  it('one episode to the horizon: δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}, R_t = A_t + V_t', () => {
    // rewards 1, 0, 2; values 0.5, 1, 1.5; the value after the horizon is 0
    // t2: δ = 2 + 0.9·0   − 1.5 = 0.5    A = 0.5                    R = 0.5 + 1.5    = 2
    // t1: δ = 0 + 0.9·1.5 − 1   = 0.35   A = 0.35 + 0.72·0.5  = 0.71    R = 0.71 + 1   = 1.71
    // t0: δ = 1 + 0.9·1   − 0.5 = 1.4    A = 1.4 + 0.72·0.71 = 1.9112  R = 1.9112 + 0.5 = 2.4112
    const { advantages, returns } = gae([1, 0, 2], [0.5, 1, 1.5], [1, 1, 1], 1, 3);
    expectClose(advantages, [1.9112, 0.71, 0.5]);
    expectClose(returns, [2.4112, 1.71, 2]);
  });

  it('λ = 0 leaves the one-step TD error; the advantage does not look further ahead', () => {
    // A_t = δ_t: 1.4, 0.35, 0.5 (the deltas above); R_t = δ_t + V_t = 1.9, 1.35, 2
    const { advantages, returns } = gae([1, 0, 2], [0.5, 1, 1.5], [1, 1, 1], 1, 3, 0);
    expectClose(advantages, [1.4, 0.35, 0.5]);
    expectClose(returns, [1.9, 1.35, 2]);
  });

  it('an episode that ends early: the value after its last live step is 0 and dead rows get 0', () => {
    // Two envs, rows time-major (row = t·2 + env). Env 0 is the episode above. Env 1 is alive at
    // t0 and t1 only: rewards −1, 3; values 2, 1; its t2 row is dead (reward 0, value 7 ignored).
    // env 1, t2: dead                                A = 0     R = 0
    // env 1, t1: δ = 3 + 0.9·0 − 1 = 2                A = 2     R = 2 + 1 = 3
    // env 1, t0: δ = −1 + 0.9·1 − 2 = −2.1            A = −2.1 + 0.72·2 = −0.66   R = −0.66 + 2 = 1.34
    const rewards = [1, -1, 0, 3, 2, 0];
    const values = [0.5, 2, 1, 1, 1.5, 7];
    const alive = [1, 1, 1, 1, 1, 0];
    const { advantages, returns } = gae(rewards, values, alive, 2, 3);
    expectClose(advantages, [1.9112, -0.66, 0.71, 2, 0.5, 0]);
    expectClose(returns, [2.4112, 1.34, 1.71, 3, 2, 0]);
  });
});
