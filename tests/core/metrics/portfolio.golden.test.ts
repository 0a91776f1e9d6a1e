// Golden values for the portfolio metrics every view reports: the annualised Sharpe ratio (steps
// per year from the bar interval) and the max drawdown, on curves small enough to work out by
// hand below.
import { describe, expect, it } from 'vitest';
import { computePortfolioMetrics, maxDrawdown, sharpeRatio, sharpeStandardError } from '../../../src/core/metrics/portfolio.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Equity 100 → 110 → 99 → 118.8: step returns +0.1, −0.1, +0.2.
// mean = 0.2 / 3 = 0.0666667
// deviations 0.0333333, −0.1666667, 0.1333333; squares 0.0011111, 0.0277778, 0.0177778, sum 0.0466667
// sample std = √(0.0466667 / 2) = √0.0233333 = 0.1527525
// per-step Sharpe = 0.0666667 / 0.1527525 = 0.4364358
const EQUITY = [100, 110, 99, 118.8];
const PER_STEP_SHARPE = 0.4364358;

describe('golden values: Sharpe ratio', () => {
  it('has the i.i.d. standard error sqrt((1 + SR_step^2 / 2) / n), annualised like the ratio', () => {
    // 3 daily steps of the curve above: (1 + 0.4364358^2 / 2) / 3 = 1.0952381 / 3 = 0.3650794,
    // sqrt 0.6042180 per step, times sqrt(365.25) = 19.111515 -> 11.547521
    expect(sharpeStandardError(8.340949, 3, 365.25)).toBeCloseTo(11.547521, 4);
    // a Sharpe of 0 over 18,000 one-minute bars: sqrt(525,960 / 18,000) = sqrt(29.22) = 5.405553
    expect(sharpeStandardError(0, 18_000, 525_960)).toBeCloseTo(5.405553, 5);
    expect(sharpeStandardError(1, 1, 365.25)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is mean / sample std of the step returns, times √(steps per year)', () => {
    expect(sharpeRatio([0.1, -0.1, 0.2], 1)).toBeCloseTo(PER_STEP_SHARPE, 6);
    // daily bars: 365.25 steps a year, √365.25 = 19.1115; 0.4364358·19.1115 = 8.340949
    expect(sharpeRatio([0.1, -0.1, 0.2], 365.25)).toBeCloseTo(8.340949, 5);
  });

  it('takes the steps per year from the bar interval (crypto trades 24/7, 365.25 days a year)', () => {
    // hourly bars: 365.25·24 = 8766 steps a year, √8766 = 93.62692; 0.4364358·93.62692 = 40.862138
    const hourly = computePortfolioMetrics(EQUITY, [1, 1, 1], HOUR);
    expect(hourly.sharpe).toBeCloseTo(40.862138, 4);
    // daily bars: the same curve, 8.340949
    expect(computePortfolioMetrics(EQUITY, [1, 1, 1], DAY).sharpe).toBeCloseTo(8.340949, 5);
    // Sortino on the same returns: downside deviation = √((−0.1)² / 3) = 0.0577350,
    // 0.0666667 / 0.0577350 = 1.1547005; hourly: 1.1547005·93.62692 = 108.111054
    expect(hourly.sortino).toBeCloseTo(108.111054, 3);
    expect(hourly.totalReturn).toBeCloseTo(0.188, 12);
  });

  it('is 0 for fewer than two steps and for a curve without variation', () => {
    expect(sharpeRatio([0.05], 365.25)).toBe(0);
    expect(sharpeRatio([0.01, 0.01, 0.01], 365.25)).toBe(0);
  });
});

describe('golden values: max drawdown', () => {
  it('is the largest fall from a running peak, as a fraction of that peak', () => {
    // 100 → 110 → 99: (110 − 99) / 110 = 0.1; 118.8 is a new peak with no fall after it
    expect(maxDrawdown(EQUITY)).toBeCloseTo(0.1, 12);
    expect(computePortfolioMetrics(EQUITY, [1, 1, 1], HOUR).maxDrawdown).toBeCloseTo(0.1, 12);
  });

  it('measures each fall from the peak before it, not from the start or the global peak', () => {
    // peaks and troughs: 100 → 80 falls 20 / 100 = 0.2; 200 → 130 falls 70 / 200 = 0.35;
    // 250 → 175 falls 75 / 250 = 0.3 (more points lost than 70, but a smaller fraction); worst 0.35
    expect(maxDrawdown([100, 80, 200, 150, 130, 250, 175, 240])).toBeCloseTo(0.35, 12);
    // a curve that only falls: 100 → 90 → 75: 25 / 100 = 0.25
    expect(maxDrawdown([100, 90, 75])).toBeCloseTo(0.25, 12);
    // a curve that only rises: 0
    expect(maxDrawdown([100, 101, 130])).toBe(0);
  });
});
