// The policy losses on top of the network's log-probabilities, with their gradient with respect to
// the logits and the value output. The js backend backpropagates from here; the other backends
// compute the same formulas in their own graphs and the trainer uses this file for the figures.
import type { LossSpec, ValueTarget } from './types.ts';
import { ACTION_COUNT } from '../env/observation.ts';

export interface LossTerms {
  /** Total loss that the gradient descends. */
  loss: number;
  /** Policy part (REINFORCE or the PPO clipped surrogate, negated). */
  policyLoss: number;
  /** Mean squared value error (PPO, REINFORCE with a learned baseline), 0 otherwise. */
  valueLoss: number;
  /** Mean policy entropy in nats. */
  entropy: number;
  /** Fraction of samples whose PPO ratio was clipped, 0 for REINFORCE. */
  clipFraction: number;
}

/**
 * Loss terms of one batch from its log-probabilities (size × 3). When `gradLogits` (size × 3) and
 * `gradValues` (size) are given, writes ∂loss/∂logits and ∂loss/∂value into them.
 */
export function policyLoss(
  logProbs: ArrayLike<number>,
  values: ArrayLike<number> | undefined,
  actions: Uint8Array,
  spec: LossSpec,
  size: number,
  gradLogits?: Float64Array,
  gradValues?: Float64Array,
): LossTerms {
  const scale = 1 / size;
  const beta = spec.entropyCoefficient;
  let policySum = 0;
  let valueSum = 0;
  let entropySum = 0;
  let clipped = 0;
  const valueTarget = valueTargetOf(spec);
  for (let row = 0; row < size; row++) {
    const base = row * ACTION_COUNT;
    const action = actions[row];
    const logProb = logProbs[base + action];
    let entropy = 0;
    for (let j = 0; j < ACTION_COUNT; j++) entropy -= Math.exp(logProbs[base + j]) * logProbs[base + j];
    entropySum += entropy;
    // coefficient c with ∂loss/∂log π(a|s) = c for this row
    let coefficient: number;
    if (spec.kind === 'reinforce') {
      policySum -= spec.weights[row] * logProb;
      coefficient = -spec.weights[row] * scale;
    } else {
      const advantage = spec.advantages[row];
      const ratio = Math.exp(logProb - spec.oldLogProbs[row]);
      const clippedRatio = Math.min(Math.max(ratio, 1 - spec.clipEpsilon), 1 + spec.clipEpsilon);
      const unclippedSurrogate = ratio * advantage;
      const clippedSurrogate = clippedRatio * advantage;
      const useUnclipped = unclippedSurrogate <= clippedSurrogate;
      if (clippedRatio !== ratio) clipped++;
      policySum -= useUnclipped ? unclippedSurrogate : clippedSurrogate;
      coefficient = useUnclipped ? -unclippedSurrogate * scale : 0;
    }
    if (values && valueTarget) {
      const error = values[row] - valueTarget.returns[row];
      valueSum += error * error;
      if (gradValues) gradValues[row] = valueTarget.valueCoefficient * 2 * error * scale;
    }
    if (gradLogits) {
      // d log π(a)/dz_j = 1[j=a] − p_j ;  dH/dz_j = −p_j (log p_j + H)
      for (let j = 0; j < ACTION_COUNT; j++) {
        const probability = Math.exp(logProbs[base + j]);
        const policyPart = coefficient * ((j === action ? 1 : 0) - probability);
        const entropyPart = beta * scale * probability * (logProbs[base + j] + entropy);
        gradLogits[base + j] = policyPart + entropyPart;
      }
    }
  }
  const policy = policySum * scale;
  const value = valueSum * scale;
  const entropy = entropySum * scale;
  const valueCoefficient = valueTarget ? valueTarget.valueCoefficient : 0;
  return { loss: policy + valueCoefficient * value - beta * entropy, policyLoss: policy, valueLoss: value, entropy, clipFraction: clipped * scale };
}

/** The value head's regression target of a loss: PPO's, or REINFORCE's with a learned baseline; undefined without one. */
function valueTargetOf(spec: LossSpec): ValueTarget | undefined {
  return spec.kind === 'ppo' ? spec : spec.value;
}

/** The value target a network with a value head needs (the backends' graphs take it as input). */
export function requireValueTarget(spec: LossSpec): ValueTarget {
  const target = valueTargetOf(spec);
  if (!target) throw new Error(`${spec.kind} loss without value targets for a network with a value head`);
  return target;
}
