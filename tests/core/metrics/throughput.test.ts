import { describe, expect, it } from 'vitest';
import { perMinute, ThroughputMeter } from '../../../src/core/metrics/throughput.ts';

describe('ThroughputMeter', () => {
  it('measures completions per minute since start while younger than the window', () => {
    const meter = new ThroughputMeter(10_000);
    meter.start(0);
    for (let t = 100; t <= 5_000; t += 100) meter.record(t);
    expect(meter.perMinute(5_000)).toBeCloseTo((50 * 60_000) / 5_000);
  });

  it('forgets completions older than the sliding window', () => {
    const meter = new ThroughputMeter(10_000);
    meter.start(0);
    for (let t = 1_000; t <= 10_000; t += 1_000) meter.record(t, 10); // 100 episodes in the first 10 s
    expect(meter.perMinute(10_000)).toBeCloseTo(600);
    for (let t = 11_000; t <= 20_000; t += 1_000) meter.record(t, 1); // then 10 in the next 10 s
    expect(meter.perMinute(20_000)).toBeCloseTo(60);
    expect(meter.perMinute(40_000)).toBe(0);
  });

  it('is zero before anything happens', () => {
    expect(new ThroughputMeter().perMinute(123)).toBe(0);
  });

  it('keeps every completion of a busy window as it wraps and grows (the same figure as counting them)', () => {
    const meter = new ThroughputMeter(1_000);
    meter.start(0);
    const times: Array<[number, number]> = [];
    for (let t = 1; t <= 5_000; t += t < 2_000 ? 3 : 1) {
      const count = (t % 7) + 1;
      meter.record(t, count);
      times.push([t, count]);
      if (t % 250 === 0) {
        const inWindow = times.filter(([at]) => t - at < 1_000).reduce((sum, [, n]) => sum + n, 0);
        expect(meter.perMinute(t)).toBeCloseTo((inWindow * 60_000) / Math.min(1_000, t), 6);
      }
    }
  });
});

describe('perMinute', () => {
  it('divides completions by the span', () => {
    expect(perMinute(30, 20_000)).toBe(90);
    expect(perMinute(5, 0)).toBe(0);
  });
});
