// PPO with GAE, top to bottom, on the same network body plus a value head: advantages by GAE(γ, λ)
// over each rollout, returns = advantages + values, then `epochs` passes over shuffled minibatches
// of the clipped surrogate loss −mean(min(r·A, clip(r, 1±ε)·A)) + c_v·mean((V−R)²) − β·mean(H),
// with advantages normalised per minibatch, one Adam step per minibatch. The original path runs
// GAE as a per-env per-step loop over plain arrays; the optimized one sweeps time once for all envs.
import type { LearnBatch, LearningBackend } from '../compute/types.ts';
import { policyLoss, type LossTerms } from '../compute/loss.ts';
import type { Random } from '../random.ts';
import type { Adam } from './adam.ts';
import { drawDropoutMasks, gatherRows, type RolloutBuffer } from './batch.ts';
import { updateRunningStatistics, type NetworkLayout, type NetworkState } from '../compute/network.ts';

/**
 * Original: GAE per env, step by step. Episodes end at the horizon or, early, at the first dead
 * row: the value after the end is 0 and dead rows get advantage 0.
 */
export function gaeLoop(rewards: ArrayLike<number>, values: ArrayLike<number>, alive: ArrayLike<number>, envs: number, horizon: number, gamma: number, lambda: number): { advantages: number[]; returns: number[] } {
  const advantages: number[] = new Array<number>(envs * horizon).fill(0);
  const returns: number[] = new Array<number>(envs * horizon).fill(0);
  for (let env = 0; env < envs; env++) {
    let running = 0;
    let nextValue = 0;
    for (let t = horizon - 1; t >= 0; t--) {
      const row = t * envs + env;
      if (!alive[row]) {
        running = 0;
        nextValue = 0;
        continue;
      }
      const delta = rewards[row] + gamma * nextValue - values[row];
      running = delta + gamma * lambda * running;
      advantages[row] = running;
      returns[row] = running + values[row];
      nextValue = values[row];
    }
  }
  return { advantages, returns };
}

/** Optimized: GAE for all envs in one backwards sweep over time. */
export function gaeVectorized(
  rewards: Float32Array, values: Float32Array, alive: Uint8Array, envs: number, horizon: number, gamma: number, lambda: number,
  advantages: Float32Array, returns: Float32Array,
): void {
  const running = new Float64Array(envs);
  const nextValue = new Float64Array(envs);
  for (let t = horizon - 1; t >= 0; t--) {
    const row = t * envs;
    for (let i = 0; i < envs; i++) {
      const live = alive[row + i];
      const delta = rewards[row + i] + gamma * nextValue[i] - values[row + i];
      running[i] = live ? delta + gamma * lambda * running[i] : 0;
      nextValue[i] = live ? values[row + i] : 0;
      advantages[row + i] = running[i];
      returns[row + i] = live ? running[i] + values[row + i] : 0;
    }
  }
}

export interface PpoUpdateOptions {
  gamma: number;
  gaeLambda: number;
  clipEpsilon: number;
  valueCoefficient: number;
  entropyCoefficient: number;
  epochs: number;
  minibatches: number;
  batchNormMomentum: number;
  vectorizedReturns: boolean;
}

/** Mean loss terms over the minibatches of one update. */
export interface PpoUpdateResult {
  terms: LossTerms;
  updates: number;
}

/** Normalises a minibatch's advantages to zero mean and unit (sample) standard deviation. */
function normalizeAdvantages(values: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / Math.max(1, values.length - 1));
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - mean) / (std + 1e-8);
  return values;
}

/** Runs the PPO epochs over one rollout. */
export async function ppoUpdate(
  layout: NetworkLayout, backend: LearningBackend, state: NetworkState, adam: Adam, buffer: RolloutBuffer,
  shuffleRandom: Random, dropoutRandom: Random, options: PpoUpdateOptions,
): Promise<PpoUpdateResult> {
  const size = buffer.size;
  let advantages: Float32Array;
  let returns: Float32Array;
  if (options.vectorizedReturns) {
    advantages = new Float32Array(size);
    returns = new Float32Array(size);
    gaeVectorized(buffer.rewards, buffer.values, buffer.alive, buffer.envs, buffer.horizon, options.gamma, options.gaeLambda, advantages, returns);
  } else {
    const gae = gaeLoop(buffer.rewards, buffer.values, buffer.alive, buffer.envs, buffer.horizon, options.gamma, options.gaeLambda);
    advantages = Float32Array.from(gae.advantages);
    returns = Float32Array.from(gae.returns);
  }
  const oldLogProbs = Float32Array.from(buffer.actionProbabilities, (p) => Math.log(Math.max(p, 1e-12)));
  const live = buffer.aliveRows();
  const order = live ? Array.from(live) : Array.from({ length: size }, (_, i) => i);
  const minibatches = Math.min(options.minibatches, order.length);
  const totals: LossTerms = { loss: 0, policyLoss: 0, valueLoss: 0, entropy: 0, clipFraction: 0 };
  let updates = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleRandom.shuffle(order);
    for (let k = 0; k < minibatches; k++) {
      const start = Math.floor((k * order.length) / minibatches);
      const end = Math.floor(((k + 1) * order.length) / minibatches);
      const indices = Int32Array.from(order.slice(start, end));
      const count = indices.length;
      const pick = (source: Float32Array) => Float32Array.from(indices, (row) => source[row]);
      const batch: LearnBatch = {
        ...gatherRows(buffer, indices),
        actions: Uint8Array.from(indices, (row) => buffer.actions[row]),
        dropoutMasks: drawDropoutMasks(layout, count, dropoutRandom),
        loss: {
          kind: 'ppo',
          advantages: normalizeAdvantages(pick(advantages)),
          oldLogProbs: pick(oldLogProbs),
          returns: pick(returns),
          clipEpsilon: options.clipEpsilon,
          valueCoefficient: options.valueCoefficient,
          entropyCoefficient: options.entropyCoefficient,
        },
      };
      const result = await backend.learn(state, batch);
      updateRunningStatistics(state, result.batchMean, result.batchVariance, count, options.batchNormMomentum);
      adam.accumulate(result.gradient);
      adam.apply(state);
      const terms = policyLoss(result.logProbs, result.values, batch.actions, batch.loss, count);
      totals.loss += terms.loss;
      totals.policyLoss += terms.policyLoss;
      totals.valueLoss += terms.valueLoss;
      totals.entropy += terms.entropy;
      totals.clipFraction += terms.clipFraction;
      updates++;
    }
  }
  for (const key of Object.keys(totals) as (keyof LossTerms)[]) totals[key] /= Math.max(1, updates);
  return { terms: totals, updates };
}
