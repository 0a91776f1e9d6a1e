// Evaluation of policies over a whole data split: each policy trades the split once from its
// first bar, on the same env semantics as training, and gets an equity curve (downsampled for
// transport) and the portfolio metrics every view and the CLI show.
import type { PortfolioStats } from '../../shared/metrics.ts';
import { ScalarTradingEnv } from '../env/scalar.ts';
import { maxPositionLevel, type Action, type EnvParams } from '../env/params.ts';
import type { MarketData } from '../features/market-data.ts';
import type { SplitName } from '../features/splits.ts';
import { computePortfolioMetrics } from '../metrics/portfolio.ts';
import { Random } from '../random.ts';

/** A policy to evaluate: picks an action from the observation (macro, micro, position, cash). */
export interface EvaluatedPolicy {
  name: string;
  act: (observation: Float32Array) => Action;
}

export interface PolicyEvaluation {
  policy: string;
  /** Bars traded (the split's length minus one). */
  bars: number;
  /** Equity after each step, starting with the start capital, downsampled to at most `maxCurvePoints`. */
  curve: number[];
  stats: PortfolioStats;
}

export const maxCurvePoints = 512;

export function evaluatePolicies(market: MarketData, split: SplitName, params: EnvParams, policies: EvaluatedPolicy[]): PolicyEvaluation[] {
  return policies.map((policy) => evaluatePolicy(market, split, params, policy));
}

export function evaluatePolicy(market: MarketData, split: SplitName, params: EnvParams, policy: EvaluatedPolicy): PolicyEvaluation {
  const range = market.splits[split];
  const steps = range.end - range.start - 1;
  // The env only draws episode starts from this generator, and resetAt() draws none.
  const env = new ScalarTradingEnv(market, range, new Random(0), params);
  const equity = new Float64Array(steps + 1);
  const positions = new Float64Array(steps);
  const levels = maxPositionLevel(params);
  let observation = env.resetAt(range.start, steps);
  equity[0] = env.state.equity;
  for (let step = 0; step < steps; step++) {
    const result = env.step(policy.act(observation));
    observation = result.observation;
    equity[step + 1] = result.equity;
    positions[step] = env.state.level / levels;
  }
  const metrics = computePortfolioMetrics(equity, positions, market.barIntervalMs);
  return {
    policy: policy.name,
    bars: steps,
    curve: downsampleCurve(equity, maxCurvePoints),
    stats: {
      policy: policy.name,
      finalEquity: metrics.finalEquity,
      totalReturnPct: metrics.totalReturn * 100,
      sharpe: metrics.sharpe,
      maxDrawdownPct: metrics.maxDrawdown * 100,
      trades: metrics.trades,
      winRatePct: metrics.winRate * 100,
    },
  };
}

/** Evenly strided points of a curve, always keeping the first and the last. */
export function downsampleCurve(values: ArrayLike<number>, maxPoints: number): number[] {
  if (values.length <= maxPoints) return Array.from(values);
  const result: number[] = [];
  const stride = (values.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i++) result.push(values[Math.round(i * stride)]);
  return result;
}
