// A small synthetic market for env tests: a seeded random-walk close and random feature rows. Not a
// test file; shared by the env tests.
import { Random } from '../../../src/core/random.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';

export function fixtureMarket(rows = 600, seed = 1, prices?: number[]): MarketData {
  const random = new Random(seed);
  const close = new Float64Array(new SharedArrayBuffer(rows * 8));
  let price = 100;
  for (let t = 0; t < rows; t++) {
    close[t] = prices?.[t] ?? price;
    price *= Math.exp(0.01 * random.normal());
  }
  const macro = new Float32Array(new SharedArrayBuffer(rows * 60 * 4));
  const micro = new Float32Array(new SharedArrayBuffer(rows * 60 * 4));
  for (let i = 0; i < macro.length; i++) {
    macro[i] = random.normal();
    micro[i] = random.normal();
  }
  const third = Math.floor(rows / 3);
  return {
    datasetName: 'fixture',
    featureKey: 'fixture',
    config: { trainFraction: 0.34, validationFraction: 0.33, embargoBars: 0, clip: 5 },
    rows,
    barIntervalMs: 60_000,
    timestamps: Float64Array.from({ length: rows }, (_, t) => Date.UTC(2024, 0, 1) + t * 60_000),
    close,
    macroSize: 60,
    microSize: 60,
    macro,
    micro,
    splits: { warmupBars: 0, embargoBars: 0, train: { start: 0, end: third }, validation: { start: third, end: 2 * third }, test: { start: 2 * third, end: rows } },
  };
}
