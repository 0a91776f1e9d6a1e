// Dataset statistics against hand-computed values.
import { describe, expect, it } from 'vitest';
import { barsPerYear, computeSeriesStats, detectGaps, medianInterval } from '../../../src/core/market/stats.ts';
import { createSeries } from '../../../src/core/market/series.ts';
import { epochToMilliseconds, parseIsoTimestamp, parseTimestampField } from '../../../src/core/market/timestamps.ts';

describe('series statistics', () => {
  it('computes span, interval, gaps and price and return summaries', () => {
    const series = createSeries(4);
    series.timestamps.set([0, 60_000, 120_000, 300_000]);
    series.close.set([100, 110, 99, 99]);
    series.low.set([90, 100, 95, 98]);
    series.high.set([105, 120, 111, 100]);
    series.volume.set([1, 2, 3, 4]);
    const stats = computeSeriesStats(series);
    expect(stats).toMatchObject({ rows: 4, firstTimestampMs: 0, lastTimestampMs: 300_000, spanMs: 300_000, intervalMs: 60_000 });
    expect(stats.gaps).toEqual({ count: 1, largestMs: 180_000, missingBars: 2 });
    expect(stats.price).toEqual({ first: 100, last: 99, min: 90, max: 120, mean: 102 });
    const returns = [Math.log(1.1), Math.log(0.9), 0];
    const mean = returns.reduce((a, b) => a + b) / 3;
    const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 2);
    expect(stats.returns.mean).toBeCloseTo(mean, 12);
    expect(stats.returns.std).toBeCloseTo(std, 12);
    expect(stats.returns.min).toBeCloseTo(Math.log(0.9), 12);
    expect(stats.returns.max).toBeCloseTo(Math.log(1.1), 12);
    expect(stats.returns.annualisedVolatility).toBeCloseTo(std * Math.sqrt(525_960), 9);
    expect(stats.volume).toEqual({ total: 10, mean: 2.5 });
  });

  it('uses the median step as the interval, robust to gaps', () => {
    expect(medianInterval(Float64Array.from([0, 1, 2, 3, 100]))).toBe(1);
    expect(medianInterval(Float64Array.from([0, 1, 3]))).toBe(1.5);
    expect(medianInterval(Float64Array.from([5]))).toBe(0);
    expect(detectGaps(Float64Array.from([0, 1, 2]), 1)).toEqual({ count: 0, largestMs: 0, missingBars: 0 });
    expect(barsPerYear(60_000)).toBe(525_960);
  });

  it('summarises an empty series without NaN', () => {
    const stats = computeSeriesStats(createSeries(0));
    expect(JSON.stringify(stats)).not.toContain('null');
    expect(stats.rows).toBe(0);
  });
});

describe('timestamps', () => {
  it('tells epoch units apart by magnitude', () => {
    const ms = Date.UTC(2025, 0, 1);
    expect(epochToMilliseconds(ms / 1000)).toBe(ms);
    expect(epochToMilliseconds(ms)).toBe(ms);
    expect(epochToMilliseconds(ms * 1000)).toBe(ms);
    expect(epochToMilliseconds(ms * 1e6)).toBe(ms);
    expect(epochToMilliseconds(1e21)).toBeNaN();
    expect(epochToMilliseconds(-5)).toBeNaN();
  });

  it('parses ISO 8601 strictly and as UTC', () => {
    expect(parseIsoTimestamp('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseIsoTimestamp('2024-01-01T00:00:00-05:30')).toBe(Date.UTC(2024, 0, 1, 5, 30));
    expect(parseIsoTimestamp('2023-02-29')).toBeNaN();
    expect(parseIsoTimestamp('2024-13-01')).toBeNaN();
    expect(parseIsoTimestamp('2024-01-01T24:00')).toBeNaN();
    expect(parseIsoTimestamp('yesterday')).toBeNaN();
    expect(parseTimestampField('2024-01-01 00:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimestampField('1704067200')).toBe(Date.UTC(2024, 0, 1));
  });
});
