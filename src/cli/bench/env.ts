// `npm run bench -- env`: throughput of the trading envs and timings of the data layer, as JSON
// (medians of repeats, every repeat listed). Vector env: N = 1024 on one thread, observations as row
// indices, then with the N x 122 batch gathered each step; the scalar env beside it. Data layer:
// importing a 1,000,000-row CSV, computing features for 1,000,000 bars, and feature-cache hits.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeatureConfig } from '../../core/features/config.ts';
import type { MarketData } from '../../core/features/market-data.ts';
import { computeFeatures } from '../../core/features/pipeline.ts';
import { createEnvParams } from '../../core/env/create-params.ts';
import { ScalarTradingEnv } from '../../core/env/scalar.ts';
import { VectorTradingEnv } from '../../core/env/vector.ts';
import { parseOhlcvCsv } from '../../core/market/csv.ts';
import { generateRegimeMarket } from '../../core/market/generator.ts';
import type { OhlcvSeries } from '../../core/market/series.ts';
import { Random } from '../../core/random.ts';
import { DatasetStore } from '../../host/datasets/store.ts';
import { ACTION_COUNT, OBSERVATION_WIDTH, type Action } from '../../core/env/observation.ts';

export interface EnvBenchOptions {
  /** Repeats of each env measurement (median reported). Default 5. */
  readonly repeats?: number;
  /** Include the 1,000,000-row import, features and cache measurements. Default true. */
  readonly large?: boolean;
}

const ENVS = 1024;
const LARGE_BARS = 1_000_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Milliseconds of each of `repeats` runs of `run`. */
async function timeRepeats(repeats: number, run: (repeat: number) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    await run(repeat);
    times.push(performance.now() - started);
  }
  return times;
}

/** A headerless Binance kline CSV of a generated series (the import benchmark's input). */
function binanceCsv(series: OhlcvSeries): string {
  const lines = new Array<string>(series.length);
  for (let t = 0; t < series.length; t++) {
    const open = series.timestamps[t];
    lines[t] = `${open},${series.open[t]},${series.high[t]},${series.low[t]},${series.close[t]},${series.volume[t]},${open + 59_999},0,0,0,0,0`;
  }
  return lines.join('\n');
}

function vectorThroughput(market: MarketData, repeats: number, steps: number, gather: boolean): number[] {
  const params = createEnvParams();
  const env = new VectorTradingEnv(market, market.splits.train, new Random(1), { count: ENVS }, params);
  env.reset();
  const random = new Random(2);
  const actionTable = Array.from({ length: params.episodeLength }, () => Uint8Array.from({ length: ENVS }, () => random.nextInt(ACTION_COUNT)));
  const batch = new Float32Array(ENVS * OBSERVATION_WIDTH);
  const run = (count: number) => {
    for (let s = 0; s < count; s++) {
      env.step(actionTable[s % actionTable.length]);
      if (gather) env.gatherObservations(batch);
    }
  };
  run(Math.min(steps, 300)); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    run(steps);
    rates.push((steps * ENVS) / ((performance.now() - started) / 1000));
  }
  return rates;
}

function scalarThroughput(market: MarketData, repeats: number, steps: number): number[] {
  const env = new ScalarTradingEnv(market, market.splits.train, new Random(1), createEnvParams());
  const random = new Random(3);
  const actions = Array.from({ length: 4096 }, () => random.nextInt(ACTION_COUNT) as Action);
  env.reset();
  const run = (count: number) => {
    for (let s = 0; s < count; s++) if (env.step(actions[s & 4095]).done) env.reset();
  };
  run(Math.min(steps, 20_000));
  const rates: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const started = performance.now();
    run(steps);
    rates.push(steps / ((performance.now() - started) / 1000));
  }
  return rates;
}

/** Runs the env and data-layer benchmarks and returns their figures. */
export async function runEnvBench(options: EnvBenchOptions = {}): Promise<Record<string, unknown>> {
  const repeats = options.repeats ?? 5;
  const large = options.large ?? true;
  const workDir = await mkdtemp(join(tmpdir(), 'traindeck-bench-'));
  try {
    const result: Record<string, unknown> = { envs: ENVS, episodeLength: createEnvParams().episodeLength, repeats, cpus: availableParallelism(), node: process.version };

    // Default dataset: features computed and cached once, then loaded by fresh stores (cache hits).
    const firstStore = new DatasetStore({ rootDir: join(workDir, 'datasets') });
    const computeStarted = performance.now();
    const market = await firstStore.loadMarketData('default');
    result.featuresDefaultComputeMs = round(performance.now() - computeStarted);
    const cacheLoads = await timeRepeats(repeats, () => new DatasetStore({ rootDir: join(workDir, 'datasets') }).loadMarketData('default'));
    result.featureCacheLoadMs = round(median(cacheLoads), 1);
    result.featureCacheLoadRepeatsMs = cacheLoads.map((ms) => round(ms, 1));

    const vector = vectorThroughput(market, repeats, 3000, false);
    result.vectorStepsPerSec = round(median(vector));
    result.vectorStepsPerSecRepeats = vector.map((rate) => round(rate));
    const gathered = vectorThroughput(market, repeats, 600, true);
    result.vectorGatherStepsPerSec = round(median(gathered));
    result.vectorGatherStepsPerSecRepeats = gathered.map((rate) => round(rate));
    const scalar = scalarThroughput(market, repeats, 100_000);
    result.scalarStepsPerSec = round(median(scalar));
    result.scalarStepsPerSecRepeats = scalar.map((rate) => round(rate));
    result.vectorSpeedupOverScalar = round(median(vector) / median(scalar), 1);

    if (large) {
      const { series } = generateRegimeMarket({ bars: LARGE_BARS, seed: 7 });
      const csvFile = join(workDir, 'large.csv');
      const csv = binanceCsv(series);
      await writeFile(csvFile, csv);
      result.import1MRowsFileBytes = Buffer.byteLength(csv);
      const parses = await timeRepeats(Math.min(repeats, 3), () => {
        if (!parseOhlcvCsv(csv).ok) throw new Error('the benchmark CSV was rejected');
      });
      result.parse1MRowsMs = round(median(parses));
      const importStore = new DatasetStore({ rootDir: join(workDir, 'datasets') });
      const imports = await timeRepeats(Math.min(repeats, 3), async (repeat) => {
        const imported = await importStore.importCsv(csvFile, { name: `large-${repeat}` });
        if (!imported.ok) throw new Error('the benchmark CSV was rejected');
      });
      result.import1MRowsMs = round(median(imports));
      result.import1MRowsRepeatsMs = imports.map((ms) => round(ms));

      const config = createFeatureConfig();
      const features = await timeRepeats(Math.min(repeats, 3), () => computeFeatures(series, config));
      result.features1MBarsMs = round(median(features));
      result.features1MBarsRepeatsMs = features.map((ms) => round(ms));

      await importStore.loadMarketData('large-0'); // computes and writes the 1M-bar cache entry
      const largeLoads = await timeRepeats(Math.min(repeats, 3), () => new DatasetStore({ rootDir: join(workDir, 'datasets') }).loadMarketData('large-0'));
      result.featureCacheLoad1MBarsMs = round(median(largeLoads), 1);
    }
    result.targets = { vectorStepsPerSec: 20e6, vectorGatherStepsPerSec: 2e6, import1MRowsMs: 5000, features1MBarsMs: 3000, featureCacheLoadMs: 200 };
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
