// MarketData: everything an env, a trainer or an evaluation needs from one dataset under one
// feature config: close prices, bar times, the normalised macro and micro matrices and the splits.
// All arrays are SharedArrayBuffer-backed, so posting a MarketData to a worker thread shares memory.

import { medianInterval } from '../market/stats.ts';
import type { OhlcvSeries } from '../market/series.ts';
import type { FeatureConfig } from './config.ts';
import { computeFeatures, featureCacheKey, sharedFloat32, type FeatureMatrices } from './pipeline.ts';
import type { BarRange, DataSplits, SplitName } from './splits.ts';

export interface MarketData {
  /** Dataset the data came from. */
  readonly datasetName: string;
  /** Feature cache key (dataset checksum + config + feature-set version). */
  readonly featureKey: string;
  readonly config: FeatureConfig;
  readonly rows: number;
  /** Median bar interval, ms: the basis of every annualisation. */
  readonly barIntervalMs: number;
  /** Bar open times, epoch ms UTC. */
  readonly timestamps: Float64Array;
  /** Close prices: trades fill at the close of the bar the action is taken on. */
  readonly close: Float64Array;
  readonly macroSize: number;
  readonly microSize: number;
  /** rows x macroSize normalised features, row-major. */
  readonly macro: Float32Array;
  /** rows x microSize normalised features, row-major. */
  readonly micro: Float32Array;
  readonly splits: DataSplits;
}

/** A shared-memory copy of a Float64Array. */
export function sharedFloat64Copy(values: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.length * 8));
  copy.set(values);
  return copy;
}

/** MarketData from a series and its feature matrices (computed here when not given, e.g. on a cache miss). */
export function createMarketData(options: {
  datasetName: string;
  datasetChecksum: string;
  series: OhlcvSeries;
  config: FeatureConfig;
  /** Precomputed matrices and splits, e.g. loaded from the feature cache. */
  computed?: { features: FeatureMatrices; splits: DataSplits };
  /** The bar interval when already known (saves sorting the timestamps). */
  barIntervalMs?: number;
}): MarketData {
  const { series, config } = options;
  const computed = options.computed ?? computeFeatures(series, config, sharedFloat32);
  const { features, splits } = computed;
  if (features.rows !== series.length) throw new RangeError(`feature matrices have ${features.rows} rows but the series has ${series.length} bars`);
  return {
    datasetName: options.datasetName,
    featureKey: featureCacheKey(options.datasetChecksum, config),
    config,
    rows: series.length,
    barIntervalMs: options.barIntervalMs ?? medianInterval(series.timestamps),
    timestamps: sharedFloat64Copy(series.timestamps),
    close: sharedFloat64Copy(series.close),
    macroSize: features.macroSize,
    microSize: features.microSize,
    macro: features.macro,
    micro: features.micro,
    splits,
  };
}

/** The bar range of a named split. */
export function splitRange(market: Pick<MarketData, 'splits'>, split: SplitName): BarRange {
  return market.splits[split];
}
