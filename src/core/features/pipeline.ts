// Turns a series into the two normalised feature matrices the envs read: raw columns from the
// macro and micro definitions, z-scored with mean and std from the training split only (no
// look-ahead), clipped, and laid out row-major (bar t's 60 values contiguous) in Float32Arrays that
// are SharedArrayBuffer-backed by default, so threads share them without copies.

import type { OhlcvSeries } from '../market/series.ts';
import { FEATURE_SET_VERSION, type FeatureConfig } from './config.ts';
import { FeatureContext, type FeatureDefinition } from './context.ts';
import { contentHash } from './content-hash.ts';
import { MACRO_FEATURES } from './macro.ts';
import { MICRO_FEATURES } from './micro.ts';
import { computeSplits, type BarRange, type DataSplits } from './splits.ts';

/** Per-column z-score parameters, estimated on the training split. */
export interface NormalisationStats {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export interface FeatureMatrices {
  readonly rows: number;
  readonly macroSize: number;
  readonly microSize: number;
  /** rows x macroSize, row-major; rows before the warm-up are 0. */
  readonly macro: Float32Array;
  /** rows x microSize, row-major; rows before the warm-up are 0. */
  readonly micro: Float32Array;
  readonly macroStats: NormalisationStats;
  readonly microStats: NormalisationStats;
}

/** Allocates a Float32Array of `length` values (shared memory by default). */
export type Float32Allocator = (length: number) => Float32Array;

export const sharedFloat32: Float32Allocator = (length) => new Float32Array(new SharedArrayBuffer(length * 4));

/** Bars of history the longest feature needs; splits start after them. */
export const FEATURE_WARMUP_BARS = Math.max(...MACRO_FEATURES.map((f) => f.lookback), ...MICRO_FEATURES.map((f) => f.lookback));

/** Columns computed before they are written out together (bounds scratch memory, keeps writes local). */
const COLUMN_GROUP = 20;
/** Rows written per tile of the column-to-row transpose, so the strided writes stay in cache. */
const WRITE_TILE_ROWS = 2048;

/** Raw (unnormalised) values of one feature set, column by column; for tests and diagnostics. */
export function computeRawColumns(series: OhlcvSeries, definitions: readonly FeatureDefinition[]): Float64Array[] {
  const context = new FeatureContext(series);
  return definitions.map((definition) => {
    const column = new Float64Array(series.length);
    definition.compute(context, column);
    return column;
  });
}

/**
 * Normalised row-major matrix of one feature set. Non-finite raw values become 0; a column that is
 * constant over the training split gets std 1 (so it normalises to 0 there).
 */
export function computeNormalisedMatrix(
  context: FeatureContext,
  definitions: readonly FeatureDefinition[],
  train: BarRange,
  warmupBars: number,
  clip: number,
  allocate: Float32Allocator,
  scratchBuffer: Float64Array = new Float64Array(Math.min(COLUMN_GROUP, definitions.length) * context.length),
): { values: Float32Array; stats: NormalisationStats } {
  const rows = context.length;
  const width = definitions.length;
  const values = allocate(rows * width);
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  const groupWidth = Math.min(COLUMN_GROUP, width);
  if (scratchBuffer.length < groupWidth * rows) throw new RangeError(`scratch needs ${groupWidth * rows} values, got ${scratchBuffer.length}`);
  // scratchBuffer is column-major: column k at k * rows (reused across sets to avoid fresh page faults).
  const scratch = Array.from({ length: groupWidth }, (_, k) => scratchBuffer.subarray(k * rows, (k + 1) * rows));
  const stats = new Float64Array(2);
  const groupMean = new Float64Array(COLUMN_GROUP);
  const groupScale = new Float64Array(COLUMN_GROUP);
  for (let first = 0; first < width; first += COLUMN_GROUP) {
    const count = Math.min(COLUMN_GROUP, width - first);
    for (let k = 0; k < count; k++) {
      const column = scratch[k];
      definitions[first + k].compute(context, column);
      if (!columnStats(column, train.start, train.end, stats)) {
        sanitise(column);
        columnStats(column, train.start, train.end, stats);
      }
      const columnMean = stats[0];
      const columnStd = stats[1];
      mean[first + k] = columnMean;
      std[first + k] = columnStd > 1e-12 ? columnStd : 1;
      groupMean[k] = columnMean;
      groupScale[k] = 1 / std[first + k];
    }
    writeGroup(scratchBuffer, rows, count, values, width, first, warmupBars, groupMean, groupScale, clip);
  }
  context.clear();
  return { values, stats: { mean, std } };
}

/**
 * Mean and population std of column[start..end) into `result`, in the same single pass that checks
 * the whole column for NaN and +-Infinity (x * 0 is NaN only for them). Returns false if any is
 * found. The variance is taken about the first training value, which avoids cancellation.
 */
function columnStats(column: Float64Array, start: number, end: number, result: Float64Array): boolean {
  let probe = 0;
  for (let t = 0; t < start; t++) probe += column[t] * 0;
  for (let t = end; t < column.length; t++) probe += column[t] * 0;
  const shift = column[start];
  let sum = 0;
  let squares = 0;
  for (let t = start; t < end; t++) {
    const deviation = column[t] - shift;
    sum += deviation;
    squares += deviation * deviation;
  }
  const count = end - start;
  const shiftedMean = sum / count;
  result[0] = shift + shiftedMean;
  result[1] = Math.sqrt(Math.max(0, squares / count - shiftedMean * shiftedMean));
  return probe === 0 && Number.isFinite(sum) && Number.isFinite(squares);
}

/** Replaces NaN and +-Infinity with 0. */
function sanitise(column: Float64Array): void {
  for (let t = 0; t < column.length; t++) if (!Number.isFinite(column[t])) column[t] = 0;
}

/** Holds the clip bound so it is read back as a double (see writeGroup). */
const CLIP_BOUND = new Float64Array(1);

/**
 * Writes `count` normalised, clipped columns (column-major in `scratch`) into columns first.. of the
 * row-major matrix, for rows >= warmupBars. Tiled: each tile's strided writes stay within cache.
 */
function writeGroup(
  scratch: Float64Array, rows: number, count: number, values: Float32Array, width: number, first: number,
  warmupBars: number, mean: Float64Array, scale: Float64Array, clip: number,
): void {
  // A clip of 5 arrives as a small integer; clamping doubles against it in the loop ran 3-10x slower
  // and sometimes deoptimised. Read back from a Float64Array it is a double, and Math.min/max
  // then compile to branch-free min/max instructions.
  CLIP_BOUND[0] = clip;
  const high = CLIP_BOUND[0];
  const low = -high;
  for (let tileStart = warmupBars; tileStart < rows; tileStart += WRITE_TILE_ROWS) {
    const tileEnd = Math.min(rows, tileStart + WRITE_TILE_ROWS);
    for (let k = 0; k < count; k++) {
      const columnMean = mean[k];
      const columnScale = scale[k];
      const base = k * rows;
      for (let t = tileStart, offset = tileStart * width + first + k; t < tileEnd; t++, offset += width) {
        values[offset] = Math.max(low, Math.min(high, (scratch[base + t] - columnMean) * columnScale));
      }
    }
  }
}

/** Splits and both feature matrices for a series. */
export function computeFeatures(
  series: OhlcvSeries,
  config: FeatureConfig,
  allocate: Float32Allocator = sharedFloat32,
): { features: FeatureMatrices; splits: DataSplits } {
  const splits = computeSplits(series.length, FEATURE_WARMUP_BARS, config);
  const context = new FeatureContext(series);
  const scratch = new Float64Array(COLUMN_GROUP * series.length);
  const macro = computeNormalisedMatrix(context, MACRO_FEATURES, splits.train, splits.warmupBars, config.clip, allocate, scratch);
  const micro = computeNormalisedMatrix(context, MICRO_FEATURES, splits.train, splits.warmupBars, config.clip, allocate, scratch);
  return {
    splits,
    features: {
      rows: series.length,
      macroSize: MACRO_FEATURES.length,
      microSize: MICRO_FEATURES.length,
      macro: macro.values,
      micro: micro.values,
      macroStats: macro.stats,
      microStats: micro.stats,
    },
  };
}

/**
 * Cache key of the features of a dataset under a config: a hash of the dataset's content checksum,
 * the config, the feature-set version and every feature name and formula.
 */
export function featureCacheKey(datasetChecksum: string, config: FeatureConfig): string {
  const definitions = [...MACRO_FEATURES, ...MICRO_FEATURES].map((f) => `${f.name}=${f.formula}`).join('\n');
  const configJson = JSON.stringify({ trainFraction: config.trainFraction, validationFraction: config.validationFraction, embargoBars: config.embargoBars, clip: config.clip });
  return contentHash(`traindeck-features v${FEATURE_SET_VERSION}\n`, datasetChecksum, '\n', configJson, '\n', definitions);
}
