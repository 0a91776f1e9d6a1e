// Loads a run's dataset into MarketData (features and splits, from the feature cache when it has
// them) through the dataset store, so every trainer reads the same bars the same way.
import { datasetStoreFor } from '../datasets/store.ts';
import type { MarketData } from '../../core/features/market-data.ts';

export interface MarketSource {
  dataDir: string;
  dataset: string;
  /** The embedded dataset file, when it is not beside the sources (packaged app). */
  defaultDatasetFile?: string;
}

export async function loadMarket(source: MarketSource): Promise<MarketData> {
  return datasetStoreFor(source.dataDir, source.defaultDatasetFile).loadMarketData(source.dataset);
}
