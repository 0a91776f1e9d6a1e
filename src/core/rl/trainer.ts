// The RL trainer entry (TrainerEntry): reads and validates the settings, builds the network,
// backends and envs, resumes from a checkpoint when there is one, then loops rollout → learning
// until the budget or a stop, streaming metrics, evaluations and checkpoints to the host.
import type { MetricSample } from '../../shared/metrics.ts';
import type { PolicyResult } from '../../shared/run.ts';
import type { AutoCache } from '../compute/auto.ts';
import { createEnvParams, type EnvParams } from '../env/params.ts';
import type { MarketData } from '../features/market-data.ts';
import { ThroughputMeter } from '../metrics/throughput.ts';
import { Random } from '../random.ts';
import type { TrainerEntry, TrainerRunContext } from '../trainer.ts';
import { restoreFrom } from '../checkpoint-integrity.ts';
import { disposeBackends, selectBackends, type RunBackends } from './backends.ts';
import { rlFlagNames, type RlSettings } from '../../shared/settings/rl.ts';
import { resolveRlSettings } from './config.ts';
import { evaluateSplits, SELECTION_POLICY, toEvaluationReport, type SplitEvaluation } from './evaluation.ts';
import { describeNetwork } from './network.ts';
import { checkpointNetworkSettings, layoutFor, maskGeneratorFor, RlTraining, type BestPolicy } from './training.ts';
import type { DropoutMaskGenerator } from './batch.ts';

/** What the worker loads for an RL run. */
export interface RlResources {
  /** The run's dataset with features and splits (the embedded default unless the run names another). */
  market: MarketData;
  /** Per-machine cache of the `auto` backend benchmark (a small JSON the worker keeps in its data directory). */
  autoBackendCache?: AutoCache;
  /** Makes a dropout-mask generator on a helper thread, used with vectorizedReturns (the worker passes one; default: masks on this thread). */
  maskGenerator?: () => DropoutMaskGenerator;
}

/** Seconds between metric samples: the host throttles further, this keeps the trainer's own cost small. */
const METRIC_INTERVAL_MS = 500;

export const rlTrainer: TrainerEntry<RlResources> = async (context) => {
  const run = context.config;
  // A resumed run keeps the network its checkpoint holds where its options leave the choice to the
  // defaults, so a run saved before a default changed (the algorithm, REINFORCE's baseline) resumes.
  const saved = await restoreFrom(context.checkpoints, checkpointNetworkSettings);
  const config = resolveRlSettings(run.mode, { ...saved, ...run.options });
  const envParams = createEnvParams(config.env);
  const layout = layoutFor(config);
  context.reporter.progress(0, describeNetwork(layout));
  const backends = await selectBackends(config, layout, context.resources.autoBackendCache, context.now);
  const masks = maskGeneratorFor(config, context.resources.maskGenerator);
  try {
    return await trainLoop(context, config, envParams, backends, masks);
  } finally {
    await masks.dispose();
    await disposeBackends(backends);
  }
};

async function trainLoop(context: TrainerRunContext<RlResources>, config: RlSettings, envParams: EnvParams, backends: RunBackends, masks: DropoutMaskGenerator) {
  const { reporter, resources } = context;
  const run = context.config;
  const market = resources.market;
  const device = backends.acting === backends.learning ? backends.acting.device : `acting ${backends.acting.device}; learning ${backends.learning.device}`;
  const backendLabel = backends.acting === backends.learning ? backends.acting.name : `${backends.acting.name}+${backends.learning.name}`;
  reporter.device(backendLabel, device);
  const training = new RlTraining(config, run.seed, { market, range: market.splits.train, params: envParams }, backends.acting, backends.learning, masks);
  await restoreFrom(context.checkpoints, (bytes) => training.restore(bytes));

  const startedAt = context.now();
  const priorMs = training.counters.elapsedMs;
  const elapsed = () => priorMs + (context.now() - startedAt);
  const episodesMeter = new ThroughputMeter();
  const stepsMeter = new ThroughputMeter();
  episodesMeter.start(startedAt);
  stepsMeter.start(startedAt);
  const startEpisodes = training.counters.episodes;
  const randomSeed = Random.derive(run.seed, 1000).nextUint32();
  let lastMetrics = startedAt;
  let returnsSum = 0;
  let returnsCount = 0;
  let lossSum = 0;
  let entropySum = 0;
  let lossCount = 0;
  let lastEvaluation: SplitEvaluation[] | undefined;

  const budget = run.budget;
  const budgetFraction = () => Math.min(1, Math.max(
    budget.seconds ? elapsed() / (budget.seconds * 1000) : 0,
    budget.episodes ? training.counters.episodes / budget.episodes : 0,
  ));
  const evaluate = async () => {
    lastEvaluation = await evaluateSplits({
      market, params: envParams, backend: backends.evaluation, state: training.state, splits: ['validation', 'test'],
      segments: config.evaluationSegments, sampling: training.random.evaluation, randomSeed, maskInvalidActions: config.maskInvalidActions,
    });
    const at = { elapsedMs: elapsed(), step: training.counters.episodes };
    for (const split of lastEvaluation) reporter.evaluation(toEvaluationReport(split, training.counters.updates, at.elapsedMs));
    // learning over time: the policy being trained (its current weights) at this evaluation
    reporter.metrics(lastEvaluation.map((split) => ({ name: split.split === 'validation' ? 'validationSharpe' : 'testSharpe', value: split.metrics[SELECTION_POLICY].sharpe, ...at })));
    const validation = lastEvaluation.find((split) => split.split === 'validation');
    if (validation) training.considerBest(validation.metrics[SELECTION_POLICY].sharpe);
  };
  const flushMetrics = (now: number) => {
    const at = { elapsedMs: elapsed(), step: training.counters.episodes };
    const samples: MetricSample[] = [
      { name: 'episodesPerMin', value: episodesMeter.perMinute(now), ...at },
      { name: 'envStepsPerSec', value: stepsMeter.perMinute(now) / 60, ...at },
      { name: 'episodes', value: training.counters.episodes, ...at },
    ];
    if (returnsCount > 0) samples.push({ name: 'meanEpisodeReturnPct', value: returnsSum / returnsCount, ...at });
    if (lossCount > 0 && Number.isFinite(lossSum) && Number.isFinite(entropySum)) {
      samples.push({ name: 'loss', value: lossSum / lossCount, ...at }, { name: 'entropy', value: entropySum / lossCount, ...at });
    }
    reporter.metrics(samples);
    returnsSum = returnsCount = lossSum = entropySum = lossCount = 0;
    lastMetrics = now;
  };

  let stopped = false;
  while (budgetFraction() < 1) {
    if (context.stopRequested()) {
      stopped = true;
      break;
    }
    const updatesBefore = training.counters.updates;
    const report = await training.iterate();
    const now = context.now();
    episodesMeter.record(now, report.episodes);
    stepsMeter.record(now, report.envSteps);
    for (const value of report.episodeReturnsPct) returnsSum += value;
    returnsCount += report.episodeReturnsPct.length;
    lossSum += report.terms.loss;
    entropySum += report.terms.entropy;
    lossCount++;
    if (now - lastMetrics >= METRIC_INTERVAL_MS) {
      flushMetrics(now);
      reporter.progress(budgetFraction(), `${training.counters.episodes.toLocaleString('en-US')} episodes, ${training.counters.updates} updates`);
    }
    const crossed = (every: number) => every > 0 && Math.floor(training.counters.updates / every) > Math.floor(updatesBefore / every);
    if (crossed(config.evaluationEvery)) await evaluate();
    if (crossed(config.checkpointEvery)) await context.checkpoints.save(training.saveCheckpoint(elapsed()));
    await context.yieldToHost();
  }
  flushMetrics(context.now());
  // stop and budget end both save, so the run can be resumed or extended
  await context.checkpoints.save(training.saveCheckpoint(elapsed()));
  await evaluate();
  const test = lastEvaluation?.find((split) => split.split === 'test');
  // the best-on-validation policy, on the test split it never saw while being chosen
  const best = training.best;
  const bestTest = best && best.update !== training.counters.updates
    ? (await evaluateSplits({
      market, params: envParams, backend: backends.evaluation, state: best.state, splits: ['test'],
      segments: config.evaluationSegments, sampling: training.random.evaluation, randomSeed, maskInvalidActions: config.maskInvalidActions,
    }))[0]
    : test;
  reporter.progress(stopped ? budgetFraction() : 1, stopped ? 'stopped' : 'completed');

  const seconds = elapsed() / 1000;
  const episodes = training.counters.episodes;
  const extra: Record<string, number | string | boolean | null> = {
    algorithm: config.algorithm,
    parameters: layout(config),
    updates: training.counters.updates,
    envSteps: training.counters.envSteps,
    envs: training.envs,
    actingBackend: backends.acting.name,
    learningBackend: backends.learning.name,
    device,
    fp16: backends.fp16,
    fp16Note: backends.fp16Note ?? null,
    episodesThisSession: episodes - startEpisodes,
  };
  if (backends.auto) {
    const auto = backends.auto;
    extra.autoCached = auto.cached;
    extra.autoMeasuredAt = auto.measuredAt;
    extra.autoTimings = auto.measurements
      .map((m) => (m.actMs === null ? `${m.backend}: unavailable` : `${m.backend}: act ${m.actMs.toFixed(3)} ms @${auto.actingBatch}, learn ${m.learnMs?.toFixed(1)} ms @${auto.learningBatch}`))
      .join('; ');
  }
  for (const flag of rlFlagNames) extra[flag] = config.flags[flag];
  if (test) {
    extra.testSharpeGreedy = test.metrics['policy (greedy)'].sharpe;
    extra.testSharpeSampled = test.metrics['policy (sampled)'].sharpe;
    extra.testSharpeBuyAndHold = test.metrics['buy-and-hold'].sharpe;
    extra.testSharpeRandom = test.metrics.random.sharpe;
    extra.testReturnPctGreedy = test.metrics['policy (greedy)'].totalReturn * 100;
    extra.testMaxDrawdownPctGreedy = test.metrics['policy (greedy)'].maxDrawdown * 100;
    extra.testTradesGreedy = test.metrics['policy (greedy)'].trades;
    extra.testReturnPctSampled = test.metrics['policy (sampled)'].totalReturn * 100;
  }
  if (best && bestTest) {
    extra.bestUpdate = best.update;
    extra.bestValidationSharpeSampled = best.validationSharpe;
    extra.bestTestSharpeSampled = bestTest.metrics['policy (sampled)'].sharpe;
    extra.bestTestSharpeGreedy = bestTest.metrics['policy (greedy)'].sharpe;
    extra.bestTestReturnPctSampled = bestTest.metrics['policy (sampled)'].totalReturn * 100;
  }
  const result = test && bestTest ? policyResult(test, bestTest, best, training.counters.updates) : undefined;
  return {
    stopped,
    summary: {
      ...(result ? { result } : {}),
      seconds,
      episodes,
      episodesPerMin: seconds > 0 ? ((episodes - startEpisodes) / (context.now() - startedAt)) * 60_000 : 0,
      ...(test ? { finalEquity: test.metrics[SELECTION_POLICY].finalEquity } : {}),
      extra,
    },
  };
}

/**
 * The one result the run hands the user: the best-on-validation copy (the final weights take part
 * in that choice at the last evaluation), sampled as trained, on the test split, which never chose.
 */
function policyResult(finalTest: SplitEvaluation, reportedTest: SplitEvaluation, best: BestPolicy | undefined, updates: number): PolicyResult {
  const metrics = reportedTest.metrics[SELECTION_POLICY];
  const isFinal = !best || best.update === updates;
  return {
    policy: isFinal
      ? `final weights (update ${updates}), best validation Sharpe, sampled actions`
      : `best validation Sharpe (update ${best.update} of ${updates}), sampled actions`,
    testSharpe: metrics.sharpe,
    testReturnPct: metrics.totalReturn * 100,
    testMaxDrawdownPct: metrics.maxDrawdown * 100,
    testTrades: metrics.trades,
    buyAndHoldTestSharpe: reportedTest.metrics['buy-and-hold'].sharpe,
    randomTestSharpe: reportedTest.metrics.random.sharpe,
    ...(isFinal ? {} : { finalPolicyTestSharpe: finalTest.metrics[SELECTION_POLICY].sharpe }),
  };
}

function layout(config: RlSettings): number {
  return layoutFor(config).parameterCount;
}
