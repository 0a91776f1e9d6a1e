// Experiment statistics against hand-computed values (arithmetic in the comments), the bootstrap's
// determinism and quantile rule, and a coverage property over many seeded normal samples.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import {
  bootstrapInterval,
  describeSample,
  interquartileMean,
  mean,
  median,
  pairedDifference,
  pairedRatio,
  probabilityOfImprovement,
  standardDeviation,
} from '../../../src/core/metrics/statistics.ts';

/** Statistic that ignores the sample and returns 0, 1, 2, ...: the sorted resampled statistics are then 0..B-1. */
function counter(): (sample: readonly number[]) => number {
  let calls = 0;
  return () => calls++;
}

describe('descriptive statistics', () => {
  const sample = [2, 4, 4, 4, 5, 5, 7, 9];

  it('mean, median, IQM and std of [2, 4, 4, 4, 5, 5, 7, 9]', () => {
    // sum = 2+4+4+4+5+5+7+9 = 40, n = 8 -> mean 40/8 = 5
    expect(mean(sample)).toBe(5);
    // even n: middle values (4th and 5th of the sorted sample) are 4 and 5 -> (4+5)/2 = 4.5
    expect(median(sample)).toBe(4.5);
    // cut floor(0.25*8) = 2 from each end -> [4, 4, 5, 5] -> 18/4 = 4.5
    expect(interquartileMean(sample)).toBe(4.5);
    // deviations -3,-1,-1,-1,0,0,2,4 -> squares 9+1+1+1+0+0+4+16 = 32 -> sample variance 32/7
    expect(standardDeviation(sample)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it('median of an odd sample is the middle value, whatever the input order', () => {
    // sorted [1, 2, 3] -> 2
    expect(median([3, 1, 2])).toBe(2);
    // sorted [-1, 0, 10, 20, 30] -> 10
    expect(median([30, -1, 20, 0, 10])).toBe(10);
  });

  it('IQM cuts floor(n/4) from each end of the sorted sample (scipy trim_mean 0.25)', () => {
    // [1..8] shuffled: sorted 1..8, cut 2 each end -> [3, 4, 5, 6] -> 18/4 = 4.5
    expect(interquartileMean([8, 1, 7, 2, 6, 3, 5, 4])).toBe(4.5);
    // n = 3: floor(0.75) = 0 cut -> plain mean (1+2+10)/3 = 13/3
    expect(interquartileMean([10, 1, 2])).toBeCloseTo(13 / 3, 14);
    // n = 5: floor(1.25) = 1 cut -> sorted [-50, 1, 2, 3, 100] -> mean(1, 2, 3) = 2; the outliers vanish
    expect(interquartileMean([100, 1, 2, 3, -50])).toBe(2);
    // n = 4: floor(1) = 1 cut -> sorted [0, 1, 3, 1000] -> mean(1, 3) = 2
    expect(interquartileMean([1000, 3, 0, 1])).toBe(2);
  });

  it('edge cases: n = 1 and empty', () => {
    expect(standardDeviation([7])).toBe(0);
    expect(mean([7])).toBe(7);
    expect(median([7])).toBe(7);
    expect(interquartileMean([7])).toBe(7);
    for (const statistic of [mean, median, interquartileMean, standardDeviation]) expect(statistic([])).toBeNaN();
  });

  it('the mean of a constant sample is exactly the constant', () => {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004 in floating point; the mean is still exactly 0.1
    expect(mean([0.1, 0.1, 0.1])).toBe(0.1);
  });

  it('non-finite values throw a RangeError naming the index', () => {
    expect(() => mean([1, Number.NaN])).toThrow(/mean: value at index 1 is NaN/);
    expect(() => median([Infinity])).toThrow(RangeError);
    expect(() => interquartileMean([1, 2, -Infinity])).toThrow(/index 2 is -Infinity/);
    expect(() => standardDeviation([Number.NaN])).toThrow(/index 0/);
    expect(() => describeSample([1, 2, Number.NaN])).toThrow(/describeSample: value at index 2/);
    expect(() => bootstrapInterval([Number.NaN], mean)).toThrow(/bootstrapInterval: value at index 0/);
  });

  it('describeSample gathers the figures and the bootstrap interval of the mean', () => {
    const summary = describeSample(sample, { seed: 3 });
    expect(summary).toMatchObject({ n: 8, mean: 5, median: 4.5, iqm: 4.5 });
    expect(summary.std).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(summary.ci95).toEqual(bootstrapInterval(sample, mean, { seed: 3 }));
    expect(summary.ci95[0]).toBeLessThan(5);
    expect(summary.ci95[1]).toBeGreaterThan(5);
    const empty = describeSample([]);
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.ci95[0]).toBeNaN();
    expect(empty.ci95[1]).toBeNaN();
  });
});

describe('bootstrapInterval', () => {
  const sample = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('is deterministic for a fixed seed, and another seed generally moves the bounds', () => {
    const first = bootstrapInterval(sample, mean, { seed: 42 });
    expect(bootstrapInterval(sample, mean, { seed: 42 })).toEqual(first);
    expect(bootstrapInterval(sample, mean, { seed: 43 })).not.toEqual(first);
    // the default seed is 0
    expect(bootstrapInterval(sample, mean)).toEqual(bootstrapInterval(sample, mean, { seed: 0 }));
  });

  it('contains the mean of a symmetric sample, and the interval of the mean stays within [min, max]', () => {
    const [low, high] = bootstrapInterval([1, 2, 3, 4, 5], mean);
    expect(low).toBeLessThan(3);
    expect(high).toBeGreaterThan(3);
    expect(low).toBeGreaterThanOrEqual(1);
    expect(high).toBeLessThanOrEqual(5);
    // three seeds: every resample mean lies in [min, max]
    const [lowThree, highThree] = bootstrapInterval([0.2, 0.9, 1.4], mean, { seed: 9 });
    expect(lowThree).toBeGreaterThanOrEqual(0.2);
    expect(highThree).toBeLessThanOrEqual(1.4);
    expect(lowThree).toBeLessThan(highThree);
  });

  it('n = 1 gives [x, x], a constant sample gives [c, c], an empty one [NaN, NaN]', () => {
    expect(bootstrapInterval([3.7], mean)).toEqual([3.7, 3.7]);
    expect(bootstrapInterval([0.1, 0.1, 0.1, 0.1], mean, { seed: 5 })).toEqual([0.1, 0.1]);
    expect(bootstrapInterval([-2, -2, -2], median)).toEqual([-2, -2]);
    const empty = bootstrapInterval([], mean);
    expect(empty[0]).toBeNaN();
    expect(empty[1]).toBeNaN();
  });

  it('takes type-7 (linear interpolation) quantiles of the sorted resampled statistics', () => {
    // B = 11 resamples give statistics 0..10; level 0.9 -> quantiles 0.05 and 0.95
    // positions (11-1)*0.05 = 0.5 -> 0 + 0.5*(1-0) = 0.5 and (11-1)*0.95 = 9.5 -> 9.5
    // ((1 - 0.9)/2 is 0.04999999999999999 in floating point, hence toBeCloseTo)
    const [lowTen, highTen] = bootstrapInterval([1, 2], counter(), { resamples: 11, level: 0.9 });
    expect(lowTen).toBeCloseTo(0.5, 12);
    expect(highTen).toBeCloseTo(9.5, 12);
    // B = 5 -> statistics 0..4; level 0.5 -> quantiles 0.25 and 0.75 at positions 1 and 3 exactly
    expect(bootstrapInterval([1, 2], counter(), { resamples: 5, level: 0.5 })).toEqual([1, 3]);
    // defaults: B = 2000, level 0.95 -> positions 1999*0.025 = 49.975 and 1999*0.975 = 1949.025
    const [low, high] = bootstrapInterval([1, 2], counter());
    expect(low).toBeCloseTo(49.975, 9);
    expect(high).toBeCloseTo(1949.025, 9);
  });

  it('hands the statistic resamples drawn from the sample, n values each', () => {
    const seen = new Set<number>();
    bootstrapInterval([10, 20, 30], (resample) => {
      expect(resample).toHaveLength(3);
      for (const value of resample) seen.add(value);
      return mean(resample);
    }, { resamples: 200 });
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });

  it('rejects bad options and a NaN statistic, naming the problem', () => {
    expect(() => bootstrapInterval(sample, mean, { resamples: 0 })).toThrow(/options.resamples must be an integer >= 1, got 0/);
    expect(() => bootstrapInterval(sample, mean, { resamples: 2.5 })).toThrow(/options.resamples/);
    expect(() => bootstrapInterval(sample, mean, { level: 1 })).toThrow(/options.level must be in \(0, 1\), got 1/);
    expect(() => bootstrapInterval(sample, mean, { seed: 0.5 })).toThrow(/options.seed must be an integer/);
    expect(() => bootstrapInterval(sample, () => Number.NaN)).toThrow(/statistic returned NaN on resample 0/);
  });

  it('covers the true mean of normal samples about 95% of the time', () => {
    // 400 samples of 25 draws from N(mu = 1, sigma = 2); the percentile bootstrap of the mean runs a
    // little narrow at small n (about 93-94% here), so the bounds are loose. Seeded, so repeatable.
    const trueMean = 1;
    const trials = 400;
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const random = Random.derive(2024, trial);
      const draws = Array.from({ length: 25 }, () => trueMean + 2 * random.normal());
      const [low, high] = bootstrapInterval(draws, mean, { seed: trial, resamples: 1000 });
      if (low <= trueMean && trueMean <= high) covered++;
    }
    const coverage = covered / trials;
    expect(coverage).toBeGreaterThan(0.88);
    expect(coverage).toBeLessThan(0.99);
  });
});

describe('probabilityOfImprovement', () => {
  it('counts wins over all pairs with ties as one half', () => {
    // baseline [1, 2, 3], candidate [2, 3, 4]:
    //   c=2: beats 1, ties 2, loses to 3 -> 1.5
    //   c=3: beats 1 and 2, ties 3       -> 2.5
    //   c=4: beats all three             -> 3
    //   total 7 over 3*3 = 9 pairs
    expect(probabilityOfImprovement([1, 2, 3], [2, 3, 4])).toBeCloseTo(7 / 9, 14);
    // the reverse direction is the complement: 2/9
    expect(probabilityOfImprovement([2, 3, 4], [1, 2, 3])).toBeCloseTo(2 / 9, 14);
  });

  it('works for unequal sizes', () => {
    // baseline [0, 5], candidate [1, 5, 5]:
    //   c=1: beats 0, loses to 5 -> 1;  c=5 (twice): beats 0, ties 5 -> 1.5 each
    //   total 1 + 1.5 + 1.5 = 4 over 2*3 = 6 pairs -> 2/3
    expect(probabilityOfImprovement([0, 5], [1, 5, 5])).toBeCloseTo(2 / 3, 14);
  });

  it('is 1/2 for identical samples, 1 or 0 for separated ones, NaN when a side is empty', () => {
    expect(probabilityOfImprovement([1, 2, 3], [3, 1, 2])).toBe(0.5);
    expect(probabilityOfImprovement([4, 4], [4, 4, 4])).toBe(0.5);
    expect(probabilityOfImprovement([1, 2], [3, 4, 5])).toBe(1);
    expect(probabilityOfImprovement([3, 4, 5], [1, 2])).toBe(0);
    expect(probabilityOfImprovement([], [1])).toBeNaN();
  });

  it('names a non-finite value and its side', () => {
    expect(() => probabilityOfImprovement([1, Number.NaN], [1])).toThrow(/baseline value at index 1 is NaN/);
    expect(() => probabilityOfImprovement([1], [Infinity])).toThrow(/candidate value at index 0 is Infinity/);
  });
});

describe('paired comparisons', () => {
  it('pairedRatio averages per-seed ratios', () => {
    // ratios 3/2 = 1.5, 2/4 = 0.5, 10/5 = 2 -> mean (1.5 + 0.5 + 2)/3 = 4/3
    const result = pairedRatio([2, 4, 5], [3, 2, 10]);
    expect(result?.n).toBe(3);
    expect(result?.mean).toBeCloseTo(4 / 3, 14);
    // the interval of a mean of ratios lies within [min ratio, max ratio] = [0.5, 2]
    expect(result?.ci95[0]).toBeGreaterThanOrEqual(0.5);
    expect(result?.ci95[1]).toBeLessThanOrEqual(2);
    expect(result?.ci95).toEqual(bootstrapInterval([1.5, 0.5, 2], mean));
  });

  it('pairedRatio drops pairs with a zero baseline or a non-finite value', () => {
    // pairs: 4/2 = 2, baseline 0 (dropped), 2/4 = 0.5, baseline NaN (dropped), candidate Infinity (dropped)
    // -> mean (2 + 0.5)/2 = 1.25 over n = 2
    const result = pairedRatio([2, 0, 4, Number.NaN, 1], [4, 1, 2, 3, Infinity]);
    expect(result).not.toBeNull();
    expect(result?.n).toBe(2);
    expect(result?.mean).toBe(1.25);
    expect(pairedRatio([0, Number.NaN], [1, 2])).toBeNull();
    expect(pairedRatio([], [])).toBeNull();
  });

  it('pairedDifference averages per-seed differences', () => {
    // differences 2-1 = 1, 2-2 = 0, 5-3 = 2 -> mean 3/3 = 1
    const result = pairedDifference([1, 2, 3], [2, 2, 5], { seed: 7 });
    expect(result).toMatchObject({ mean: 1, n: 3 });
    expect(result?.ci95[0]).toBeGreaterThanOrEqual(0);
    expect(result?.ci95[1]).toBeLessThanOrEqual(2);
    expect(result?.ci95).toEqual(bootstrapInterval([1, 0, 2], mean, { seed: 7 }));
    // one seed -> [d, d]; a constant improvement -> [d, d]
    expect(pairedDifference([1], [1.5])).toEqual({ mean: 0.5, ci95: [0.5, 0.5], n: 1 });
    expect(pairedDifference([1, 2, 3], [1.25, 2.25, 3.25])).toEqual({ mean: 0.25, ci95: [0.25, 0.25], n: 3 });
  });

  it('pairedDifference drops non-finite pairs (a zero baseline is fine)', () => {
    // pairs: 0 -> 1 (diff 1), NaN (dropped), 3 -> 6 (diff 3) -> mean 2 over n = 2
    expect(pairedDifference([0, Number.NaN, 3], [1, 2, 6])).toMatchObject({ mean: 2, n: 2 });
    expect(pairedDifference([1], [Number.NaN])).toBeNull();
  });

  it('mismatched lengths and bad options throw a RangeError naming the problem', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/pairedRatio: baseline has 2 values but candidate has 1/);
    expect(() => pairedDifference([1], [1, 2])).toThrow(RangeError);
    expect(() => pairedDifference([1], [1, 2])).toThrow(/pairedDifference: baseline has 1 values but candidate has 2/);
    expect(() => pairedRatio([1], [2], { level: 0 })).toThrow(/pairedRatio: options.level/);
  });
});
