// Evaluation over a whole split (or any window): run a policy through the scalar env from the first
// bar to the last (or many policies at once through the vector env), record equity curves, positions
// and actions, and compute portfolio metrics beside the buy-and-hold and seeded random baselines.

import { Random } from '../random.ts';
import type { MarketData } from '../features/market-data.ts';
import type { BarRange, SplitName } from '../features/splits.ts';
import { computePortfolioMetrics, type PortfolioMetrics } from '../metrics/portfolio.ts';
import { DEFAULT_ENV_PARAMS, type EnvParams } from './params.ts';
import { createEnvParams } from './create-params.ts';
import { ScalarTradingEnv } from './scalar.ts';
import { VectorTradingEnv } from './vector.ts';
import { ACTION_COUNT, ACTIONS, OBSERVATION_WIDTH, type Action } from './observation.ts';

/** Chooses an action from an observation (122 values) on a given step of the window. */
export type ObservationPolicy = (observation: Float32Array, step: number) => number;

export interface EquityCurve {
  /** First bar of the window; point k of the curve is the close of bar startBar + k. */
  readonly startBar: number;
  readonly steps: number;
  /** steps + 1 points: start capital, then equity after each step. */
  readonly equity: Float64Array;
  /** Exposure held during each step, in [-1, 1]. */
  readonly positions: Float64Array;
  readonly actions: Uint8Array;
  readonly rewards: Float64Array;
  readonly totalReward: number;
  readonly metrics: PortfolioMetrics;
}

export interface EvaluationReport extends EquityCurve {
  readonly buyAndHold: EquityCurve;
  readonly random: EquityCurve;
}

export interface EvaluationOptions {
  /** Env parameters (episodeLength is ignored: the window sets the length). */
  readonly params?: EnvParams;
  /** Seed of the random baseline (default 0). */
  readonly randomSeed?: number;
}

function checkAction(action: number, step: number): Action {
  if (action !== ACTIONS.HOLD && action !== ACTIONS.BUY && action !== ACTIONS.SELL) {
    throw new RangeError(`policy returned ${action} on step ${step}; actions are 0 (HOLD), 1 (BUY) and 2 (SELL)`);
  }
  return action;
}

/** Runs `policy` over bars [range.start, range.end): range.end - range.start - 1 steps. */
export function runWindow(market: MarketData, range: BarRange, policy: ObservationPolicy, params: EnvParams = DEFAULT_ENV_PARAMS): EquityCurve {
  const steps = range.end - range.start - 1;
  const env = new ScalarTradingEnv(market, range, new Random(0), createEnvParams({ ...params, episodeLength: Math.max(1, Math.min(params.episodeLength, steps)) }));
  const equity = new Float64Array(steps + 1);
  const positions = new Float64Array(steps);
  const actions = new Uint8Array(steps);
  const rewards = new Float64Array(steps);
  let observation = env.resetAt(range.start, steps);
  equity[0] = env.state.equity;
  let totalReward = 0;
  for (let k = 0; k < steps; k++) {
    const action = checkAction(policy(observation, k), k);
    const result = env.step(action);
    actions[k] = action;
    positions[k] = env.exposure;
    rewards[k] = result.reward;
    equity[k + 1] = result.equity;
    totalReward += result.reward;
    observation = result.observation;
    if (result.done && k + 1 < steps) {
      // Only on bankruptcy (long-short): the account stays where it ended, flat, for the rest of the window.
      equity.fill(result.equity, k + 2);
      break;
    }
  }
  const metrics = computePortfolioMetrics(equity, positions, market.barIntervalMs);
  return { startBar: range.start, steps, equity, positions, actions, rewards, totalReward, metrics };
}

/** Buy at the first bar with the whole capital and hold (all-in sizing whatever the params say). */
export function buyAndHoldCurve(market: MarketData, range: BarRange, params: EnvParams = DEFAULT_ENV_PARAMS): EquityCurve {
  return runWindow(market, range, () => ACTIONS.BUY, createEnvParams({ ...params, positionSizing: 'all-in' }));
}

/** Uniformly random actions from a seeded generator. */
export function randomCurve(market: MarketData, range: BarRange, seed = 0, params: EnvParams = DEFAULT_ENV_PARAMS): EquityCurve {
  const random = new Random(seed);
  return runWindow(market, range, () => random.nextInt(ACTION_COUNT), params);
}

/** Fills `actions` (one per env) from the N x 122 observation batch of one step. */
export type BatchPolicy = (observations: Float32Array, actions: Uint8Array, step: number) => void;

/**
 * `count` policies (or one policy with `count` members) over the same window at once, through the
 * vector env with batched observations: curve k is what runWindow would give for member k.
 */
export function runWindowBatch(market: MarketData, range: BarRange, count: number, policy: BatchPolicy, params: EnvParams = DEFAULT_ENV_PARAMS): EquityCurve[] {
  const steps = range.end - range.start - 1;
  const envParams = createEnvParams({ ...params, episodeLength: Math.max(1, Math.min(params.episodeLength, steps)) });
  const env = new VectorTradingEnv(market, range, new Random(0), { count, autoReset: false }, envParams);
  for (let i = 0; i < count; i++) env.resetEnvAt(i, range.start, steps);
  const equity = Array.from({ length: count }, () => new Float64Array(steps + 1).fill(envParams.startCapital));
  const positions = Array.from({ length: count }, () => new Float64Array(steps));
  const actions = Array.from({ length: count }, () => new Uint8Array(steps));
  const rewards = Array.from({ length: count }, () => new Float64Array(steps));
  const finished = new Uint8Array(count);
  const observations = new Float32Array(count * OBSERVATION_WIDTH);
  const chosen = new Uint8Array(count);
  for (let k = 0; k < steps; k++) {
    env.gatherObservations(observations);
    chosen.fill(0);
    policy(observations, chosen, k);
    for (let i = 0; i < count; i++) checkAction(chosen[i], k);
    env.step(chosen);
    for (let i = 0; i < count; i++) {
      if (finished[i] === 1) {
        equity[i][k + 1] = equity[i][k]; // bankrupt earlier: the account stays where it ended
        continue;
      }
      actions[i][k] = chosen[i];
      positions[i][k] = env.exposure(i);
      rewards[i][k] = env.rewards[i];
      equity[i][k + 1] = env.stepEquity[i];
      if (env.dones[i] === 1) finished[i] = 1;
    }
  }
  return equity.map((curve, i) => ({
    startBar: range.start,
    steps,
    equity: curve,
    positions: positions[i],
    actions: actions[i],
    rewards: rewards[i],
    totalReward: rewards[i].reduce((sum, reward) => sum + reward, 0),
    metrics: computePortfolioMetrics(curve, positions[i], market.barIntervalMs),
  }));
}

/** A policy's curve and metrics over a split (or window), with both baselines on the same bars. */
export function evaluatePolicy(market: MarketData, split: SplitName | BarRange, policy: ObservationPolicy, options: EvaluationOptions = {}): EvaluationReport {
  const range = typeof split === 'string' ? market.splits[split] : split;
  const params = options.params ?? DEFAULT_ENV_PARAMS;
  return {
    ...runWindow(market, range, policy, params),
    buyAndHold: buyAndHoldCurve(market, range, params),
    random: randomCurve(market, range, options.randomSeed ?? 0, params),
  };
}
