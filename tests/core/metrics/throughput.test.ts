import { describe, expect, it } from 'vitest';
import { ThroughputMeter } from '../../../src/core/metrics/throughput.ts';

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
});
