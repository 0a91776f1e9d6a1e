// REINFORCE with a baseline, top to bottom: discounted returns G_t = r_t + γ·G_{t+1} (γ = 0.99),
// an open position charged its closing cost after the last step; advantages A_t = G_t − b(t, p_t)
// − V(s_t), normalised over the batch; loss = −mean(log π(a_t|s_t)·A_t) − β·mean(H), gradients
// accumulated over `accumulation` rollouts, then one Adam step. The baseline has two parts (docs/rl.md,
// "Why REINFORCE drifted"):
// - b(t, p): the mean return earlier batches saw at the same step t of the episode and the same
//   position state p (short, flat, long), an exponential average over batches. It explains what the
//   time left and the position imply (fees while exploring, the closing cost), which the network
//   cannot: the step is not in the observation.
// - V(s) (`baseline: value`, the default): the network's value head, seeing the market features and
//   the account, regressed on G − b in the same loss (+ c_v·mean((V − (G − b))²); Monte Carlo targets,
//   no bootstrapping, so this is REINFORCE with baseline, Sutton & Barto §13.4). It explains what the
//   market state implies. `baseline: state` (the RL-std workload) leaves it out: no value head.
// A baseline depends only on the state and on earlier batches, so the gradient stays unbiased; what
// it changes is how much of each action's credit is noise. The original path runs per-step loops
// over plain arrays; the optimized path does it for the whole N×T batch at once.
import type { LearnBatch, LearningBackend, LearnResult } from '../compute/types.ts';
import { policyLoss, type LossTerms } from '../compute/loss.ts';
import { maxPositionLevel, minPositionLevel, type EnvParams } from '../env/params.ts';
import type { Adam } from './adam.ts';
import { gatherRows, type RolloutBuffer } from './batch.ts';
import { updateRunningStatistics, type NetworkLayout, type NetworkState } from '../compute/network.ts';
import { ACTIONS, OBSERVATION_WIDTH, POSITION_INDEX } from '../env/observation.ts';

/** Position states the baseline tells apart: 0 short, 1 flat, 2 long. */
export const POSITION_STATES = 3;

/** Weight of the newest batch in the baseline's exponential average (about 10 batches remembered). */
export const BASELINE_RATE = 0.1;

/**
 * The baseline b(t, p): `sums` and `weights` (POSITION_STATES × horizon each, index p·T + t) hold a
 * bias-corrected exponential average (as Adam's moments): b = sums / weights, 0 where no batch has
 * visited (t, p) yet. Checkpointed with the run.
 */
export interface ReturnBaseline {
  sums: Float64Array;
  weights: Float64Array;
}

export function createReturnBaseline(horizon: number): ReturnBaseline {
  return { sums: new Float64Array(POSITION_STATES * horizon), weights: new Float64Array(POSITION_STATES * horizon) };
}

/**
 * The learned part of the baseline for one rollout: V(s) of every row from the acting pass (read),
 * and its regression targets G − b(t, p) written beside them.
 */
export interface LearnedBaseline {
  values: ArrayLike<number>;
  returns: Float32Array;
}

/** Position state of a row from its observation: the sign of the exposure. */
export function positionState(observations: Float32Array, row: number): number {
  const exposure = observations[row * OBSERVATION_WIDTH + POSITION_INDEX];
  return exposure > 0 ? 2 : exposure < 0 ? 0 : 1;
}

/**
 * Original: returns of each env's episode by a backwards per-step loop over a plain array, the
 * baseline subtracted and the advantages normalised step by step over the live rows, then the
 * baseline updated with this batch's mean return per (t, p). Rows are time-major
 * (row = t·N + env), like the rollout; dead rows (after an early episode end) have zero reward
 * and get weight 0.
 */
export function reinforceAdvantagesLoop(
  rewards: ArrayLike<number>, alive: ArrayLike<number>, states: ArrayLike<number>, closingCosts: ArrayLike<number>, envs: number, horizon: number, gamma: number, baseline: ReturnBaseline,
  learned?: LearnedBaseline,
): number[] {
  const returns: number[] = new Array<number>(envs * horizon).fill(0);
  for (let env = 0; env < envs; env++) {
    let running = -closingCosts[env];
    for (let t = horizon - 1; t >= 0; t--) {
      running = rewards[t * envs + env] + gamma * running;
      returns[t * envs + env] = running;
    }
  }
  const advantages: number[] = new Array<number>(envs * horizon).fill(0);
  const batchSums: number[] = new Array<number>(POSITION_STATES * horizon).fill(0);
  const batchCounts: number[] = new Array<number>(POSITION_STATES * horizon).fill(0);
  let sum = 0;
  let count = 0;
  for (let row = 0; row < returns.length; row++) {
    if (!alive[row]) continue;
    const cell = states[row] * horizon + Math.floor(row / envs);
    const b = baseline.weights[cell] > 0 ? baseline.sums[cell] / baseline.weights[cell] : 0;
    advantages[row] = returns[row] - b - (learned ? learned.values[row] : 0);
    if (learned) learned.returns[row] = returns[row] - b;
    batchSums[cell] += returns[row];
    batchCounts[cell]++;
    sum += advantages[row];
    count++;
  }
  const mean = sum / count;
  let squares = 0;
  for (let row = 0; row < returns.length; row++) if (alive[row]) squares += (advantages[row] - mean) * (advantages[row] - mean);
  const std = Math.sqrt(squares / Math.max(1, count - 1));
  const normalized: number[] = [];
  for (let row = 0; row < returns.length; row++) normalized.push(alive[row] ? (advantages[row] - mean) / (std + 1e-8) : 0);
  for (let cell = 0; cell < batchSums.length; cell++) {
    if (batchCounts[cell] === 0) continue;
    baseline.sums[cell] = (1 - BASELINE_RATE) * baseline.sums[cell] + BASELINE_RATE * (batchSums[cell] / batchCounts[cell]);
    baseline.weights[cell] = (1 - BASELINE_RATE) * baseline.weights[cell] + BASELINE_RATE;
  }
  return normalized;
}

/**
 * Optimized: returns of all N envs at once (one sweep over time, envs contiguous), the baseline
 * subtracted and the advantages normalised over the live rows of the whole N×T batch, then the
 * baseline updated; the same numbers as the loop.
 */
export function reinforceAdvantagesVectorized(
  rewards: Float32Array, alive: Uint8Array, states: Uint8Array, closingCosts: Float64Array, envs: number, horizon: number, gamma: number, baseline: ReturnBaseline, out: Float32Array,
  learned?: LearnedBaseline,
): Float32Array {
  const running = Float64Array.from(closingCosts, (cost) => -cost);
  const advantages = new Float64Array(envs * horizon);
  const batchSums = new Float64Array(POSITION_STATES * horizon);
  const batchCounts = new Float64Array(POSITION_STATES * horizon);
  let sum = 0;
  let count = 0;
  for (let t = horizon - 1; t >= 0; t--) {
    const row = t * envs;
    for (let i = 0; i < envs; i++) {
      const value = (running[i] = rewards[row + i] + gamma * running[i]);
      if (!alive[row + i]) continue;
      const cell = states[row + i] * horizon + t;
      const weight = baseline.weights[cell];
      const b = weight > 0 ? baseline.sums[cell] / weight : 0;
      const advantage = value - b - (learned ? learned.values[row + i] : 0);
      advantages[row + i] = advantage;
      if (learned) learned.returns[row + i] = value - b;
      batchSums[cell] += value;
      batchCounts[cell]++;
      sum += advantage;
      count++;
    }
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < advantages.length; i++) if (alive[i]) squares += (advantages[i] - mean) * (advantages[i] - mean);
  const std = Math.sqrt(squares / Math.max(1, count - 1));
  for (let i = 0; i < advantages.length; i++) out[i] = alive[i] ? (advantages[i] - mean) / (std + 1e-8) : 0;
  for (let cell = 0; cell < batchSums.length; cell++) {
    if (batchCounts[cell] === 0) continue;
    baseline.sums[cell] = (1 - BASELINE_RATE) * baseline.sums[cell] + BASELINE_RATE * (batchSums[cell] / batchCounts[cell]);
    baseline.weights[cell] = (1 - BASELINE_RATE) * baseline.weights[cell] + BASELINE_RATE;
  }
  return out;
}

/**
 * What closing each env's position after its last step would cost, in reward units: the episode is
 * a window cut from a market that goes on, and a position still open at its end is sold some time
 * (the evaluation pays that fee), so the returns charge it, discounted like a reward one step after
 * the end. Without it, holding to the end is the one way to never pay an exit, so every SELL looked
 * dearer than HOLD. The cost is |exposure after the last action| × `fullClosingCost`; an episode
 * that ended early (bankruptcy) has nothing left to close.
 */
export function closingCosts(buffer: RolloutBuffer, params: EnvParams, fullClosingCost: number): Float64Array {
  const costs = new Float64Array(buffer.envs);
  const step = 1 / maxPositionLevel(params);
  const lowest = minPositionLevel(params) * step;
  const last = (buffer.horizon - 1) * buffer.envs;
  for (let env = 0; env < buffer.envs; env++) {
    const row = last + env;
    if (!buffer.alive[row]) continue;
    const exposure = buffer.observations[row * OBSERVATION_WIDTH + POSITION_INDEX];
    const action = buffer.actions[row];
    const after = action === ACTIONS.BUY ? Math.min(1, exposure + step) : action === ACTIONS.SELL ? Math.max(lowest, exposure - step) : exposure;
    costs[env] = Math.abs(after) * fullClosingCost;
  }
  return costs;
}

/** Reward units a full position's exit costs: fee and slippage on the notional (at start capital) plus the trade penalty. */
export function fullClosingCost(params: EnvParams): number {
  return (params.takerFee + params.slippageBps / 10_000) * 100 + params.tradePenalty;
}

export interface ReinforceStepOptions {
  gamma: number;
  entropyCoefficient: number;
  batchNormMomentum: number;
  /** Rollouts per optimizer step. */
  accumulation: number;
  vectorizedReturns: boolean;
  /** Env parameters (position levels) and the cost of closing a full position (fullClosingCost; 0 = no charge). */
  params: EnvParams;
  closingCost: number;
  /** With a learned baseline (network with a value head): the value loss weight c_v; undefined uses b(t, p). */
  valueCoefficient: number | undefined;
}

export interface ReinforceStepResult {
  terms: LossTerms;
  /** True when this rollout completed an accumulation cycle and Adam stepped. */
  updated: boolean;
  gradientNorm: number;
}

/** A rollout made into REINFORCE's learning batch (its live rows). */
export interface ReinforceBatch {
  batch: LearnBatch;
  size: number;
}

/**
 * The learning batch of one collected rollout: returns, advantages (updating `baseline`) and the
 * loss weights. `dropoutMasks` cover every row of the buffer (undefined without dropout); when an
 * episode ended early, the live rows use their prefix. The batch views the buffer's arrays.
 */
export function reinforceBatch(
  layout: NetworkLayout, buffer: RolloutBuffer, baseline: ReturnBaseline, dropoutMasks: Uint8Array[] | undefined, options: ReinforceStepOptions,
): ReinforceBatch {
  const costs = closingCosts(buffer, options.params, options.closingCost);
  const learned = options.valueCoefficient === undefined ? undefined : { values: buffer.values, returns: new Float32Array(buffer.size) };
  let weights: Float32Array;
  if (options.vectorizedReturns) {
    const states = new Uint8Array(buffer.size);
    for (let row = 0; row < buffer.size; row++) states[row] = positionState(buffer.observations, row);
    weights = reinforceAdvantagesVectorized(buffer.rewards, buffer.alive, states, costs, buffer.envs, buffer.horizon, options.gamma, baseline, new Float32Array(buffer.size), learned);
  } else {
    const states: number[] = [];
    for (let row = 0; row < buffer.size; row++) states.push(positionState(buffer.observations, row));
    weights = Float32Array.from(reinforceAdvantagesLoop(buffer.rewards, buffer.alive, states, costs, buffer.envs, buffer.horizon, options.gamma, baseline, learned));
  }
  // the whole rollout is the batch, unless an episode ended early: then only its live rows
  const live = buffer.aliveRows();
  const size = live ? live.length : buffer.size;
  const liveRows = (values: Float32Array) => (live ? Float32Array.from(live, (row) => values[row]) : values);
  const batch: LearnBatch = {
    ...(live ? gatherRows(buffer, live) : buffer.rows(0, buffer.size)),
    actions: live ? Uint8Array.from(live, (row) => buffer.actions[row]) : buffer.actions,
    dropoutMasks: dropoutMasks?.map((mask, block) => mask.subarray(0, size * layout.macro[block].outputs)),
    loss: {
      kind: 'reinforce',
      weights: liveRows(weights),
      entropyCoefficient: options.entropyCoefficient,
      ...(learned ? { value: { returns: liveRows(learned.returns), valueCoefficient: options.valueCoefficient! } } : {}),
    },
  };
  return { batch, size };
}

/** Takes a batch's learning result into the run: BatchNorm running statistics, the accumulated gradient; returns its loss terms. */
export function absorbReinforceResult(state: NetworkState, adam: Adam, learned: ReinforceBatch, result: LearnResult, batchNormMomentum: number): LossTerms {
  updateRunningStatistics(state, result.batchMean, result.batchVariance, learned.size, batchNormMomentum);
  adam.accumulate(result.gradient);
  return policyLoss(result.logProbs, result.values, learned.batch.actions, learned.batch.loss, learned.size);
}

/** Learns from one collected rollout: its batch, the loss gradient, accumulation, and the Adam step when the window is full. */
export async function reinforceStep(
  layout: NetworkLayout, backend: LearningBackend, state: NetworkState, adam: Adam, buffer: RolloutBuffer,
  baseline: ReturnBaseline, dropoutMasks: Uint8Array[] | undefined, options: ReinforceStepOptions,
): Promise<ReinforceStepResult> {
  const learned = reinforceBatch(layout, buffer, baseline, dropoutMasks, options);
  const result = await backend.learn(state, learned.batch);
  const terms = absorbReinforceResult(state, adam, learned, result, options.batchNormMomentum);
  if (adam.accumulatedCount < options.accumulation) return { terms, updated: false, gradientNorm: Number.NaN };
  const gradientNorm = adam.apply(state);
  return { terms, updated: true, gradientNorm };
}
