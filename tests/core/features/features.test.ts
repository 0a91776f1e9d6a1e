// Feature sets and normalisation: 60 + 60 defined features, no look-ahead (a future price never
// changes an earlier row), statistics from the training split only, and shared-memory output.
import { describe, expect, it } from 'vitest';
import { createFeatureConfig } from '../../../src/core/features/config.ts';
import { MACRO_FEATURES } from '../../../src/core/features/macro.ts';
import { MICRO_FEATURES } from '../../../src/core/features/micro.ts';
import { computeFeatures, computeRawColumns, FEATURE_WARMUP_BARS, featureCacheKey } from '../../../src/core/features/pipeline.ts';
import { generateRegimeMarket } from '../../../src/core/market/generator.ts';
import type { OhlcvSeries } from '../../../src/core/market/series.ts';
import { MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT } from '../../../src/core/env/observation.ts';

const BARS = 4000;
const base = generateRegimeMarket({ bars: BARS, seed: 5 }).series;
const config = createFeatureConfig();

function copySeries(series: OhlcvSeries): OhlcvSeries {
  return { length: series.length, timestamps: series.timestamps.slice(), open: series.open.slice(), high: series.high.slice(), low: series.low.slice(), close: series.close.slice(), volume: series.volume.slice() };
}

/** The series with bar k moved: close up 3%, high and low widened, volume tripled. */
function perturbed(k: number): OhlcvSeries {
  const series = copySeries(base);
  series.close[k] *= 1.03;
  series.high[k] = Math.max(series.high[k], series.close[k]) * 1.01;
  series.low[k] *= 0.99;
  series.volume[k] *= 3;
  return series;
}

describe('feature sets', () => {
  it('define 60 macro and 60 micro features with unique names and formulas', () => {
    expect(MACRO_FEATURES).toHaveLength(MACRO_FEATURE_COUNT);
    expect(MICRO_FEATURES).toHaveLength(MICRO_FEATURE_COUNT);
    const names = [...MACRO_FEATURES, ...MICRO_FEATURES].map((f) => f.name);
    expect(new Set(MACRO_FEATURES.map((f) => f.name)).size).toBe(60);
    expect(new Set(MICRO_FEATURES.map((f) => f.name)).size).toBe(60);
    expect(names.every((name) => /^[a-z0-9_]+$/.test(name))).toBe(true);
    expect(FEATURE_WARMUP_BARS).toBe(Math.max(...[...MACRO_FEATURES, ...MICRO_FEATURES].map((f) => f.lookback)));
  });

  it('macro features move slowly and micro features quickly', () => {
    const lagOneCorrelation = (column: Float64Array): number => {
      let sxy = 0;
      let sxx = 0;
      let mean = 0;
      for (let t = FEATURE_WARMUP_BARS; t < column.length; t++) mean += column[t];
      mean /= column.length - FEATURE_WARMUP_BARS;
      for (let t = FEATURE_WARMUP_BARS + 1; t < column.length; t++) {
        sxy += (column[t] - mean) * (column[t - 1] - mean);
        sxx += (column[t] - mean) ** 2;
      }
      return sxx > 0 ? sxy / sxx : 1;
    };
    const average = (columns: Float64Array[]) => columns.map(lagOneCorrelation).reduce((a, b) => a + b) / columns.length;
    expect(average(computeRawColumns(base, MACRO_FEATURES))).toBeGreaterThan(0.9);
    expect(average(computeRawColumns(base, MICRO_FEATURES))).toBeLessThan(average(computeRawColumns(base, MACRO_FEATURES)) - 0.2);
  });
});

describe('no look-ahead', () => {
  const raw = [...computeRawColumns(base, MACRO_FEATURES), ...computeRawColumns(base, MICRO_FEATURES)];
  for (const k of [1, 700, 2500, BARS - 1]) {
    it(`changing bar ${k} leaves every raw feature of earlier bars unchanged`, () => {
      const series = perturbed(k);
      const changed = [...computeRawColumns(series, MACRO_FEATURES), ...computeRawColumns(series, MICRO_FEATURES)];
      let differsAtK = false;
      changed.forEach((column, c) => {
        for (let t = 0; t < k; t++) if (!Object.is(column[t], raw[c][t])) throw new Error(`feature ${c} row ${t} changed when bar ${k} moved`);
        if (column[k] !== raw[c][k]) differsAtK = true;
      });
      expect(differsAtK).toBe(true);
    });
  }

  it('changing a bar after the training split leaves every earlier normalised row unchanged', () => {
    const reference = computeFeatures(base, config);
    const k = reference.splits.validation.start + 50;
    const moved = computeFeatures(perturbed(k), config);
    expect(Array.from(moved.features.macro.subarray(0, k * 60))).toEqual(Array.from(reference.features.macro.subarray(0, k * 60)));
    expect(Array.from(moved.features.micro.subarray(0, k * 60))).toEqual(Array.from(reference.features.micro.subarray(0, k * 60)));
    expect(Array.from(moved.features.macroStats.mean)).toEqual(Array.from(reference.features.macroStats.mean));
    expect(moved.features.micro[k * 60]).not.toBe(reference.features.micro[k * 60]);
  });

  it('normalisation statistics come from the training split only', () => {
    const reference = computeFeatures(base, config);
    const inTrain = computeFeatures(perturbed(reference.splits.train.start + 10), config);
    expect(Array.from(inTrain.features.microStats.mean)).not.toEqual(Array.from(reference.features.microStats.mean));
    const { train } = reference.splits;
    const rawMicro = computeRawColumns(base, MICRO_FEATURES);
    for (const c of [0, 25, 59]) {
      let sum = 0;
      for (let t = train.start; t < train.end; t++) sum += rawMicro[c][t];
      expect(reference.features.microStats.mean[c]).toBeCloseTo(sum / (train.end - train.start), 10);
    }
  });
});

describe('computeFeatures', () => {
  const { features, splits } = computeFeatures(base, config);

  it('returns shared-memory row-major matrices, zero in the warm-up, z-scored and clipped', () => {
    expect(features.macro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(features.micro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(features.macro.length).toBe(BARS * 60);
    expect(features.macro.subarray(0, FEATURE_WARMUP_BARS * 60).every((x) => x === 0)).toBe(true);
    expect(features.micro.every((x) => Number.isFinite(x) && Math.abs(x) <= config.clip)).toBe(true);
    for (const c of [0, 7, 33]) {
      let sum = 0;
      let squares = 0;
      for (let t = splits.train.start; t < splits.train.end; t++) {
        sum += features.macro[t * 60 + c];
        squares += features.macro[t * 60 + c] ** 2;
      }
      const n = splits.train.end - splits.train.start;
      expect(Math.abs(sum / n)).toBeLessThan(0.05);
      expect(Math.sqrt(squares / n - (sum / n) ** 2)).toBeGreaterThan(0.9);
    }
  });

  it('matches the row-major layout of the raw columns', () => {
    const rawMacro = computeRawColumns(base, MACRO_FEATURES);
    const t = splits.test.start + 3;
    for (const c of [0, 30, 59]) {
      const expected = (rawMacro[c][t] - features.macroStats.mean[c]) / features.macroStats.std[c];
      expect(features.macro[t * 60 + c]).toBeCloseTo(Math.max(-5, Math.min(5, expected)), 5);
    }
  });

  it('keys the cache by dataset checksum and config', () => {
    const key = featureCacheKey('0123456789abcdef', config);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(featureCacheKey('0123456789abcdef', createFeatureConfig())).toBe(key);
    expect(featureCacheKey('0123456789abcdee', config)).not.toBe(key);
    expect(featureCacheKey('0123456789abcdef', createFeatureConfig({ embargoBars: 10 }))).not.toBe(key);
  });

  it('validates the config, naming the bad key', () => {
    expect(() => createFeatureConfig({ trainFraction: 1.2 })).toThrow(/trainFraction/);
    expect(() => createFeatureConfig({ trainFraction: 0.8, validationFraction: 0.3 })).toThrow(/validationFraction/);
    expect(() => createFeatureConfig({ clip: 0 })).toThrow(/clip/);
    expect(() => createFeatureConfig({ bogus: 1 } as never)).toThrow(/unknown feature config key bogus/);
  });
});
