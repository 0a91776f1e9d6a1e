// Shared pieces of the RL benchmarks: the embedded default market, a file-backed cache for the
// `auto` backend choice, and a throughput measurement of one training configuration (episodes per
// minute including learning, after a warm-up), with RSS sampled along the way.
import type { AutoCache } from '../../core/compute/auto.ts';
import { DEFAULT_ENV_PARAMS } from '../../core/env/params.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../core/features/config.ts';
import { createMarketData, type MarketData } from '../../core/features/market-data.ts';
import { generateRegimeMarket } from '../../core/market/generator.ts';
import { disposeBackends, selectBackends } from '../../core/rl/backends.ts';
import { defaultRlSettings, resolveRlSettings, rlStdWorkloadOptions } from '../../core/rl/config.ts';
import { mergeSettings } from '../../shared/settings/resolve.ts';
import type { RlOptions } from '../../shared/settings/rl.ts';
import { evaluateSplits, SELECTION_POLICY, splitFigures } from '../../core/rl/evaluation.ts';
import { layoutFor, maskGeneratorFor, RlTraining } from '../../core/rl/training.ts';
import { chooseHandedPolicy, type HandedPolicy } from '../../core/rl/handed-policy.ts';
import type { NetworkState } from '../../core/compute/network.ts';
import type { ComputeBackend } from '../../core/compute/types.ts';
import type { TrainingMode } from '../../shared/run.ts';
import { Random } from '../../core/random.ts';
import { perMinute } from '../../core/metrics/throughput.ts';
import { RunLoop } from '../../core/run-loop.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { autoBackendCacheFile } from '../../host/compute-choice.ts';
import { ThreadMaskGenerator } from '../../host/threads/rl-mask-generator.ts';
import { ThreadedLearningBackend } from '../../host/threads/rl-learning-thread.ts';

let market: MarketData | undefined;

/** The embedded default dataset (regime-switching market, fixed seed) with its features. */
export function defaultMarket(): MarketData {
  market ??= createMarketData({ datasetName: 'default', datasetChecksum: 'embedded-default', series: generateRegimeMarket().series, config: DEFAULT_FEATURE_CONFIG });
  return market;
}

/** The `auto` choice of this machine, in the same file the app's RL runs use. */
export function fileAutoCache(): AutoCache {
  return autoBackendCacheFile(resolveDataDir());
}

export interface ThroughputOptions {
  mode: TrainingMode;
  seed: number;
  /** Overrides of the RL-std workload and the mode's defaults (flags, envs, backend, ...). */
  overrides?: RlOptions;
  warmupSeconds: number;
  seconds: number;
  cache?: AutoCache;
  /**
   * Learning-quality runs: evaluate on the validation split every `evaluationEvery` updates to keep
   * the best policy (as the trainer does), then both the final and the best policy on the test split.
   */
  evaluate?: boolean;
}

export interface ThroughputResult {
  mode: TrainingMode;
  envs: number;
  algorithm: string;
  backend: string;
  device: string;
  episodesPerMin: number;
  envStepsPerSec: number;
  episodes: number;
  seconds: number;
  /** Linear-regression slope of RSS over the measured window, MB per minute. */
  rssSlopeMBPerMin: number;
  rssStartMB: number;
  rssEndMB: number;
  test?: Record<string, number>;
  /** Test figures of the best-on-validation policy, with the update that produced it. */
  bestTest?: Record<string, number>;
  /** Which of the two the run hands the user (the trainer's rule, handed-policy.ts), and how it was chosen. */
  handed?: HandedPolicy;
  /** Where the trainer's thread spent the measured time, as fractions of it. */
  profile: Record<string, number>;
}

function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((s, p) => s + p[0], 0) / n;
  const meanY = points.reduce((s, p) => s + p[1], 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator > 0 ? numerator / denominator : 0;
}

/** Trains one configuration for warm-up + measured seconds; figures cover the measured part only. */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  // throughput runs do not evaluate; quality runs evaluate as often as a real run
  const evaluationEvery = options.evaluate ? defaultRlSettings(options.mode).evaluationEvery : 0;
  const config = resolveRlSettings(options.mode, mergeSettings<RlOptions>({ ...rlStdWorkloadOptions, evaluationEvery }, options.overrides ?? {}));
  const data = defaultMarket();
  const layout = layoutFor(config);
  const backends = await selectBackends(config, layout, options.cache, () => performance.now(), (name, backendOptions) => ThreadedLearningBackend.create(name, backendOptions));
  // as in the trainer worker: masks on a helper thread with vectorized returns, unless learning runs on one
  const masks = maskGeneratorFor(config, () => new ThreadMaskGenerator(), backends.windowEndLearning !== undefined);
  try {
    // acting timed call by call, for the profile
    let actingMs = 0;
    const acting: ComputeBackend = {
      name: backends.acting.name, device: backends.acting.device, layout: backends.acting.layout,
      act: async (state, batch) => {
        const started = performance.now();
        try {
          return await backends.acting.act(state, batch);
        } finally {
          actingMs += performance.now() - started;
        }
      },
      learn: (state, batch) => backends.acting.learn(state, batch),
      dispose: async () => {},
    };
    const training = new RlTraining(config, options.seed, { market: data, range: data.splits.train, params: DEFAULT_ENV_PARAMS }, acting, backends.learning, { maskGenerator: masks, windowEndLearning: backends.windowEndLearning });
    const iterate = { step: async () => void (await training.iterate()) };
    const now = () => performance.now();
    // the same loop as a run: warm-up, then the measured part, each a session with its own budget
    if (options.warmupSeconds > 0) await new RunLoop({ budget: { seconds: options.warmupSeconds }, priorMs: 0, counts: training.counters, now }).run(iterate);
    const stepsBefore = training.counters.envSteps;
    const phasesBefore = { ...training.phases, actingMs };
    const rss: [number, number][] = [];
    const evaluation = (state: NetworkState, split: 'validation' | 'test', stream: number) => evaluateSplits({
      market: data, params: DEFAULT_ENV_PARAMS, backend: backends.evaluation, state, splits: [split],
      segments: config.evaluationSegments, sampling: Random.derive(options.seed, stream), randomSeed: Random.derive(options.seed, 1000).nextUint32(), maskInvalidActions: config.maskInvalidActions,
    }).then(([result]) => result);
    /** Evaluates the current policy on validation, keeps it when best so far, and returns that evaluation. */
    const considerBest = async () => {
      const validation = await evaluation(training.state, 'validation', 3000 + training.counters.updates);
      training.considerBest(validation.metrics[SELECTION_POLICY].sharpe);
      return validation;
    };
    const loop = new RunLoop({
      budget: { seconds: options.seconds },
      priorMs: 0,
      counts: training.counters,
      now,
      // RSS once a second from the first step on, and at the end
      metricsEvery: { everyMs: 1000, atStart: true },
      evaluationEvery: { every: options.evaluate ? config.evaluationEvery : 0, count: () => training.counters.updates },
    });
    await loop.run({
      ...iterate,
      metrics: () => void rss.push([loop.sessionMs() / 60_000, process.memoryUsage().rss / 2 ** 20]),
      evaluate: async () => void (await considerBest()),
    });
    const elapsedMs = loop.sessionMs();
    const episodes = loop.sessionEpisodes();
    const spent = (phase: keyof typeof phasesBefore) => (phase === 'actingMs' ? actingMs : training.phases[phase]) - phasesBefore[phase];
    const share = (ms: number) => Number((ms / elapsedMs).toFixed(3));
    const profile = {
      acting: share(spent('actingMs')),
      envAndSampling: share(spent('rolloutMs') - spent('actingMs')),
      returnsAndBatch: share(spent('batchMs')),
      learning: share(spent('learningMs')),
      optimizer: share(spent('optimizerMs')),
      other: share(elapsedMs - spent('rolloutMs') - spent('batchMs') - spent('learningMs') - spent('optimizerMs')),
    };
    const result: ThroughputResult = {
      mode: options.mode,
      envs: training.envs,
      algorithm: config.algorithm,
      backend: backends.acting === backends.learning ? backends.acting.name : `${backends.acting.name} (acting) + ${backends.learning.name} (learning)`,
      device: backends.acting === backends.learning ? backends.acting.device : `${backends.acting.device} / ${backends.learning.device}`,
      episodesPerMin: perMinute(episodes, elapsedMs),
      envStepsPerSec: perMinute(training.counters.envSteps - stepsBefore, elapsedMs) / 60,
      episodes,
      seconds: elapsedMs / 1000,
      rssSlopeMBPerMin: slope(rss),
      rssStartMB: rss[0]?.[1] ?? 0,
      rssEndMB: rss[rss.length - 1]?.[1] ?? 0,
      profile,
    };
    if (options.evaluate) {
      const finalValidation = (await considerBest()).metrics[SELECTION_POLICY];
      result.test = splitFigures(await evaluation(training.state, 'test', 2000));
      const best = training.best!;
      result.bestTest = { update: best.update, validationSharpeSampled: best.validationSharpe, ...splitFigures(await evaluation(best.state, 'test', 2000)) };
      result.handed = chooseHandedPolicy({ update: training.counters.updates, validationSharpe: finalValidation.sharpe, validationTrades: finalValidation.trades }, best, finalValidation.steps, data.barIntervalMs);
    }
    return result;
  } finally {
    await masks.dispose();
    await disposeBackends(backends);
  }
}
