// REINFORCE, top to bottom: discounted returns G_t = r_t + γ·G_{t+1} (γ = 0.99), normalised over
// the batch, loss = −mean(log π(a_t|s_t)·G_t) − β·mean(H), gradients accumulated over
// `accumulation` rollouts, then one Adam step. The original path computes returns and the loss in
// per-step loops over plain arrays; the optimized path does it for the whole N×T batch at once.
import type { ComputeBackend, LearnBatch } from '../compute/types.ts';
import { policyLoss, type LossTerms } from '../compute/loss.ts';
import type { Adam } from './adam.ts';
import { gatherRows, type RolloutBuffer } from './batch.ts';
import { updateRunningStatistics, type NetworkLayout, type NetworkState } from './network.ts';

/**
 * Original: returns of each env's episode by a backwards per-step loop over a plain array, then
 * normalised step by step over the live rows. Rows are time-major (row = t·N + env), like the
 * rollout; dead rows (after an early episode end) have zero reward and get weight 0.
 */
export function normalizedReturnsLoop(rewards: ArrayLike<number>, alive: ArrayLike<number>, envs: number, horizon: number, gamma: number): number[] {
  const returns: number[] = new Array<number>(envs * horizon).fill(0);
  for (let env = 0; env < envs; env++) {
    let running = 0;
    for (let t = horizon - 1; t >= 0; t--) {
      running = rewards[t * envs + env] + gamma * running;
      returns[t * envs + env] = running;
    }
  }
  let sum = 0;
  let count = 0;
  for (let row = 0; row < returns.length; row++) {
    if (alive[row]) {
      sum += returns[row];
      count++;
    }
  }
  const mean = sum / count;
  let squares = 0;
  for (let row = 0; row < returns.length; row++) if (alive[row]) squares += (returns[row] - mean) * (returns[row] - mean);
  const std = Math.sqrt(squares / Math.max(1, count - 1));
  const normalized: number[] = [];
  for (let row = 0; row < returns.length; row++) normalized.push(alive[row] ? (returns[row] - mean) / (std + 1e-8) : 0);
  return normalized;
}

/**
 * Optimized: returns of all N envs at once (one sweep over time, envs contiguous), normalised over
 * the live rows of the whole N×T batch.
 */
export function normalizedReturnsVectorized(rewards: Float32Array, alive: Uint8Array, envs: number, horizon: number, gamma: number, out: Float32Array): Float32Array {
  const running = new Float64Array(envs);
  const returns = new Float64Array(envs * horizon);
  for (let t = horizon - 1; t >= 0; t--) {
    const row = t * envs;
    for (let i = 0; i < envs; i++) returns[row + i] = running[i] = rewards[row + i] + gamma * running[i];
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < returns.length; i++) {
    sum += alive[i] ? returns[i] : 0;
    count += alive[i];
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < returns.length; i++) if (alive[i]) squares += (returns[i] - mean) * (returns[i] - mean);
  const std = Math.sqrt(squares / Math.max(1, count - 1));
  for (let i = 0; i < returns.length; i++) out[i] = alive[i] ? (returns[i] - mean) / (std + 1e-8) : 0;
  return out;
}

export interface ReinforceStepOptions {
  gamma: number;
  entropyCoefficient: number;
  batchNormMomentum: number;
  /** Rollouts per optimizer step. */
  accumulation: number;
  vectorizedReturns: boolean;
}

export interface ReinforceStepResult {
  terms: LossTerms;
  /** True when this rollout completed an accumulation cycle and Adam stepped. */
  updated: boolean;
  gradientNorm: number;
}

/**
 * Learns from one collected rollout: returns, loss gradient, accumulation, and the Adam step.
 * `dropoutMasks` cover every row of the buffer (undefined without dropout); when an episode ended
 * early, the live rows use their prefix.
 */
export async function reinforceStep(
  layout: NetworkLayout, backend: ComputeBackend, state: NetworkState, adam: Adam, buffer: RolloutBuffer,
  dropoutMasks: Uint8Array[] | undefined, options: ReinforceStepOptions,
): Promise<ReinforceStepResult> {
  const weights = options.vectorizedReturns
    ? normalizedReturnsVectorized(buffer.rewards, buffer.alive, buffer.envs, buffer.horizon, options.gamma, new Float32Array(buffer.size))
    : Float32Array.from(normalizedReturnsLoop(buffer.rewards, buffer.alive, buffer.envs, buffer.horizon, options.gamma));
  // the whole rollout is the batch, unless an episode ended early: then only its live rows
  const live = buffer.aliveRows();
  const size = live ? live.length : buffer.size;
  const batch: LearnBatch = {
    ...(live ? gatherRows(buffer, live) : buffer.rows(0, buffer.size)),
    actions: live ? Uint8Array.from(live, (row) => buffer.actions[row]) : buffer.actions,
    dropoutMasks: dropoutMasks?.map((mask, block) => mask.subarray(0, size * layout.macro[block].outputs)),
    loss: { kind: 'reinforce', weights: live ? Float32Array.from(live, (row) => weights[row]) : weights, entropyCoefficient: options.entropyCoefficient },
  };
  const result = await backend.learn(state, batch);
  updateRunningStatistics(state, result.batchMean, result.batchVariance, size, options.batchNormMomentum);
  adam.accumulate(result.gradient);
  const terms = policyLoss(result.logProbs, undefined, batch.actions, batch.loss, size);
  if (adam.accumulatedCount < options.accumulation) return { terms, updated: false, gradientNorm: Number.NaN };
  const gradientNorm = adam.apply(state);
  return { terms, updated: true, gradientNorm };
}
