// Golden values for REINFORCE's discounted returns, worked out by hand below: one env, four steps,
// γ = 0.9, with and without the cost of closing the position after the last step, and the
// state baseline b(t, p) they leave behind. Each path (the original loop and the optimized sweep)
// is held to the hand-computed numbers, not to the other path.
import { describe, expect, it } from 'vitest';
import { createReturnBaseline, reinforceAdvantagesLoop, reinforceAdvantagesVectorized, type ReturnBaseline } from '../../../src/core/rl/reinforce.ts';

const HORIZON = 4;
const GAMMA = 0.9;
const REWARDS = [1, 0, -1, 2];
const ALIVE = [1, 1, 1, 1];
const FLAT = 1;
const ALL_FLAT = [FLAT, FLAT, FLAT, FLAT];
// Baseline cells are p·T + t: a flat row at step t lands in cell 4 + t.
const flatCell = (t: number) => FLAT * HORIZON + t;

type Advantages = (rewards: number[], states: number[], closingCost: number, baseline: ReturnBaseline) => number[];

const paths: Array<[string, Advantages]> = [
  ['original loop', (rewards, states, closingCost, baseline) => reinforceAdvantagesLoop(rewards, ALIVE, states, [closingCost], 1, HORIZON, GAMMA, baseline)],
  ['optimized sweep', (rewards, states, closingCost, baseline) => Array.from(reinforceAdvantagesVectorized(
    Float32Array.from(rewards), Uint8Array.from(ALIVE), Uint8Array.from(states), Float64Array.of(closingCost), 1, HORIZON, GAMMA, baseline, new Float32Array(HORIZON),
  ))],
];

/** The return of each step as the baseline holds it: b = sums / weights of the step's flat cell. */
function baselineReturns(baseline: ReturnBaseline): number[] {
  return Array.from({ length: HORIZON }, (_, t) => baseline.sums[flatCell(t)] / baseline.weights[flatCell(t)]);
}

/**
 * A first batch of flat rows: no baseline yet, so afterwards each flat cell holds its step's
 * return (b = 0.1·G / 0.1). Gives the baseline, the returns it holds, and the normalised advantages.
 */
function firstBatch(advantages: Advantages, closingCost: number) {
  const baseline = createReturnBaseline(HORIZON);
  const normalized = advantages(REWARDS, ALL_FLAT, closingCost, baseline);
  return { baseline, normalized, returns: baselineReturns(baseline) };
}

function expectClose(actual: number[], expected: number[], digits: number): void {
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, digits));
}

describe.each(paths)('golden values: REINFORCE returns (%s)', (_name, advantages) => {
  it('discounts rewards backwards: G_t = r_t + γ·G_{t+1}', () => {
    // G3 = 2
    // G2 = −1 + 0.9·2     = 0.8
    // G1 =  0 + 0.9·0.8   = 0.72
    // G0 =  1 + 0.9·0.72  = 1.648
    const { returns, normalized } = firstBatch(advantages, 0);
    expectClose(returns, [1.648, 0.72, 0.8, 2], 6);
    // Normalised: mean = (1.648 + 0.72 + 0.8 + 2) / 4 = 1.292; deviations 0.356, −0.572, −0.492, 0.708;
    // sample std = √((0.356² + 0.572² + 0.492² + 0.708²) / 3) = √(1.19728 / 3) = 0.63173
    expectClose(normalized, [0.56353, -0.90545, -0.77881, 1.12073], 4);
  });

  it('charges the closing cost one step after the end, discounted like a reward', () => {
    // The position still open costs 0.5 to close: the sweep starts from −0.5 instead of 0.
    // G3 = 2 + 0.9·(−0.5)   = 1.55
    // G2 = −1 + 0.9·1.55    = 0.395
    // G1 = 0 + 0.9·0.395    = 0.3555
    // G0 = 1 + 0.9·0.3555   = 1.31995     (each G_t is 0.5·0.9^(4−t) below the free case)
    const { returns, normalized } = firstBatch(advantages, 0.5);
    expectClose(returns, [1.31995, 0.3555, 0.395, 1.55], 6);
    // mean = 3.62045 / 4 = 0.9051125; deviations 0.4148375, −0.5496125, −0.5101125, 0.6448875;
    // sample std = √(1.150259 / 3) = 0.619209
    expectClose(normalized, [0.66995, -0.8876, -0.82381, 1.04147], 4);
  });

  it('measures a later batch against b(t, p), a bias-corrected average of earlier returns', () => {
    const { baseline } = firstBatch(advantages, 0.5); // b(t, flat) = 1.31995, 0.3555, 0.395, 1.55
    // Second batch: no reward, nothing to close, so every return is 0, and the advantage
    // A_t = 0 − b(t, flat) is the first batch's returns negated: normalised, the first batch's
    // numbers with their signs flipped.
    const normalized = advantages([0, 0, 0, 0], ALL_FLAT, 0, baseline);
    expectClose(normalized, [-0.66995, 0.8876, 0.82381, -1.04147], 4);
    // The average moves by rate 0.1: sums = 0.9·(0.1·G) + 0.1·0, weights = 0.9·0.1 + 0.1 = 0.19,
    // so b = 0.09·G / 0.19 = (9/19)·G:  0.625239, 0.168395, 0.187105, 0.734211
    expect(baseline.weights[flatCell(0)]).toBeCloseTo(0.19, 12);
    expectClose(baselineReturns(baseline), [0.625239, 0.168395, 0.187105, 0.734211], 5);
  });

  it('keeps one baseline cell per step and position: a long row does not see the flat average', () => {
    const { baseline } = firstBatch(advantages, 0.5); // b(t, flat) as above; b(t, long) unset
    // Steps 1 and 2 long this time (p = 2): no baseline there yet, so A = G − 0.
    // A0 = 1.31995 − 1.31995 = 0, A1 = 0.3555, A2 = 0.395, A3 = 1.55 − 1.55 = 0
    // mean = 0.7505 / 4 = 0.187625; deviations −0.187625, 0.167875, 0.207375, −0.187625;
    // sample std = √((2·0.187625² + 0.167875² + 0.207375²) / 3) = √(0.1415927 / 3) = 0.21725
    // normalised: −0.187625 / 0.21725 = −19/22, 0.167875 / 0.21725 = 17/22, 0.207375 / 0.21725 = 21/22
    const normalized = advantages(REWARDS, [FLAT, 2, 2, FLAT], 0.5, baseline);
    expectClose(normalized, [-19 / 22, 17 / 22, 21 / 22, -19 / 22], 4);
    // The long cells (2·4 + t) now hold their own returns: 0.3555 at t = 1, 0.395 at t = 2.
    expect(baseline.sums[2 * HORIZON + 1] / baseline.weights[2 * HORIZON + 1]).toBeCloseTo(0.3555, 6);
    expect(baseline.sums[2 * HORIZON + 2] / baseline.weights[2 * HORIZON + 2]).toBeCloseTo(0.395, 6);
  });
});

describe('golden values: REINFORCE with the learned baseline', () => {
  // Second batch: the baseline holds the first batch's returns b = [1.648, 0.72, 0.8, 2] (flat cells),
  // the value head said V = [0.2, −0.1, 0, 0.5] for the four rows, and the rewards are [2, 0, −1, 2]:
  //   G3 = 2, G2 = −1 + 1.8 = 0.8, G1 = 0.72, G0 = 2 + 0.648 = 2.648
  //   R  = G − b = [1, 0, 0, 0]
  //   A  = G − b − V = [1 − 0.2, 0 + 0.1, 0 − 0, 0 − 0.5] = [0.8, 0.1, 0, −0.5]
  //   mean 0.1; deviations 0.7, 0, −0.1, −0.6; sample std √((0.49 + 0 + 0.01 + 0.36)/3) = √0.28667 = 0.53541
  //   normalised [1.30740, 0, −0.18677, −1.12063]
  const values = Float32Array.of(0.2, -0.1, 0, 0.5);
  const rewards = [2, 0, -1, 2];
  const learnedPaths: Array<[string, (baseline: ReturnBaseline, returns: Float32Array) => number[]]> = [
    ['original loop', (baseline, returns) => reinforceAdvantagesLoop(rewards, ALIVE, ALL_FLAT, [0], 1, HORIZON, GAMMA, baseline, { values, returns })],
    ['optimized sweep', (baseline, returns) => Array.from(reinforceAdvantagesVectorized(
      Float32Array.from(rewards), Uint8Array.from(ALIVE), Uint8Array.from(ALL_FLAT), Float64Array.of(0), 1, HORIZON, GAMMA, baseline, new Float32Array(HORIZON), { values, returns },
    ))],
  ];
  for (const [name, advantages] of learnedPaths) {
    it(`subtracts b(t, p) and V(s), and regresses V on G − b (${name})`, () => {
      const { baseline } = firstBatch(paths[0][1], 0);
      const returns = new Float32Array(HORIZON);
      const normalized = advantages(baseline, returns);
      expectClose(Array.from(returns), [1, 0, 0, 0], 5);
      expectClose(normalized, [1.3074, 0, -0.18677, -1.12063], 4);
      // b still learns from G: cell 0 moves from 1.648 toward 2.648 (rate 0.1, bias-corrected over two batches):
      // sums = 0.9·0.1648 + 0.1·2.648 = 0.41312, weights = 0.9·0.1 + 0.1 = 0.19, b = 2.17432
      expect(baselineReturns(baseline)[0]).toBeCloseTo(2.17432, 4);
    });
  }
});
