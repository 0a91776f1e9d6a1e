// Portfolio metrics against hand-computed cases.
import { describe, expect, it } from 'vitest';
import { computePortfolioMetrics, maxDrawdown, sharpeRatio, sortinoRatio, stepReturns, tradeStatistics } from '../../../src/core/metrics/portfolio.ts';

const DAY = 86_400_000;

describe('portfolio metrics', () => {
  it('a hand-computed curve', () => {
    const equity = [100, 110, 99, 99, 120];
    const positions = [1, 1, 0, 1];
    const metrics = computePortfolioMetrics(equity, positions, DAY);
    const returns = [0.1, -0.1, 0, 21 / 99];
    const mean = returns.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 3);
    expect(metrics.steps).toBe(4);
    expect(metrics.totalReturn).toBeCloseTo(0.2, 12);
    expect(metrics.sharpe).toBeCloseTo((mean / std) * Math.sqrt(365.25), 10);
    expect(metrics.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 4)) * Math.sqrt(365.25), 10);
    expect(metrics.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(metrics.trades).toBe(3);
    expect(metrics.roundTrips).toBe(2); // 100 -> 99 (loss, exit costs included), 99 -> 120 still open (win)
    expect(metrics.winRate).toBe(0.5);
    expect(metrics.exposure).toBe(0.75);
  });

  it('a flat curve has zero ratios and no trades', () => {
    const metrics = computePortfolioMetrics([50, 50, 50], [0, 0], 60_000);
    expect(metrics).toMatchObject({ totalReturn: 0, sharpe: 0, sortino: 0, maxDrawdown: 0, trades: 0, roundTrips: 0, winRate: 0, exposure: 0 });
  });

  it('drawdown from the running peak, not the start', () => {
    expect(maxDrawdown([100, 200, 150, 300, 120, 310])).toBeCloseTo(0.6, 12);
    expect(maxDrawdown([100, 90, 80])).toBeCloseTo(0.2, 12);
  });

  it('annualises by the bar interval', () => {
    const returns = [0.01, -0.005, 0.02, 0];
    expect(sharpeRatio(returns, 525_960) / sharpeRatio(returns, 365.25)).toBeCloseTo(Math.sqrt(525_960 / 365.25), 9);
    expect(sortinoRatio([0.01, 0.02], 365.25)).toBe(0);
    expect(stepReturns([100, 0, 50])[1]).toBe(0);
  });

  it('a position flip closes one round trip and opens another', () => {
    const stats = tradeStatistics([100, 105, 103, 108], [1, -1, -1]);
    expect(stats).toEqual({ trades: 2, roundTrips: 2, wins: 2, exposedSteps: 3 }); // 100 -> 105 long, 105 -> 108 short (equity rose)
  });

  it('rejects a curve of the wrong length', () => {
    expect(() => computePortfolioMetrics([1, 2], [0, 0], DAY)).toThrow(/steps \+ 1/);
  });
});
