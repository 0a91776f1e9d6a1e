// Portfolio metrics used everywhere (evaluation, comparison table, CLI): total return, annualised
// Sharpe and Sortino (from the bar interval), max drawdown, trades, round-trip win rate and
// exposure, all computed from an equity curve and the position held on each step.

import { barsPerYear } from '../market/stats.ts';

export interface PortfolioMetrics {
  /** Steps in the curve (equity has steps + 1 points). */
  readonly steps: number;
  readonly startEquity: number;
  readonly finalEquity: number;
  /** finalEquity / startEquity - 1. */
  readonly totalReturn: number;
  /** mean / sample std of per-step returns x sqrt(steps per year); 0 when undefined (flat or < 2 steps). */
  readonly sharpe: number;
  /** mean / downside deviation (root mean square of negative returns) x sqrt(steps per year); 0 when undefined. */
  readonly sortino: number;
  /** Largest fall from a running peak, as a fraction of the peak (0..1). */
  readonly maxDrawdown: number;
  /** Steps on which the position changed. */
  readonly trades: number;
  /** Closed (or still open at the end) stretches of same-sign position. */
  readonly roundTrips: number;
  /** Share of round trips that ended with more equity than they started with (0 when none). */
  readonly winRate: number;
  /** Share of steps holding a non-zero position. */
  readonly exposure: number;
}

/** Per-step simple returns of an equity curve (0 where the previous equity is not positive). */
export function stepReturns(equity: ArrayLike<number>): Float64Array {
  const returns = new Float64Array(Math.max(0, equity.length - 1));
  for (let k = 0; k < returns.length; k++) returns[k] = equity[k] > 0 ? equity[k + 1] / equity[k] - 1 : 0;
  return returns;
}

/** Annualised Sharpe ratio (risk-free rate 0) of per-step returns. */
export function sharpeRatio(returns: ArrayLike<number>, stepsPerYear: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += returns[k];
  const mean = sum / n;
  let squares = 0;
  for (let k = 0; k < n; k++) squares += (returns[k] - mean) * (returns[k] - mean);
  const std = Math.sqrt(squares / (n - 1));
  return std > 1e-15 ? (mean / std) * Math.sqrt(stepsPerYear) : 0;
}

/**
 * Standard error of an annualised Sharpe ratio estimated from `steps` returns, under i.i.d.
 * returns (Lo 2002): sqrt((1 + SR_step^2 / 2) / steps), SR_step being the per-step Sharpe, scaled
 * to a year like the ratio. E.g. 18,000 one-minute bars: about 5.4 whatever the ratio's size.
 */
export function sharpeStandardError(sharpe: number, steps: number, stepsPerYear: number): number {
  if (steps < 2) return Number.POSITIVE_INFINITY;
  const perStep = sharpe / Math.sqrt(stepsPerYear);
  return Math.sqrt((1 + (perStep * perStep) / 2) / steps) * Math.sqrt(stepsPerYear);
}

/** Annualised Sortino ratio (target 0): mean over the root mean square of the negative returns. */
export function sortinoRatio(returns: ArrayLike<number>, stepsPerYear: number): number {
  const n = returns.length;
  if (n < 2) return 0;
  let sum = 0;
  let downside = 0;
  for (let k = 0; k < n; k++) {
    sum += returns[k];
    if (returns[k] < 0) downside += returns[k] * returns[k];
  }
  const downsideDeviation = Math.sqrt(downside / n);
  return downsideDeviation > 1e-15 ? (sum / n / downsideDeviation) * Math.sqrt(stepsPerYear) : 0;
}

/** Largest peak-to-trough fall as a fraction of the peak. */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let k = 0; k < equity.length; k++) {
    if (equity[k] > peak) peak = equity[k];
    if (peak > 0) {
      const drawdown = (peak - equity[k]) / peak;
      if (drawdown > worst) worst = drawdown;
    }
  }
  return worst;
}

/**
 * Trade statistics from the position held after each step's action. A round trip starts on the step
 * a non-zero position of a new sign is taken (equity before that step) and ends on the step the
 * position goes flat (equity after that step, so the exit costs count) or flips (equity before it).
 */
export function tradeStatistics(equity: ArrayLike<number>, positions: ArrayLike<number>): { trades: number; roundTrips: number; wins: number; exposedSteps: number } {
  let trades = 0;
  let roundTrips = 0;
  let wins = 0;
  let exposedSteps = 0;
  let previous = 0;
  let entryEquity = 0;
  const steps = positions.length;
  for (let k = 0; k < steps; k++) {
    const position = positions[k];
    if (position !== previous) trades++;
    if (position !== 0) exposedSteps++;
    const previousSign = Math.sign(previous);
    const sign = Math.sign(position);
    if (previousSign !== 0 && sign !== previousSign) {
      const exitEquity = sign === 0 ? equity[k + 1] : equity[k];
      roundTrips++;
      if (exitEquity > entryEquity) wins++;
    }
    if (sign !== 0 && sign !== previousSign) entryEquity = equity[k];
    previous = position;
  }
  if (previous !== 0) {
    roundTrips++;
    if (equity[steps] > entryEquity) wins++;
  }
  return { trades, roundTrips, wins, exposedSteps };
}

/**
 * All metrics of an equity curve. `equity` has steps + 1 points (before the first step, then after
 * each); `positions[k]` is the exposure held during step k (after its action). `barIntervalMs`
 * sets the annualisation: steps per year = 365.25 days / bar interval (crypto trades 24/7).
 */
export function computePortfolioMetrics(equity: ArrayLike<number>, positions: ArrayLike<number>, barIntervalMs: number): PortfolioMetrics {
  const steps = positions.length;
  if (equity.length !== steps + 1) throw new RangeError(`an equity curve needs steps + 1 points: got ${equity.length} points for ${steps} positions`);
  const returns = stepReturns(equity);
  const perYear = barsPerYear(barIntervalMs);
  const { trades, roundTrips, wins, exposedSteps } = tradeStatistics(equity, positions);
  const startEquity = equity[0];
  const finalEquity = equity[steps];
  return {
    steps,
    startEquity,
    finalEquity,
    totalReturn: startEquity > 0 ? finalEquity / startEquity - 1 : 0,
    sharpe: sharpeRatio(returns, perYear),
    sortino: sortinoRatio(returns, perYear),
    maxDrawdown: maxDrawdown(equity),
    trades,
    roundTrips,
    winRate: roundTrips > 0 ? wins / roundTrips : 0,
    exposure: steps > 0 ? exposedSteps / steps : 0,
  };
}
