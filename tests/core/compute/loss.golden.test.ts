// Golden values for the policy losses (src/core/compute/loss.ts, which the js backend
// backpropagates from and the trainer reports): the PPO clipped surrogate on a four-sample batch
// whose ratios, clipping and terms are worked out by hand below, and the REINFORCE loss.
import { describe, expect, it } from 'vitest';
import { policyLoss } from '../../../src/core/compute/loss.ts';
import type { LossSpec } from '../../../src/core/compute/types.ts';

const { log } = Math;

// Probabilities of HOLD, BUY, SELL per row. Rows 0-2 share one distribution, row 3 has another.
const PROBABILITIES = [
  [0.5, 0.25, 0.25],
  [0.5, 0.25, 0.25],
  [0.5, 0.25, 0.25],
  [0.45, 0.45, 0.1],
];
const logProbs = PROBABILITIES.flat().map((p) => log(p));
const actions = Uint8Array.of(0, 1, 2, 0); // π(a|s) = 0.5, 0.25, 0.25, 0.45

// ε = 0.2, so the ratio is clipped to [0.8, 1.2].
//  row | π(a|s) | old  | ratio r | A    | r·A   | clip(r)·A  | min    | clipped?
//   0  | 0.5    | 0.4  | 1.25    | +1   | 1.25  | 1.2·1 = 1.2   | 1.2    | yes, the clip binds
//   1  | 0.25   | 0.5  | 0.5     | +2   | 1.0   | 0.8·2 = 1.6   | 1.0    | yes (r outside), but r·A is smaller
//   2  | 0.25   | 0.5  | 0.5     | −1   | −0.5  | 0.8·−1 = −0.8 | −0.8   | yes, the clip binds
//   3  | 0.45   | 0.5  | 0.9     | −0.5 | −0.45 | 0.9·−0.5      | −0.45  | no
// policy loss = −(1.2 + 1.0 − 0.8 − 0.45) / 4 = −0.95 / 4 = −0.2375; clip fraction = 3/4
// value errors V − R: (1 − 0.5, 0 − 0.5, 2 − 2, −1 − 1) = (0.5, −0.5, 0, −2); mean square = 4.5 / 4 = 1.125
// entropy rows 0-2: −(0.5·ln 0.5 + 2·0.25·ln 0.25) = 1.5·ln 2 = 1.0397208
// entropy row 3:    −(2·0.45·ln 0.45 + 0.1·ln 0.1) = 0.7186569 + 0.2302585 = 0.9489154
// mean entropy = (3·1.0397208 + 0.9489154) / 4 = 1.0170194
// loss = −0.2375 + 0.5·1.125 − 0.01·1.0170194 = 0.325 − 0.0101702 = 0.3148298
const ppo: LossSpec = {
  kind: 'ppo',
  advantages: Float32Array.of(1, 2, -1, -0.5),
  oldLogProbs: Float32Array.of(log(0.4), log(0.5), log(0.5), log(0.5)),
  returns: Float32Array.of(0.5, 0.5, 2, 1),
  clipEpsilon: 0.2,
  valueCoefficient: 0.5,
  entropyCoefficient: 0.01,
};
const values = [1, 0, 2, -1];

describe('golden values: PPO clipped surrogate loss', () => {
  it('takes min(r·A, clip(r, 1 ± ε)·A) per sample and counts the ratios outside the range', () => {
    const terms = policyLoss(logProbs, values, actions, ppo, 4);
    // Float32 advantages and old log-probabilities: about 7 significant digits.
    expect(terms.policyLoss).toBeCloseTo(-0.2375, 6);
    expect(terms.clipFraction).toBe(0.75);
    expect(terms.valueLoss).toBeCloseTo(1.125, 6);
    expect(terms.entropy).toBeCloseTo(1.0170194, 6);
    expect(terms.loss).toBeCloseTo(0.3148298, 6);
  });

  it('a sample whose clipped term is the minimum gets no policy gradient', () => {
    // β = 0 to leave the policy part alone. With c = ∂loss/∂log π(a) = −r·A / 4 when the unclipped
    // term is the minimum and 0 when the clipped one is, ∂loss/∂z_j = c·(1[j = a] − p_j):
    //   row 0 (clipped):   0, 0, 0
    //   row 1: c = −1.0 / 4 = −0.25    → −0.25·(−0.5, 0.75, −0.25) = (0.125, −0.1875, 0.0625)
    //   row 2 (clipped):   0, 0, 0
    //   row 3: c = 0.45 / 4 = 0.1125   → 0.1125·(0.55, −0.45, −0.1) = (0.061875, −0.050625, −0.01125)
    // ∂loss/∂V = c_v·2·(V − R) / 4 = 0.25·(0.5, −0.5, 0, −2) = (0.125, −0.125, 0, −0.5)
    const gradLogits = new Float64Array(12);
    const gradValues = new Float64Array(4);
    policyLoss(logProbs, values, actions, { ...ppo, entropyCoefficient: 0 }, 4, gradLogits, gradValues);
    const expected = [0, 0, 0, 0.125, -0.1875, 0.0625, 0, 0, 0, 0.061875, -0.050625, -0.01125];
    expected.forEach((value, i) => expect(gradLogits[i]).toBeCloseTo(value, 6));
    [0.125, -0.125, 0, -0.5].forEach((value, i) => expect(gradValues[i]).toBeCloseTo(value, 6));
  });

  it('a wider ε clips nothing: the loss is the plain −mean(r·A)', () => {
    // ε = 0.8: the range [0.2, 1.8] holds every ratio, so −(1.25 + 1.0 − 0.5 − 0.45) / 4 = −0.325
    const terms = policyLoss(logProbs, values, actions, { ...ppo, clipEpsilon: 0.8 }, 4);
    expect(terms.policyLoss).toBeCloseTo(-0.325, 6);
    expect(terms.clipFraction).toBe(0);
  });
});

describe('golden values: REINFORCE loss', () => {
  it('is −mean(w·log π(a|s)) − β·mean(H), with no value term', () => {
    // weights 1, −2, 0.5, 0: −(1·ln 0.5 − 2·ln 0.25 + 0.5·ln 0.25 + 0) / 4
    //   = −(−0.6931472 + 2.7725887 − 0.6931472) / 4 = −1.3862944 / 4 = −0.3465736  (= −ln 2 / 2)
    // loss = −0.3465736 − 0.01·1.0170194 = −0.3567438
    const spec: LossSpec = { kind: 'reinforce', weights: Float32Array.of(1, -2, 0.5, 0), entropyCoefficient: 0.01 };
    const terms = policyLoss(logProbs, undefined, actions, spec, 4);
    expect(terms.policyLoss).toBeCloseTo(-log(2) / 2, 6);
    expect(terms.valueLoss).toBe(0);
    expect(terms.clipFraction).toBe(0);
    expect(terms.loss).toBeCloseTo(-0.3567438, 6);
  });
});
