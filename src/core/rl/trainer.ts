// The RL trainer entry (TrainerEntry): reads and validates the settings, builds the network,
// backends and envs, resumes from a checkpoint when there is one, then loops rollout → learning
// until the budget or a stop, streaming metrics, evaluations and checkpoints to the host.
import type { MetricSample } from '../../shared/metrics.ts';
import type { PolicyResult } from '../../shared/run.ts';
import type { RlSummaryFigures } from '../../shared/figures/rl.ts';
import type { AutoCache } from '../compute/auto.ts';
import type { EnvParams } from '../env/params.ts';
import { createEnvParams } from '../env/create-params.ts';
import { policyResult, statsFromMetrics } from '../env/evaluation-report.ts';
import type { MarketData } from '../features/market-data.ts';
import { contextLoopOptions, RunLoop } from '../run-loop.ts';
import { Random } from '../random.ts';
import type { TrainerEntry, TrainerRunContext } from '../trainer.ts';
import { loadCheckpoint, type LoadedCheckpoint } from '../checkpoint-integrity.ts';
import { disposeBackends, selectBackends, type LearningThreadFactory, type RunBackends } from './backends.ts';
import { rlFlagNames, type RlFlagName, type RlSettings } from '../../shared/settings/rl.ts';
import { resolveRlSettings } from './config.ts';
import { evaluateSplits, SELECTION_POLICY, splitFigures, toEvaluationReport, type SplitEvaluation } from './evaluation.ts';
import { describeNetwork } from '../compute/network.ts';
import { checkpointNetworkSettings, layoutFor, maskGeneratorFor, RlTraining } from './training.ts';
import { chooseHandedPolicy, type HandedPolicy } from './handed-policy.ts';
import type { DropoutMaskGenerator } from './batch.ts';

/** What the worker loads for an RL run. */
export interface RlResources {
  /** The run's dataset with features and splits (the embedded default unless the run names another). */
  market: MarketData;
  /** Per-machine cache of the `auto` backend benchmark (a small JSON the worker keeps in its data directory). */
  autoBackendCache?: AutoCache;
  /** Makes a dropout-mask generator on a helper thread, used with vectorizedReturns (the worker passes one; default: masks on this thread). */
  maskGenerator?: () => DropoutMaskGenerator;
  /** Makes a learning backend on a helper thread, used with overlappedLearning (the worker passes one; default: learning on this thread). */
  learningThread?: LearningThreadFactory;
}

/** Seconds between metric samples: the host throttles further, this keeps the trainer's own cost small. */
const METRIC_INTERVAL_MS = 500;

export const rlTrainer: TrainerEntry<RlResources> = async (context) => {
  const run = context.config;
  // A resumed run keeps the network its checkpoint holds where its options leave the choice to the
  // defaults, so a run saved before a default changed (the algorithm, REINFORCE's baseline) resumes.
  const checkpoint = await loadCheckpoint(context.checkpoints);
  const config = resolveRlSettings(run.mode, { ...checkpoint?.decode(checkpointNetworkSettings), ...run.options });
  const envParams = createEnvParams(config.env);
  const layout = layoutFor(config);
  context.reporter.progress(0, describeNetwork(layout));
  const backends = await selectBackends(config, layout, context.resources.autoBackendCache, context.now, context.resources.learningThread);
  const masks = maskGeneratorFor(config, context.resources.maskGenerator, backends.windowEndLearning !== undefined);
  try {
    return await trainLoop(context, config, envParams, backends, masks, checkpoint);
  } finally {
    await masks.dispose();
    await disposeBackends(backends);
  }
};

async function trainLoop(
  context: TrainerRunContext<RlResources>, config: RlSettings, envParams: EnvParams, backends: RunBackends, masks: DropoutMaskGenerator, checkpoint: LoadedCheckpoint | undefined,
) {
  const { reporter, resources } = context;
  const run = context.config;
  const market = resources.market;
  const device = backends.acting === backends.learning ? backends.acting.device : `acting ${backends.acting.device}; learning ${backends.learning.device}`;
  const backendLabel = backends.acting === backends.learning ? backends.acting.name : `${backends.acting.name}+${backends.learning.name}`;
  reporter.device(backendLabel, device);
  const training = new RlTraining(config, run.seed, { market, range: market.splits.train, params: envParams }, backends.acting, backends.learning, { maskGenerator: masks, windowEndLearning: backends.windowEndLearning });
  checkpoint?.decode((bytes) => training.restore(bytes));

  const loop = new RunLoop({
    ...contextLoopOptions(context),
    priorMs: training.counters.elapsedMs,
    counts: training.counters,
    metricsEvery: { everyMs: METRIC_INTERVAL_MS },
    evaluationEvery: { every: config.evaluationEvery, count: () => training.counters.updates },
    checkpointEvery: { every: config.checkpointEvery, count: () => training.counters.updates },
  });
  const envSteps = loop.meter(() => training.counters.envSteps);
  const randomSeed = Random.derive(run.seed, 1000).nextUint32();
  let returnsSum = 0;
  let returnsCount = 0;
  let lossSum = 0;
  let entropySum = 0;
  let lossCount = 0;
  let lastEvaluation: SplitEvaluation[] | undefined;

  /** Evaluates on validation and test; true when the policy became the best on validation. */
  const evaluate = async () => {
    lastEvaluation = await evaluateSplits({
      market, params: envParams, backend: backends.evaluation, state: training.state, splits: ['validation', 'test'],
      segments: config.evaluationSegments, sampling: training.random.evaluation, randomSeed, maskInvalidActions: config.maskInvalidActions,
    });
    const at = { elapsedMs: loop.elapsedMs(), step: training.counters.episodes };
    for (const split of lastEvaluation) reporter.evaluation(toEvaluationReport(split, training.counters.updates, at.elapsedMs));
    // learning over time: the policy being trained (its current weights) at this evaluation
    reporter.metrics(lastEvaluation.map((split) => ({ name: split.split === 'validation' ? 'validationSharpe' : 'testSharpe', value: split.metrics[SELECTION_POLICY].sharpe, ...at })));
    const validation = lastEvaluation.find((split) => split.split === 'validation');
    return validation ? training.considerBest(validation.metrics[SELECTION_POLICY].sharpe) : false;
  };

  const { stopped } = await loop.run({
    step: async () => {
      const report = await training.iterate();
      for (const value of report.episodeReturnsPct) returnsSum += value;
      returnsCount += report.episodeReturnsPct.length;
      lossSum += report.terms.loss;
      entropySum += report.terms.entropy;
      lossCount++;
    },
    metrics: () => {
      const at = { elapsedMs: loop.elapsedMs(), step: training.counters.episodes };
      const samples: MetricSample[] = [
        { name: 'episodesPerMin', value: loop.episodes.perMinute(), ...at },
        { name: 'envStepsPerSec', value: envSteps.perSecond(), ...at },
        { name: 'episodes', value: training.counters.episodes, ...at },
      ];
      if (returnsCount > 0) samples.push({ name: 'meanEpisodeReturnPct', value: returnsSum / returnsCount, ...at });
      if (lossCount > 0 && Number.isFinite(lossSum) && Number.isFinite(entropySum)) {
        samples.push({ name: 'loss', value: lossSum / lossCount, ...at }, { name: 'entropy', value: entropySum / lossCount, ...at });
      }
      reporter.metrics(samples);
      returnsSum = returnsCount = lossSum = entropySum = lossCount = 0;
    },
    progressMessage: () => `${training.counters.episodes.toLocaleString('en-US')} episodes, ${training.counters.updates} updates`,
    evaluate: async () => void (await evaluate()),
    // a best policy chosen at the final evaluation is saved with it, so a continued run keeps it
    finish: evaluate,
    checkpoint: (elapsedMs) => context.checkpoints.save(training.saveCheckpoint(elapsedMs)),
  });
  const test = lastEvaluation?.find((split) => split.split === 'test');
  // the best-on-validation copy on the test split, which it never saw while being chosen: handed to
  // the user when it clearly beat the final weights on validation, reported in `extra` either way
  const best = training.best;
  const bestTest = best && best.update !== training.counters.updates
    ? (await evaluateSplits({
      market, params: envParams, backend: backends.evaluation, state: best.state, splits: ['test'],
      segments: config.evaluationSegments, sampling: training.random.evaluation, randomSeed, maskInvalidActions: config.maskInvalidActions,
    }))[0]
    : test;

  const extra: RlSummaryFigures = {
    algorithm: config.algorithm,
    ...(config.algorithm === 'reinforce' ? { baseline: config.baseline } : {}),
    parameters: layout(config),
    updates: training.counters.updates,
    envSteps: training.counters.envSteps,
    envs: training.envs,
    actingBackend: backends.acting.name,
    learningBackend: backends.learning.name,
    device,
    // `fp16` is the flag as set (among the flags below); the note says when it could not take effect
    fp16Note: backends.fp16Note ?? null,
    episodesThisSession: loop.sessionEpisodes(),
    ...autoFigures(backends),
    ...flagFigures(config),
    ...(test ? testFigures(test) : {}),
  };
  if (best && bestTest) {
    extra.bestUpdate = best.update;
    extra.bestValidationSharpeSampled = best.validationSharpe;
    extra.bestTestSharpeSampled = bestTest.metrics['policy (sampled)'].sharpe;
    extra.bestTestSharpeGreedy = bestTest.metrics['policy (greedy)'].sharpe;
    extra.bestTestReturnPctSampled = bestTest.metrics['policy (sampled)'].totalReturn * 100;
  }
  const validation = lastEvaluation?.find((split) => split.split === 'validation');
  const handed = validation && chooseHandedPolicy(
    { update: training.counters.updates, validationSharpe: validation.metrics[SELECTION_POLICY].sharpe, validationTrades: validation.metrics[SELECTION_POLICY].trades }, best,
    validation.metrics[SELECTION_POLICY].steps, market.barIntervalMs,
  );
  const result = test && bestTest && handed ? handedResult(test, handed.final ? test : bestTest, handed) : undefined;
  return {
    stopped,
    summary: loop.summary<RlSummaryFigures>({
      ...(result ? { result } : {}),
      ...(test ? { finalEquity: test.metrics[SELECTION_POLICY].finalEquity } : {}),
      extra,
    }),
  };
}

/** How the `auto` backend choice was made, when the run asked for it. */
function autoFigures(backends: RunBackends): Partial<RlSummaryFigures> {
  const auto = backends.auto;
  if (!auto) return {};
  return {
    autoCached: auto.cached,
    autoMeasuredAt: auto.measuredAt,
    autoTimings: auto.measurements
      .map((m) => (m.actMs === null ? `${m.backend}: unavailable` : `${m.backend}: act ${m.actMs.toFixed(3)} ms @${auto.actingBatch}, learn ${m.learnMs?.toFixed(1)} ms @${auto.learningBatch}`))
      .join('; '),
  };
}

function flagFigures(config: RlSettings): Record<RlFlagName, boolean> {
  return Object.fromEntries(rlFlagNames.map((flag) => [flag, config.flags[flag]])) as Record<RlFlagName, boolean>;
}

/** The split figures the summary carries for the final weights on the test split. */
function testFigures(test: SplitEvaluation): Partial<RlSummaryFigures> {
  const figures = splitFigures(test);
  return {
    testSharpeGreedy: figures.sharpeGreedy,
    testSharpeSampled: figures.sharpeSampled,
    testSharpeBuyAndHold: figures.sharpeBuyAndHold,
    testSharpeRandom: figures.sharpeRandom,
    testReturnPctGreedy: figures.returnPctGreedy,
    testMaxDrawdownPctGreedy: figures.maxDrawdownPctGreedy,
    testTradesGreedy: figures.tradesGreedy,
    testReturnPctSampled: figures.returnPctSampled,
  };
}

/** The one result the run hands the user (policyResult; see handed-policy.ts), sampled as trained, on the test split, which never chose. */
function handedResult(finalTest: SplitEvaluation, handedTest: SplitEvaluation, handed: HandedPolicy): PolicyResult {
  return policyResult(
    handed.description,
    statsFromMetrics(SELECTION_POLICY, handedTest.metrics[SELECTION_POLICY]),
    statsFromMetrics('buy-and-hold', handedTest.metrics['buy-and-hold']),
    statsFromMetrics('random', handedTest.metrics.random),
    handed.final ? undefined : finalTest.metrics[SELECTION_POLICY].sharpe,
  );
}

function layout(config: RlSettings): number {
  return layoutFor(config).parameterCount;
}
