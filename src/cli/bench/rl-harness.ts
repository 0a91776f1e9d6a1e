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
import { evaluateSplits, SELECTION_POLICY, type SplitEvaluation } from '../../core/rl/evaluation.ts';
import { layoutFor, maskGeneratorFor, RlTraining } from '../../core/rl/training.ts';
import type { NetworkState } from '../../core/rl/network.ts';
import type { TrainingMode } from '../../shared/run.ts';
import { Random } from '../../core/random.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { autoBackendCacheFile } from '../../host/compute-choice.ts';
import { ThreadMaskGenerator } from '../../workers/rl/thread-mask-generator.ts';

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
  const backends = await selectBackends(config, layout, options.cache, () => performance.now());
  // as in the trainer worker: masks on a helper thread with vectorized returns
  const masks = maskGeneratorFor(config, () => new ThreadMaskGenerator());
  try {
    const training = new RlTraining(config, options.seed, { market: data, range: data.splits.train, params: DEFAULT_ENV_PARAMS }, backends.acting, backends.learning, masks);
    const warmupEnd = performance.now() + options.warmupSeconds * 1000;
    while (performance.now() < warmupEnd) await training.iterate();
    const started = performance.now();
    const episodesBefore = training.counters.episodes;
    const stepsBefore = training.counters.envSteps;
    const rss: [number, number][] = [];
    let nextSample = started;
    const evaluation = (state: NetworkState, split: 'validation' | 'test', stream: number) => evaluateSplits({
      market: data, params: DEFAULT_ENV_PARAMS, backend: backends.evaluation, state, splits: [split],
      segments: config.evaluationSegments, sampling: Random.derive(options.seed, stream), randomSeed: Random.derive(options.seed, 1000).nextUint32(), maskInvalidActions: config.maskInvalidActions,
    }).then(([result]) => result);
    const considerBest = async () => training.considerBest((await evaluation(training.state, 'validation', 3000 + training.counters.updates)).metrics[SELECTION_POLICY].sharpe);
    while (performance.now() - started < options.seconds * 1000) {
      const updatesBefore = training.counters.updates;
      await training.iterate();
      const every = config.evaluationEvery;
      if (options.evaluate && every > 0 && Math.floor(training.counters.updates / every) > Math.floor(updatesBefore / every)) await considerBest();
      const now = performance.now();
      if (now >= nextSample) {
        rss.push([(now - started) / 60_000, process.memoryUsage().rss / 2 ** 20]);
        nextSample = now + 1000;
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    const episodes = training.counters.episodes - episodesBefore;
    const result: ThroughputResult = {
      mode: options.mode,
      envs: training.envs,
      algorithm: config.algorithm,
      backend: backends.acting === backends.learning ? backends.acting.name : `${backends.acting.name} (acting) + ${backends.learning.name} (learning)`,
      device: backends.acting === backends.learning ? backends.acting.device : `${backends.acting.device} / ${backends.learning.device}`,
      episodesPerMin: (episodes / elapsed) * 60,
      envStepsPerSec: (training.counters.envSteps - stepsBefore) / elapsed,
      episodes,
      seconds: elapsed,
      rssSlopeMBPerMin: slope(rss),
      rssStartMB: rss[0]?.[1] ?? 0,
      rssEndMB: rss[rss.length - 1]?.[1] ?? 0,
    };
    if (options.evaluate) {
      await considerBest();
      result.test = testFigures(await evaluation(training.state, 'test', 2000));
      const best = training.best!;
      result.bestTest = { update: best.update, validationSharpeSampled: best.validationSharpe, ...testFigures(await evaluation(best.state, 'test', 2000)) };
    }
    return result;
  } finally {
    await masks.dispose();
    await disposeBackends(backends);
  }
}

function testFigures(test: SplitEvaluation): Record<string, number> {
  return {
    sharpeGreedy: test.metrics['policy (greedy)'].sharpe,
    returnPctSampled: test.metrics['policy (sampled)'].totalReturn * 100,
    tradesSampled: test.metrics['policy (sampled)'].trades,
    sharpeSampled: test.metrics['policy (sampled)'].sharpe,
    sharpeBuyAndHold: test.metrics['buy-and-hold'].sharpe,
    sharpeRandom: test.metrics.random.sharpe,
    returnPctGreedy: test.metrics['policy (greedy)'].totalReturn * 100,
    returnPctBuyAndHold: test.metrics['buy-and-hold'].totalReturn * 100,
    maxDrawdownPctGreedy: test.metrics['policy (greedy)'].maxDrawdown * 100,
    tradesGreedy: test.metrics['policy (greedy)'].trades,
  };
}
