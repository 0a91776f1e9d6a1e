// Diagnosis of the NEAT trading fitness on a dataset: what the training fitness gives simple fixed
// policies (never trade, buy and hold, momentum rules on single macro features, random), how noisy
// a generation's 6-window estimate is, and what the same policies score on the test split.
// Usage: node scripts/neat-diagnose.ts [dataset] [dataDir] [optionsJson]
import { DatasetStore } from '../src/host/datasets/store.ts';
import { Random } from '../src/core/random.ts';
import { runWindow, type ObservationPolicy } from '../src/core/env/evaluate.ts';
import { envParamsOf, resolveRunOptions } from '../src/core/neat/trading/options.ts';
import { featureRule } from '../src/core/env/fixed-rules.ts';
import { ACTIONS } from '../src/core/env/observation.ts';

const dataset = process.argv[2] ?? 'default';
const dataDir = process.argv[3] ?? '/tmp/traindeck-diagnose';
const market = await new DatasetStore({ rootDir: `${dataDir}/datasets` }).loadMarketData(dataset);
const options = resolveRunOptions(JSON.parse(process.argv[4] ?? '{}'));
const params = envParamsOf(options);
const { returnWeight, drawdownPenalty, turnoverPenalty } = options.fitness;

const randomPolicy = (seed: number): ObservationPolicy => {
  const random = new Random(seed);
  return () => random.nextInt(3);
};
const policies: Record<string, () => ObservationPolicy> = {
  'never trade': () => () => ACTIONS.HOLD,
  'buy and hold': () => () => ACTIONS.BUY,
  'momentum ret_60': () => featureRule('ret_60'),
  'momentum ret_240': () => featureRule('ret_240'),
  'momentum ema_60_240': () => featureRule('ema_cross_60_240'),
  'momentum ema_240_960': () => featureRule('ema_cross_240_960'),
  random: () => randomPolicy(7),
};

// Training fitness as the trainer computes it, per window; then means over 6-window generations.
const random = new Random(11);
const windows = 600;
const perGeneration = options.envsPerGenome;
const span = market.splits.train.end - market.splits.train.start - options.stepsPerEpisode;
const starts = Array.from({ length: windows }, () => market.splits.train.start + random.nextInt(span));
const rows: Record<string, unknown>[] = [];
for (const [name, make] of Object.entries(policies)) {
  const fitness: number[] = [];
  let tradingWindows = 0;
  for (const start of starts) {
    const curve = runWindow(market, { start, end: start + options.stepsPerEpisode + 1 }, make(), params);
    const m = curve.metrics;
    const turnover = (m.trades / options.stepsPerEpisode) * 100;
    fitness.push(returnWeight * m.totalReturn * 100 - drawdownPenalty * m.maxDrawdown * 100 - turnoverPenalty * turnover);
    if (m.trades > 0) tradingWindows++;
  }
  const generations: number[] = [];
  for (let g = 0; g + perGeneration <= windows; g += perGeneration) generations.push(fitness.slice(g, g + perGeneration).reduce((a, b) => a + b, 0) / perGeneration);
  const mean = fitness.reduce((a, b) => a + b, 0) / fitness.length;
  const std = Math.sqrt(generations.reduce((a, b) => a + (b - mean) ** 2, 0) / generations.length);
  const test = runWindow(market, market.splits.test, make(), params).metrics;
  const validation = runWindow(market, market.splits.validation, make(), params).metrics;
  rows.push({
    policy: name, meanFitness: +mean.toFixed(3), generationStd: +std.toFixed(3), tradingWindows,
    validationSharpe: +validation.sharpe.toFixed(2), testSharpe: +test.sharpe.toFixed(2), testReturnPct: +(test.totalReturn * 100).toFixed(2), testTrades: test.trades,
  });
}
console.log(JSON.stringify({ dataset, bars: market.rows, splits: market.splits }, null, 0));
console.table(rows);
