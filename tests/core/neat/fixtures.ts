// A small synthetic market for NEAT tests: a geometric random walk with regime-dependent drift and
// random normalised features, laid out like MarketData (60 macro + 60 micro features per bar).
import { Random } from '../../../src/core/random.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../../src/core/features/config.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';

export function syntheticMarket(rows = 1200, seed = 1, shared = false): MarketData {
  const random = new Random(seed);
  const close = new Float64Array(shared ? new SharedArrayBuffer(rows * 8) : new ArrayBuffer(rows * 8));
  const macro = new Float32Array(shared ? new SharedArrayBuffer(rows * 240) : new ArrayBuffer(rows * 240));
  const micro = new Float32Array(shared ? new SharedArrayBuffer(rows * 240) : new ArrayBuffer(rows * 240));
  let price = 100;
  for (let t = 0; t < rows; t++) {
    const drift = Math.sin(t / 50) * 0.002;
    price *= Math.exp(drift + random.normal() * 0.01);
    close[t] = price;
    for (let k = 0; k < 60; k++) {
      macro[t * 60 + k] = k === 0 ? Math.sin(t / 50) : random.normal();
      micro[t * 60 + k] = k === 0 ? drift * 300 : random.normal();
    }
  }
  const third = Math.floor(rows * 0.6);
  const validationEnd = Math.floor(rows * 0.8);
  return {
    datasetName: 'synthetic', featureKey: 'synthetic', config: DEFAULT_FEATURE_CONFIG, rows, barIntervalMs: 60_000,
    timestamps: Float64Array.from({ length: rows }, (_, t) => t * 60_000), close, macroSize: 60, microSize: 60, macro, micro,
    splits: { warmupBars: 0, embargoBars: 0, train: { start: 0, end: third }, validation: { start: third, end: validationEnd }, test: { start: validationEnd, end: rows } },
  };
}
