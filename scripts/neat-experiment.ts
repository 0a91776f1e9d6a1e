// A NEAT trading run on one thread with a generation budget, printing every `every` generations
// what the docs' diagnosis needs: the decision population's best and mean fitness, how many genomes
// traded at all, species, and the current champion's validation and test Sharpe.
// Usage: node scripts/neat-experiment.ts DATASET DATA_DIR SEED GENERATIONS [OPTIONS_JSON] [EVERY]
import { DatasetStore } from '../src/host/datasets/store.ts';
import { currentChampion, evaluateChampion } from '../src/core/neat/trading/champion.ts';
import { EPISODE_METRIC_COUNT, METRIC_TRADES, type EvaluationJob, type EvaluationResult } from '../src/core/neat/trading/evaluation-jobs.ts';
import { InProcessEvaluation } from '../src/core/neat/trading/in-process.ts';
import { envParamsOf, optimizedFlags, resolveRunOptions } from '../src/core/neat/trading/options.ts';
import { NeatRun } from '../src/core/neat/trading/run.ts';
import { TradingEvaluator } from '../src/core/neat/trading/evaluator.ts';
import { evaluatorSetup } from '../src/core/neat/trading/trainer.ts';

const [dataset = 'default', dataDir = '/tmp/traindeck-diagnose', seedText = '1', generationsText = '100', optionsText = '{}', everyText = '10'] = process.argv.slice(2);
const market = await new DatasetStore({ rootDir: `${dataDir}/datasets` }).loadMarketData(dataset);
const options = resolveRunOptions(JSON.parse(optionsText));
const run = NeatRun.create(options, Number(seedText), { macroSize: market.macroSize, microSize: market.microSize }, market.splits.train);
const flags = { ...optimizedFlags, threadPool: false };
const setup = evaluatorSetup(run, market, flags);
const inner = new InProcessEvaluation(setup);
const lastResults = new Map<string, EvaluationResult>();
const strategy = {
  threads: 1,
  async evaluate(job: EvaluationJob) {
    const result = await inner.evaluate(job);
    lastResults.set(job.role, result);
    return result;
  },
  close: () => inner.close(),
};
const championEvaluator = new TradingEvaluator(setup);
const params = envParamsOf(options);
const started = performance.now();
for (let generation = 1; generation <= Number(generationsText); generation++) {
  const report = await run.runGeneration(strategy, () => performance.now());
  if (generation % Number(everyText) !== 0) continue;
  const decision = report.populations.at(-1)!;
  const role = run.populations.at(-1)!.role;
  const metrics = lastResults.get(role)!.metrics;
  let trading = 0;
  for (let row = 0; row < metrics.length; row += EPISODE_METRIC_COUNT) if (metrics[row + METRIC_TRADES] > 0) trading++;
  const champion = currentChampion(run);
  const validation = await evaluateChampion(championEvaluator, market, params, champion, 'validation', generation, 0);
  const test = await evaluateChampion(championEvaluator, market, params, champion, 'test', generation, 0);
  console.log(JSON.stringify({
    generation, seconds: Math.round((performance.now() - started) / 1000),
    best: +decision.statistics.bestFitness.toFixed(3), mean: +decision.statistics.meanFitness.toFixed(3),
    trading: `${trading}/${metrics.length / EPISODE_METRIC_COUNT}`, species: decision.statistics.species.length,
    conns: +decision.statistics.meanConnections.toFixed(1),
    valSharpe: +validation.champion.sharpe.toFixed(2), testSharpe: +test.champion.sharpe.toFixed(2), testTrades: test.champion.trades,
  }));
}
