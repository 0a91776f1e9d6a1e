// Turns evaluated equity curves into the EvaluationReport the host streams to the window: each
// curve downsampled for transport, with the portfolio metrics every view and the CLI show.
import type { EvaluationReport, PortfolioStats } from '../../shared/metrics.ts';
import type { PolicyResult } from '../../shared/run.ts';
import type { SplitName } from '../features/splits.ts';
import { computePortfolioMetrics, type PortfolioMetrics } from '../metrics/portfolio.ts';
import type { EquityCurve } from './evaluate.ts';

/** Points per curve sent to the window (the metrics use every point). */
export const maxCurvePoints = 512;

export interface NamedCurve {
  /** Legend label, e.g. `policy (greedy)`, `buy-and-hold`, `random`. */
  policy: string;
  curve: EquityCurve;
}

export function portfolioStats(policy: string, curve: EquityCurve, barIntervalMs: number): PortfolioStats {
  return statsFromMetrics(policy, computePortfolioMetrics(curve.equity, curve.positions, barIntervalMs));
}

/** Portfolio metrics in the units the window shows (percentages, not fractions). */
export function statsFromMetrics(policy: string, metrics: PortfolioMetrics): PortfolioStats {
  return {
    policy,
    finalEquity: metrics.finalEquity,
    totalReturnPct: metrics.totalReturn * 100,
    sharpe: metrics.sharpe,
    maxDrawdownPct: metrics.maxDrawdown * 100,
    trades: metrics.trades,
    winRatePct: metrics.winRate * 100,
  };
}

/** The report of one evaluation: curves in the given order (the trained policy first, by convention). */
export function evaluationReport(split: SplitName, step: number, elapsedMs: number, barIntervalMs: number, curves: NamedCurve[]): EvaluationReport {
  return {
    split,
    step,
    elapsedMs,
    bars: curves[0]?.curve.steps ?? 0,
    curves: curves.map(({ policy, curve }) => ({ policy, equity: downsampleCurve(curve.equity, maxCurvePoints) })),
    stats: curves.map(({ policy, curve }) => portfolioStats(policy, curve, barIntervalMs)),
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

/**
 * A run's result (RunSummary.result) from the test-split stats of the policy it hands the user and
 * of the two baselines on the same span. `policy` says which policy and how it was chosen.
 */
export function policyResult(policy: string, stats: PortfolioStats, buyAndHold: PortfolioStats, random: PortfolioStats, finalPolicyTestSharpe?: number): PolicyResult {
  return {
    policy,
    testSharpe: stats.sharpe,
    testReturnPct: stats.totalReturnPct,
    testMaxDrawdownPct: stats.maxDrawdownPct,
    testTrades: stats.trades,
    buyAndHoldTestSharpe: buyAndHold.sharpe,
    randomTestSharpe: random.sharpe,
    ...(finalPolicyTestSharpe === undefined ? {} : { finalPolicyTestSharpe }),
  };
}
