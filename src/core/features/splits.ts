// Walk-forward splits by time: train, then validation, then test, each a contiguous range of bars
// after the feature warm-up, never shuffled, with an optional embargo between them. Also expanding
// walk-forward folds for repeated out-of-sample evaluation.

import type { FeatureConfig } from './config.ts';

/** Bars [start, end) of a series. */
export interface BarRange {
  readonly start: number;
  readonly end: number;
}

export interface DataSplits {
  /** Bars before the first split, whose features are not fully formed. */
  readonly warmupBars: number;
  readonly embargoBars: number;
  readonly train: BarRange;
  readonly validation: BarRange;
  readonly test: BarRange;
}

export type SplitName = 'train' | 'validation' | 'test';

/** Fewest bars a split may hold: an episode needs at least two (one step). */
export const MIN_SPLIT_BARS = 2;

/** Train / validation / test ranges over bars [warmupBars, rows). */
export function computeSplits(rows: number, warmupBars: number, config: Pick<FeatureConfig, 'trainFraction' | 'validationFraction' | 'embargoBars'>): DataSplits {
  const usable = rows - warmupBars;
  const embargo = config.embargoBars;
  const trainEnd = warmupBars + Math.floor(usable * config.trainFraction);
  const validationStart = Math.min(rows, trainEnd + embargo);
  const validationEnd = Math.min(rows, validationStart + Math.floor(usable * config.validationFraction));
  const testStart = Math.min(rows, config.validationFraction > 0 ? validationEnd + embargo : validationEnd);
  const splits: DataSplits = {
    warmupBars,
    embargoBars: embargo,
    train: { start: warmupBars, end: trainEnd },
    validation: { start: validationStart, end: validationEnd },
    test: { start: testStart, end: rows },
  };
  const required: SplitName[] = config.validationFraction > 0 ? ['train', 'validation', 'test'] : ['train', 'test'];
  const tooSmall = required.filter((name) => splitLength(splits[name]) < MIN_SPLIT_BARS);
  if (tooSmall.length > 0) {
    throw new RangeError(
      `${rows} bars are too few for the splits: ${tooSmall.join(', ')} would have fewer than ${MIN_SPLIT_BARS} bars ` +
        `after a warm-up of ${warmupBars} bars and an embargo of ${embargo}`,
    );
  }
  return splits;
}

export function splitLength(range: BarRange): number {
  return range.end - range.start;
}

/** One walk-forward fold: train on everything up to a point, test on the block after it. */
export interface WalkForwardFold {
  readonly train: BarRange;
  readonly test: BarRange;
}

/**
 * Expanding walk-forward folds: the usable bars are cut into `folds + 1` equal blocks; fold k trains
 * on blocks 0..k and tests on block k + 1, with `embargoBars` left out before each test block.
 */
export function walkForwardFolds(rows: number, warmupBars: number, folds: number, embargoBars = 0): WalkForwardFold[] {
  if (!Number.isInteger(folds) || folds < 1) throw new RangeError(`walk-forward folds must be an integer >= 1, got ${folds}`);
  if (!Number.isInteger(embargoBars) || embargoBars < 0) throw new RangeError(`embargoBars must be an integer >= 0, got ${embargoBars}`);
  const block = Math.floor((rows - warmupBars) / (folds + 1));
  if (block - embargoBars < MIN_SPLIT_BARS) throw new RangeError(`${rows} bars are too few for ${folds} walk-forward folds after a warm-up of ${warmupBars} bars`);
  const result: WalkForwardFold[] = [];
  for (let k = 0; k < folds; k++) {
    const trainEnd = warmupBars + block * (k + 1);
    const testEnd = k === folds - 1 ? rows : trainEnd + block;
    result.push({ train: { start: warmupBars, end: trainEnd }, test: { start: trainEnd + embargoBars, end: testEnd } });
  }
  return result;
}
