// The embedded default dataset: the regime-switching market with DEFAULT_MARKET_PARAMS, encoded as
// Float32 columns with implied one-minute timestamps (about 4 MB for 200,000 bars). The shipped file
// in resources/ is exactly these bytes; a test regenerates them to keep it honest.

import { encodeSeries } from './binary.ts';
import { DEFAULT_MARKET_PARAMS, generateRegimeMarket } from './generator.ts';

/** File name of the embedded dataset under resources/. */
export const DEFAULT_DATASET_FILE_NAME = 'default-market.bin';

/** The bytes of the embedded dataset, generated from the fixed seed. */
export function buildDefaultDatasetBytes(): Uint8Array {
  return encodeSeries(generateRegimeMarket(DEFAULT_MARKET_PARAMS).series, 'float32');
}
