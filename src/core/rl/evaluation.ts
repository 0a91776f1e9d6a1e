// Evaluation of the current policy on the validation and test splits, greedy and sampled, beside
// buy-and-hold and a uniformly random policy on the same bars. A split of the default dataset has
// ~30,000 bars and a policy's position feeds back into its observations, so stepping it bar by bar
// takes seconds; instead each split is cut into `segments` consecutive windows run side by side in
// one VectorTradingEnv (one batched forward pass per step). Every window starts flat with the same
// capital and the windows' returns are chained into one curve per policy (`segments: 1` gives the
// exact sequential run). The baselines need no network and run exactly over the whole span, so the
// policy carries the only handicap of the windowing (a flat start and an entry in every window).
import type { EvaluationReport } from '../../shared/metrics.ts';
import type { ComputeBackend } from '../compute/types.ts';
import { buyAndHoldCurve, randomCurve } from '../env/evaluate.ts';
import type { EnvParams } from '../env/params.ts';
import { createEnvParams } from '../env/create-params.ts';
import { VectorTradingEnv } from '../env/vector.ts';
import type { MarketData } from '../features/market-data.ts';
import type { SplitName } from '../features/splits.ts';
import { computePortfolioMetrics, type PortfolioMetrics } from '../metrics/portfolio.ts';
import { Random } from '../random.ts';
import { greedyAction, sampleAction } from './batch.ts';
import type { NetworkState } from '../compute/network.ts';
import { downsampleCurve, statsFromMetrics } from '../env/evaluation-report.ts';
import { ACTION_COUNT, ACTIONS, OBSERVATION_WIDTH } from '../env/observation.ts';

// sampled first: the trained (stochastic) policy is the one the views and the compare table report; greedy is its argmax
export const evaluationPolicies = ['policy (sampled)', 'policy (greedy)', 'buy-and-hold', 'random'] as const;
export type EvaluationPolicy = (typeof evaluationPolicies)[number];

/**
 * The policy whose validation Sharpe chooses the best policy (early stopping) and whose figures
 * headline a run. Sampled, not greedy: REINFORCE learns a stochastic policy whose entries are small
 * per-step probabilities, so its argmax often never trades.
 */
export const SELECTION_POLICY: EvaluationPolicy = 'policy (sampled)';

export interface SplitEvaluation {
  split: SplitName;
  /** Bars in the split. */
  bars: number;
  segments: number;
  equity: Record<EvaluationPolicy, Float64Array>;
  metrics: Record<EvaluationPolicy, PortfolioMetrics>;
}

export interface EvaluationOptions {
  market: MarketData;
  params: EnvParams;
  backend: ComputeBackend;
  state: NetworkState;
  splits: SplitName[];
  /** Windows per split run in parallel (1 = exact sequential evaluation). */
  segments: number;
  /** Draws of the sampled policy (a checkpointed stream). */
  sampling: Random;
  /** Seed of the random baseline, fixed per run so its curve is the same at every evaluation. */
  randomSeed: number;
  /** Mask the actions that would not change the position, as the policy was trained (see RlSettings.maskInvalidActions). */
  maskInvalidActions: boolean;
}

interface Window {
  split: number;
  policy: number;
  segment: number;
  startBar: number;
  steps: number;
}

/** Runs all policies over the splits' windows and chains each policy's windows into one curve. */
export async function evaluateSplits(options: EvaluationOptions): Promise<SplitEvaluation[]> {
  const { market, splits } = options;
  const ranges = splits.map((split) => market.splits[split]);
  const windows: Window[] = [];
  for (const policy of [0, 1]) {
    ranges.forEach((range, split) => {
      const steps = range.end - range.start - 1;
      const segments = Math.max(1, Math.min(options.segments, Math.floor(steps / 2)));
      const length = Math.ceil(steps / segments);
      for (let segment = 0; segment * length < steps; segment++) {
        windows.push({ split, policy, segment, startBar: range.start + segment * length, steps: Math.min(length, steps - segment * length) });
      }
    });
  }
  const union = { start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) };
  const params = createEnvParams({ ...options.params, episodeLength: 1 });
  const env = new VectorTradingEnv(market, union, new Random(0), { count: windows.length, autoReset: false }, params);
  windows.forEach((window, i) => env.resetEnvAt(i, window.startBar, window.steps));
  const maxSteps = Math.max(...windows.map((window) => window.steps));
  const equity = windows.map((window) => {
    const curve = new Float64Array(window.steps + 1);
    curve[0] = params.startCapital;
    return curve;
  });
  const positions = windows.map((window) => new Float64Array(window.steps));
  const observations = new Float32Array(windows.length * OBSERVATION_WIDTH);
  const actionMasks = options.maskInvalidActions ? new Uint8Array(windows.length * ACTION_COUNT) : undefined;
  const actions = new Uint8Array(windows.length);
  for (let t = 0; t < maxSteps; t++) {
    env.gatherObservations(observations);
    if (actionMasks) env.gatherActionMasks(actionMasks);
    const policy = await options.backend.act(options.state, { size: windows.length, observations, actionMasks });
    windows.forEach((window, i) => {
      if (t >= window.steps) actions[i] = ACTIONS.HOLD;
      else if (window.policy === 0) actions[i] = greedyAction(policy.probabilities, i);
      else actions[i] = sampleAction(policy.probabilities, i, options.sampling);
    });
    env.step(actions);
    windows.forEach((window, i) => {
      if (t >= window.steps) return;
      equity[i][t + 1] = env.stepEquity[i];
      positions[i][t] = env.exposure(i);
    });
  }
  return splits.map((split, splitIndex) => {
    const chained = {} as Record<EvaluationPolicy, Float64Array>;
    const metrics = {} as Record<EvaluationPolicy, PortfolioMetrics>;
    const range = ranges[splitIndex];
    (['policy (greedy)', 'policy (sampled)'] as const).forEach((label, policy) => {
      const parts = windows.map((window, i) => ({ window, i })).filter(({ window }) => window.split === splitIndex && window.policy === policy);
      const steps = parts.reduce((sum, part) => sum + part.window.steps, 0);
      const curve = new Float64Array(steps + 1);
      const held = new Float64Array(steps);
      curve[0] = params.startCapital;
      let offset = 0;
      for (const { window, i } of parts) {
        const base = curve[offset];
        for (let k = 1; k <= window.steps; k++) curve[offset + k] = base * (equity[i][k] / equity[i][0]);
        held.set(positions[i], offset);
        offset += window.steps;
      }
      chained[label] = curve;
      metrics[label] = computePortfolioMetrics(curve, held, market.barIntervalMs);
    });
    const buyAndHold = buyAndHoldCurve(market, range, options.params);
    const random = randomCurve(market, range, options.randomSeed, options.params);
    chained['buy-and-hold'] = buyAndHold.equity;
    metrics['buy-and-hold'] = buyAndHold.metrics;
    chained.random = random.equity;
    metrics.random = random.metrics;
    return { split, bars: range.end - range.start, segments: countSegments(windows, splitIndex), equity: chained, metrics };
  });
}

function countSegments(windows: Window[], split: number): number {
  return windows.filter((window) => window.split === split && window.policy === 0).length;
}

/** The report the host stores and the window draws. */
export function toEvaluationReport(evaluation: SplitEvaluation, step: number, elapsedMs: number): EvaluationReport {
  return {
    split: evaluation.split,
    step,
    elapsedMs,
    bars: evaluation.bars,
    curves: evaluationPolicies.map((policy) => ({ policy, equity: downsampleCurve(evaluation.equity[policy], 2048) })),
    stats: evaluationPolicies.map((policy) => statsFromMetrics(policy, evaluation.metrics[policy])),
  };
}

/** The headline figures of one split's evaluation (the RL bench reports them; the run summary, a subset prefixed `test`). */
export function splitFigures(evaluation: SplitEvaluation) {
  const { 'policy (greedy)': greedy, 'policy (sampled)': sampled, 'buy-and-hold': buyAndHold, random } = evaluation.metrics;
  return {
    sharpeGreedy: greedy.sharpe,
    returnPctSampled: sampled.totalReturn * 100,
    tradesSampled: sampled.trades,
    sharpeSampled: sampled.sharpe,
    sharpeBuyAndHold: buyAndHold.sharpe,
    sharpeRandom: random.sharpe,
    returnPctGreedy: greedy.totalReturn * 100,
    returnPctBuyAndHold: buyAndHold.totalReturn * 100,
    maxDrawdownPctGreedy: greedy.maxDrawdown * 100,
    tradesGreedy: greedy.trades,
  };
}
export type SplitFigures = ReturnType<typeof splitFigures>;
