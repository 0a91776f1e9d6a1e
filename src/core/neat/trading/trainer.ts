// The NEAT trainer entry (TrainerEntry): validates the run options, starts or resumes a NeatRun,
// evaluates on the thread pool (when the worker supplies one and the flag is on) or in-process,
// streams per-generation metrics, evaluates the champion on validation and test every K
// generations, checkpoints, and stops on budget or request. Pure core: the worker passes the
// loaded market and, optionally, the pool factory (src/host/threads/neat-pool.ts).
import type { MetricSample } from '../../../shared/metrics.ts';
import type { MarketData } from '../../features/market-data.ts';
import type { EnvParams } from '../../env/params.ts';
import { perMinute } from '../../metrics/throughput.ts';
import { contextLoopOptions, RunLoop, type RunLoopOutcome } from '../../run-loop.ts';
import type { TrainerEntry, TrainerRunContext } from '../../trainer.ts';
import { restoreFrom } from '../../checkpoint-integrity.ts';
import { considerChampion, currentChampion, evaluateChampion, runChampion, type ChampionEvaluation } from './champion.ts';
import { randomCurve } from '../../env/evaluate.ts';
import { policyResult, statsFromMetrics } from '../../env/evaluation-report.ts';
import { Random } from '../../random.ts';
import type { PolicyResult } from '../../../shared/run.ts';
import type { NeatSummaryFigures } from '../../../shared/figures/neat.ts';
import type { EvaluationStrategy } from './evaluation-jobs.ts';
import { InProcessEvaluation } from './in-process.ts';
import { effectiveFlags, envParamsOf, neatFlagNames, resolveRunOptions, type NeatFlags } from './options.ts';
import { statisticsMetrics } from '../lib/reporters.ts';
import { NeatRun, type GenerationReport } from './run.ts';
import { TradingEvaluator, type TradingEvaluatorSetup } from './evaluator.ts';

export interface NeatResources {
  /** The dataset under its feature config (SharedArrayBuffer-backed arrays). */
  market: MarketData;
  /** Starts the worker_threads evaluation pool (src/host/threads/neat-pool.ts); without it evaluation stays in-process. */
  createEvaluationPool?: (setup: TradingEvaluatorSetup, threads: number) => Promise<EvaluationStrategy>;
  /** Cores the machine offers (for `threads: 0`); default 2. */
  availableCores?: number;
}

/** Evaluator setup for a run on a market with the given flags. */
export function evaluatorSetup(run: NeatRun, market: MarketData, flags: NeatFlags): TradingEvaluatorSetup {
  return {
    market: { rows: market.rows, close: market.close, macro: market.macro, micro: market.micro, macroSize: market.macroSize, microSize: market.microSize },
    range: run.train,
    envParams: envParamsOf(run.options),
    flags: { compiled: flags.compiled, genomeCache: flags.genomeCache, batchedEnvs: flags.batchedEnvs },
    genomeConfigs: Object.fromEntries(run.populations.map((entry) => [entry.role, entry.config.genome])),
    macroSignalSize: run.options.macroSignalSize,
  };
}

/** The evaluation strategy the flags ask for: the thread pool or in-process. */
export async function createEvaluationStrategy(
  setup: TradingEvaluatorSetup, flags: NeatFlags, threads: number, resources: Pick<NeatResources, 'createEvaluationPool'>, context?: Pick<TrainerRunContext, 'yieldToHost' | 'now'>,
): Promise<EvaluationStrategy> {
  if (flags.threadPool && resources.createEvaluationPool) return resources.createEvaluationPool(setup, threads);
  return new InProcessEvaluation(setup, context?.yieldToHost, context?.now);
}

/** Metric samples of one generation; the macro population's carry the `macro` prefix. */
export function generationMetrics(report: GenerationReport, elapsedMs: number, step: number, throughput: { generationsPerMin: number; forwardPassesPerSec: number; envStepsPerSec: number }, totalEpisodes: number): MetricSample[] {
  const samples: MetricSample[] = [];
  const add = (name: string, value: number) => {
    if (Number.isFinite(value)) samples.push({ name, value, elapsedMs, step });
  };
  for (const population of report.populations) {
    const prefix = population.statistics.name === 'macro' ? 'macro' : '';
    samples.push(...statisticsMetrics(population.statistics, prefix, elapsedMs, step));
    const name = (base: string) => (prefix ? `${prefix}${base[0].toUpperCase()}${base.slice(1)}` : base);
    add(name('bestReturnPct'), population.bestReturnPct);
    add(name('bestMaxDrawdownPct'), population.bestMaxDrawdownPct);
    add(name('bestTurnover'), population.bestTurnover);
    add(name('meanEpisodeReturnPct'), population.meanReturnPct);
  }
  add('generationsPerMin', throughput.generationsPerMin);
  add('forwardPassesPerSec', throughput.forwardPassesPerSec);
  add('envStepsPerSec', throughput.envStepsPerSec);
  add('generationMs', report.totalMs);
  add('evaluationMs', report.evaluationMs);
  add('reproductionMs', report.reproductionMs);
  add('speciationMs', report.speciationMs);
  add('episodes', totalEpisodes);
  return samples;
}

export const runNeatTrainer: TrainerEntry<NeatResources> = async (context) => {
  const { config, reporter, resources } = context;
  const market = resources.market;
  const shape = { macroSize: market.macroSize, microSize: market.microSize };
  const restored = await restoreFrom(context.checkpoints, (bytes) => NeatRun.restore(bytes, shape, market.splits.train, config.options).run);
  const run = restored ?? NeatRun.create(resolveRunOptions(config.options), config.seed, shape, market.splits.train);
  const options = run.options;
  const requestedFlags = effectiveFlags(config.mode, options.flags);
  // Without a pool factory (e.g. a plain in-process caller) the pool flag cannot take effect.
  const flags = { ...requestedFlags, threadPool: requestedFlags.threadPool && resources.createEvaluationPool !== undefined };
  const threads = flags.threadPool ? options.threads || Math.min(8, resources.availableCores ?? 2) : 1;
  const setup = evaluatorSetup(run, market, flags);
  const strategy = await createEvaluationStrategy(setup, flags, threads, resources, context);
  const championEvaluator = new TradingEvaluator(setup);
  const enabledFlags = neatFlagNames.filter((flag) => flags[flag]).join('+') || 'none';
  reporter.device('js', `cpu, ${strategy.threads} evaluation thread${strategy.threads === 1 ? '' : 's'} (flags: ${enabledFlags})`);

  const loop = new RunLoop({
    ...contextLoopOptions(context),
    priorMs: run.elapsedMs,
    counts: { get episodes() { return run.episodes; }, get generations() { return run.generation; } },
    metricsEvery: { everyMs: 0 },
    evaluationEvery: { every: options.evaluationInterval, count: () => run.generation },
    checkpointEvery: { every: options.checkpointInterval, count: () => run.generation },
  });
  const passMeter = loop.meter(() => run.forwardPasses);
  const stepMeter = loop.meter(() => run.envSteps);
  const params = envParamsOf(options);
  // The generation champion at the latest evaluation, and the chosen champion's test evaluation
  // (known when it was chosen in this session; recomputed at the end after a resume).
  let lastTest: ChampionEvaluation | undefined;
  let chosenTest: ChampionEvaluation | undefined;
  let bestFitness = Number.NaN;
  let report: GenerationReport | undefined;
  /** Evaluates the generation champion on validation and test; true when it became the chosen champion. */
  const evaluateNow = async () => {
    const elapsedMs = loop.elapsedMs();
    const champion = currentChampion(run);
    const validation = await evaluateChampion(championEvaluator, market, params, champion, 'validation', run.generation, elapsedMs, context.yieldToHost);
    lastTest = await evaluateChampion(championEvaluator, market, params, champion, 'test', run.generation, elapsedMs, context.yieldToHost);
    reporter.evaluation(validation.report);
    reporter.evaluation(lastTest.report);
    // Learning over time: the generation champion's Sharpe on both held-out splits.
    reporter.metrics([
      { name: 'validationSharpe', value: validation.champion.sharpe, elapsedMs, step: run.generation },
      { name: 'testSharpe', value: lastTest.champion.sharpe, elapsedMs, step: run.generation },
    ]);
    const chosen = considerChampion(run, champion, validation.champion.sharpe);
    if (chosen) chosenTest = lastTest;
    return chosen;
  };

  let outcome: RunLoopOutcome;
  try {
    outcome = await loop.run({
      step: async () => {
        report = await run.runGeneration(strategy, context.now);
        const decision = report.populations[report.populations.length - 1];
        bestFitness = decision.statistics.bestFitness;
        // The decision population (micro, or the single one) reaching the fitness threshold ends the run.
        return decision.solved;
      },
      metrics: () => {
        if (!report) return;
        reporter.metrics(generationMetrics(report, loop.elapsedMs(), run.generation, {
          generationsPerMin: loop.generations.perMinute(),
          forwardPassesPerSec: passMeter.perSecond(),
          envStepsPerSec: stepMeter.perSecond(),
        }, run.episodes));
      },
      progressMessage: () => `generation ${run.generation}, best fitness ${bestFitness.toFixed(3)}, ${report?.populations.at(-1)?.statistics.species.length ?? 0} species`,
      evaluate: async () => void (await evaluateNow()),
      finish: async () => {
        const chosen = run.generation > 0 && (lastTest === undefined || lastTest.report.step !== run.generation) ? await evaluateNow() : false;
        if (run.chosen && chosenTest === undefined) {
          // Chosen before a resume: its test figures are not in memory; trading the split again gives the same ones.
          chosenTest = await evaluateChampion(championEvaluator, market, params, runChampion(run), 'test', run.chosen.generation, loop.elapsedMs(), context.yieldToHost);
        }
        // a champion chosen now is saved, so the checkpoint holds the champion the run reports
        return chosen;
      },
      checkpoint: (elapsedMs) => {
        run.elapsedMs = elapsedMs;
        return context.checkpoints.save(run.checkpoint());
      },
    });
  } finally {
    await strategy.close();
  }
  const result = chosenTest && run.chosen ? championResult(run.chosen.generation, run.chosen.validationSharpe, chosenTest, lastTest, market, params, config.seed) : undefined;
  const seconds = loop.elapsedMs() / 1000;
  return {
    stopped: outcome.stopped,
    summary: loop.summary<NeatSummaryFigures>({
      ...(chosenTest ? { finalEquity: chosenTest.champion.finalEquity } : {}),
      ...(result ? { result } : {}),
      extra: {
        generations: run.generation,
        generationsPerMin: perMinute(run.generation, seconds * 1000),
        forwardPassesPerSec: seconds > 0 ? run.forwardPasses / seconds : 0,
        bestFitness: Number.isFinite(bestFitness) ? bestFitness : null,
        // The chosen champion's figures (the same as `result`), for readers of `extra`.
        testReturnPct: chosenTest ? chosenTest.champion.totalReturn * 100 : null,
        testSharpe: chosenTest ? chosenTest.champion.sharpe : null,
        testMaxDrawdownPct: chosenTest ? chosenTest.champion.maxDrawdown * 100 : null,
        testTrades: chosenTest ? chosenTest.champion.trades : null,
        buyAndHoldTestReturnPct: chosenTest ? chosenTest.buyAndHold.totalReturn * 100 : null,
        championGeneration: run.chosen ? run.chosen.generation : null,
        championValidationSharpe: run.chosen ? run.chosen.validationSharpe : null,
        lastChampionTestSharpe: lastTest ? lastTest.champion.sharpe : null,
        threads: strategy.threads,
        flags: enabledFlags,
        solved: outcome.solved,
        topology: options.topology,
        selection: options.selection,
      },
    }),
  };
};

/** Seed stream of the random baseline on the test split (fixed per run seed, like the RL trainer's). */
const RANDOM_BASELINE_STREAM = 1000;

/** The uniform result of a run (policyResult): the chosen champion on the test split beside both baselines. */
export function championResult(
  generation: number, validationSharpe: number, test: ChampionEvaluation, last: ChampionEvaluation | undefined, market: MarketData, params: EnvParams, seed: number,
): PolicyResult {
  const random = randomCurve(market, market.splits.test, Random.derive(seed, RANDOM_BASELINE_STREAM).nextUint32(), params);
  return policyResult(
    `best validation Sharpe among generation champions (generation ${generation}, validation Sharpe ${validationSharpe.toFixed(2)})`,
    statsFromMetrics('champion', test.champion), statsFromMetrics('buy-and-hold', test.buyAndHold), statsFromMetrics('random', random.metrics),
    last && last.report.step !== generation ? last.champion.sharpe : undefined,
  );
}
