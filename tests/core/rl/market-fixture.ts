// A small synthetic MarketData for the RL tests: a noisy trending close series with feature
// matrices that carry some signal about the next move, and train/validation/test splits.
import { Random } from '../../../src/core/random.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../../src/core/features/config.ts';

export function syntheticMarket(seed: number, rows = 900): MarketData {
  const random = new Random(seed);
  const close = new Float64Array(rows);
  const macro = new Float32Array(rows * 60);
  const micro = new Float32Array(rows * 60);
  let price = 100;
  for (let t = 0; t < rows; t++) {
    const drift = 0.003 * Math.sin(t / 25);
    close[t] = price;
    for (let j = 0; j < 60; j++) {
      macro[t * 60 + j] = Math.sin(t / 25 + j) + 0.2 * random.normal();
      micro[t * 60 + j] = drift * 300 * (j % 2 === 0 ? 1 : -1) + 0.5 * random.normal();
    }
    price *= 1 + drift + 0.01 * random.normal();
  }
  const trainEnd = Math.floor(rows * 0.7);
  const validationEnd = Math.floor(rows * 0.85);
  return {
    datasetName: 'synthetic',
    featureKey: `synthetic-${seed}`,
    config: DEFAULT_FEATURE_CONFIG,
    rows,
    barIntervalMs: 3_600_000,
    timestamps: Float64Array.from({ length: rows }, (_, t) => t * 3_600_000),
    close,
    macroSize: 60,
    microSize: 60,
    macro,
    micro,
    splits: { warmupBars: 0, embargoBars: 0, train: { start: 0, end: trainEnd }, validation: { start: trainEnd, end: validationEnd }, test: { start: validationEnd, end: rows } },
  };
}

/**
 * A market that is easy to learn from and deterministic: the drift switches between up and down
 * every `block` bars (as many up as down, so buying and holding earns little), and every micro
 * feature tells the current direction through noise; macro features are noise. A policy that is
 * long in the up blocks and flat in the down blocks earns far more than buy-and-hold or random.
 */
export function signalMarket(seed: number, rows = 1500, block = 40): MarketData {
  const market = syntheticMarket(seed, rows);
  const random = new Random(seed + 1);
  let price = 100;
  for (let t = 0; t < rows; t++) {
    const direction = Math.floor(t / block) % 2 === 0 ? 1 : -1;
    market.close[t] = price;
    for (let j = 0; j < 60; j++) {
      market.macro[t * 60 + j] = random.normal();
      market.micro[t * 60 + j] = direction + 0.5 * random.normal();
    }
    price *= 1 + 0.002 * direction + 0.004 * random.normal();
  }
  return { ...market, datasetName: 'signal', featureKey: `signal-${seed}` };
}
