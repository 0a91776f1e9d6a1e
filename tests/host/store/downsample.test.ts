// M4 downsampling: bounded output, extremes and end points kept, and compaction by doubling
// bucket widths equal to M4 of the raw series (property test over random series).
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import { downsampleSeries, m4Aligned, type SeriesPoint } from '../../../src/host/store/downsample.ts';

function randomSeries(seed: number, length: number): SeriesPoint[] {
  const random = new Random(seed);
  const points: SeriesPoint[] = [];
  let elapsedMs = 0;
  let value = 0;
  for (let step = 0; step < length; step++) {
    elapsedMs += 1 + random.nextInt(200);
    value += random.normal();
    // Occasional spikes are what plain striding loses.
    points.push({ elapsedMs, step, value: random.nextFloat() < 0.01 ? value + 50 * random.normal() : value });
  }
  return points;
}

const extremes = (points: SeriesPoint[]) => [Math.min(...points.map((point) => point.value)), Math.max(...points.map((point) => point.value))];

describe('downsampleSeries', () => {
  it('returns short series unchanged', () => {
    const points = randomSeries(1, 10);
    expect(downsampleSeries(points, 16)).toEqual(points);
  });

  it('bounds the output and keeps first, last, minimum and maximum', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const points = randomSeries(seed, 5000);
      const real = new Set(points);
      for (const maxPoints of [4, 7, 100, 1000]) {
        const kept = downsampleSeries(points, maxPoints);
        expect(kept.length).toBeLessThanOrEqual(maxPoints);
        expect(kept[0]).toEqual(points[0]);
        expect(kept.at(-1)).toEqual(points.at(-1));
        expect(extremes(kept)).toEqual(extremes(points));
        // Time order is kept and every point is a real one.
        for (let i = 1; i < kept.length; i++) expect(kept[i].elapsedMs).toBeGreaterThanOrEqual(kept[i - 1].elapsedMs);
        expect(kept.every((point) => real.has(point))).toBe(true);
      }
    }
  });

  it('handles a series whose points all share one time', () => {
    const points = [3, 1, 4, 1, 5, 9, 2, 6].map((value, step) => ({ elapsedMs: 10, step, value }));
    expect(downsampleSeries(points, 4).map((point) => point.value)).toEqual([3, 1, 9, 6]);
  });

  it('rejects a maxPoints below 4', () => {
    expect(() => downsampleSeries([], 3)).toThrow(/at least 4/);
  });
});

describe('m4Aligned', () => {
  it('compacting twice at doubling widths equals compacting the raw series once', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const points = randomSeries(seed, 3000);
      for (const width of [1, 64, 512]) {
        expect(m4Aligned(m4Aligned(points, width), width * 2)).toEqual(m4Aligned(points, width * 2));
        expect(m4Aligned(m4Aligned(points, width), width * 8)).toEqual(m4Aligned(points, width * 8));
      }
    }
  });

  it('keeps at most four points per bucket', () => {
    const points = randomSeries(7, 2000);
    const kept = m4Aligned(points, 1000);
    const perBucket = new Map<number, number>();
    for (const point of kept) perBucket.set(Math.floor(point.elapsedMs / 1000), (perBucket.get(Math.floor(point.elapsedMs / 1000)) ?? 0) + 1);
    expect(Math.max(...perBucket.values())).toBeLessThanOrEqual(4);
  });
});
