// `npm run bench -- rl` and `traindeck compare rl [--ablate] --json`: RL-std throughput of each
// configuration (mode, envs, backend), the memory slope of a long optimized run, and the learning
// quality of 5-minute optimized runs on three seeds (test-split Sharpe against buy-and-hold and
// random). Each throughput figure is the median of TRAINDECK_BENCH_REPEATS (3) interleaved runs of
// TRAINDECK_BENCH_SECONDS (10) s; TRAINDECK_BENCH_MEMORY_MINUTES (10) and
// TRAINDECK_BENCH_QUALITY_MINUTES (5) set the long runs (figures are labelled with their length).
// The `ceiling` section holds the machine's float32 GEMM rate on the network's shapes (gemm-ceiling.ts)
// and, beside it, the GFLOP/s of the product's own acting and learning passes and of whole runs.
import { rlFlagNames, type RlOptions, type RlSettings } from '../../shared/settings/rl.ts';
import type { TrainingMode } from '../../shared/run.ts';
import { fileAutoCache, measureThroughput, type ThroughputResult } from './rl-harness.ts';
import type { AutoCache } from '../../core/compute/auto.ts';
import { randomLearnBatch } from './backends.ts';
import { achievedGflopPerSec, forwardFlopsPerRow, measureCeiling, type CeilingReport } from './gemm-ceiling.ts';
import { resolveRlSettings, rlStdWorkloadOptions } from '../../core/rl/config.ts';
import { layoutFor } from '../../core/rl/training.ts';
import { disposeBackends, selectBackends } from '../../core/rl/backends.ts';
import { mergeSettings } from '../../shared/settings/resolve.ts';
import { initializeNetwork } from '../../core/compute/network.ts';
import { Random } from '../../core/random.ts';

/** RL-std targets from issue 4 (2-core Linux box). */
export const rlTargets = { optimized32EpisodesPerMin: 25_000, optimized128EpisodesPerMin: 28_000, originalEpisodesPerMin: 500 } as const;

function numberFromEnvironment(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${raw}`);
  return value;
}

function log(message: string): void {
  process.stderr.write(`bench rl: ${message}\n`);
}

/**
 * Runs each configuration `repeats` times, interleaved round by round so that load from other work
 * on the machine spreads over all of them, and keeps each configuration's median run.
 */
async function medianRuns<T>(configurations: T[], repeats: number, measure: (configuration: T) => Promise<ThroughputResult>): Promise<(ThroughputResult & { repeatsEpisodesPerMin: number[] })[]> {
  const runs: ThroughputResult[][] = configurations.map(() => []);
  for (let round = 0; round < repeats; round++) {
    for (let i = 0; i < configurations.length; i++) runs[i].push(await measure(configurations[i]));
  }
  return runs.map((results) => {
    const sorted = [...results].sort((a, b) => a.episodesPerMin - b.episodesPerMin);
    return { ...sorted[Math.floor(sorted.length / 2)], repeatsEpisodesPerMin: results.map((r) => Math.round(r.episodesPerMin)) };
  });
}

function summary(result: ThroughputResult & { repeatsEpisodesPerMin?: number[] }) {
  return {
    episodesPerMin: Math.round(result.episodesPerMin),
    ...(result.repeatsEpisodesPerMin ? { repeatsEpisodesPerMin: result.repeatsEpisodesPerMin } : {}),
    envStepsPerSec: Math.round(result.envStepsPerSec),
    backend: result.backend,
    device: result.device,
    envs: result.envs,
    episodes: result.episodes,
    seconds: Number(result.seconds.toFixed(1)),
    profile: result.profile,
  };
}

export interface CompareOptions {
  /** Measured seconds per run (after a warm-up of min(5, seconds/5) s). */
  seconds: number;
  /** Runs per configuration, interleaved; the median is reported (default 3). */
  repeats?: number;
  seed: number;
  /** Also measure each optimization flag alone (added to original) and left out (removed from optimized). */
  ablate: boolean;
  algorithm?: RlSettings['algorithm'];
  cache?: AutoCache;
}

/** Original vs optimized on the same seed and budget, optionally with a per-flag ablation. */
export async function compareRl(options: CompareOptions): Promise<Record<string, unknown>> {
  const cache = options.cache ?? fileAutoCache();
  const warmupSeconds = Math.min(5, options.seconds / 5);
  const algorithm = options.algorithm ?? 'reinforce';
  const repeats = options.repeats ?? 3;
  const configurations: { label: string; mode: TrainingMode; overrides: RlOptions }[] = [
    { label: 'original', mode: 'original', overrides: {} },
    { label: 'optimized', mode: 'optimized', overrides: {} },
  ];
  if (options.ablate) {
    for (const flag of rlFlagNames) {
      configurations.push({ label: `${flag} alone`, mode: 'original', overrides: { flags: { [flag]: true } } });
      configurations.push({ label: `${flag} left out`, mode: 'optimized', overrides: { flags: { [flag]: false } } });
    }
  }
  const results = await medianRuns(configurations, repeats, (configuration) => {
    log(`compare: ${configuration.label} (${options.seconds} s)`);
    return measureThroughput({ mode: configuration.mode, seed: options.seed, overrides: { algorithm, ...configuration.overrides }, warmupSeconds, seconds: options.seconds, cache });
  });
  const [original, optimized] = results;
  const result: Record<string, unknown> = {
    workload: `RL-std (${algorithm}, embedded dataset, T = 150)`,
    seed: options.seed,
    seconds: options.seconds,
    repeats,
    original: summary(original),
    optimized: summary(optimized),
    speedup: Number((optimized.episodesPerMin / original.episodesPerMin).toFixed(2)),
  };
  if (options.ablate) {
    result.ablation = rlFlagNames.map((flag, index) => {
      const alone = results[2 + 2 * index];
      const without = results[3 + 2 * index];
      return {
        flag,
        alone: { ...summary(alone), speedupVsOriginal: Number((alone.episodesPerMin / original.episodesPerMin).toFixed(2)) },
        without: { ...summary(without), slowdownVsOptimized: Number((optimized.episodesPerMin / without.episodesPerMin).toFixed(2)) },
        ...(flag === 'fp16' ? { note: 'fp16 applies only on a GPU execution provider; on CPU the flag changes nothing' } : {}),
      };
    });
  }
  return result;
}

/** The RL-std optimized configuration at `envs` envs, as the throughput runs resolve it. */
const rlStdConfig = (envs: number) => resolveRlSettings('optimized', mergeSettings<RlOptions>({ ...rlStdWorkloadOptions }, { envs, backend: 'auto' }));

async function medianMs(repeats: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/**
 * The product's acting pass (envs rows) and learning pass (envs × horizon rows) on the backends
 * `auto` picks here, created on this thread: GFLOP/s (a learning row counted as 3 forward rows)
 * against the machine's constant-weight GEMM rate on the same shapes.
 */
async function measurePasses(envs: number, cache: AutoCache, ceiling: CeilingReport): Promise<Record<string, unknown>> {
  const config = rlStdConfig(envs);
  const layout = layoutFor(config);
  const backends = await selectBackends(config, layout, cache, () => performance.now());
  try {
    const random = new Random(7);
    const state = initializeNetwork(layout, random);
    const machine = ceiling.ceilings?.find((entry) => entry.envs === envs);
    const figures = (pass: 'acting' | 'learning', rows: number, ms: number, backend: { name: string; device: string }) => {
      const gflopPerSec = ((pass === 'acting' ? 1 : 3) * forwardFlopsPerRow(layout) * rows) / (ms * 1e6);
      const rate = machine?.[pass];
      return {
        rows, backend: backend.name, device: backend.device, ms: Number(ms.toFixed(3)), gflopPerSec: Number(gflopPerSec.toFixed(2)),
        ...(rate ? { machineGflopPerSec: rate.gflopPerSec, machineDevice: rate.device, fractionOfMachine: Number((gflopPerSec / rate.gflopPerSec).toFixed(3)) } : {}),
      };
    };
    const acting = randomLearnBatch(layout, envs, random);
    const learning = randomLearnBatch(layout, envs * config.horizon, random);
    log(`passes: envs=${envs} acting on ${backends.acting.name}, learning on ${backends.learning.name}`);
    const actingMs = await medianMs(25, () => backends.acting.act(state, acting));
    const learningMs = await medianMs(5, () => backends.learning.learn(state, learning));
    return { envs, acting: figures('acting', envs, actingMs, backends.acting), learning: figures('learning', learning.size, learningMs, backends.learning) };
  } finally {
    await disposeBackends(backends);
  }
}

interface BenchConfiguration {
  mode: TrainingMode;
  overrides: RlOptions;
}

const configurations: BenchConfiguration[] = [
  { mode: 'original', overrides: {} },
  { mode: 'optimized', overrides: { envs: 32, backend: 'auto' } },
  { mode: 'optimized', overrides: { envs: 128, backend: 'auto' } },
  // what overlapping learning with the next rollout buys, and the sequential profile
  { mode: 'optimized', overrides: { envs: 32, backend: 'auto', flags: { overlappedLearning: false } } },
  { mode: 'optimized', overrides: { envs: 32, backend: 'onnx' } },
  { mode: 'optimized', overrides: { envs: 32, backend: 'tfjs-wasm' } },
  { mode: 'optimized', overrides: { envs: 32, backend: 'js' } },
  { mode: 'original', overrides: { algorithm: 'ppo' } },
  { mode: 'optimized', overrides: { envs: 32, backend: 'auto', algorithm: 'ppo' } },
];

export async function runRlBench(): Promise<Record<string, unknown>> {
  const seconds = numberFromEnvironment('TRAINDECK_BENCH_SECONDS', 10);
  const memoryMinutes = numberFromEnvironment('TRAINDECK_BENCH_MEMORY_MINUTES', 10);
  const qualityMinutes = numberFromEnvironment('TRAINDECK_BENCH_QUALITY_MINUTES', 5);
  const cache = fileAutoCache();
  const repeats = numberFromEnvironment('TRAINDECK_BENCH_REPEATS', 3);
  const entries: Record<string, unknown>[] = [];
  const results = await medianRuns(configurations, repeats, (configuration) => {
    log(`${configuration.mode} ${configuration.overrides.algorithm ?? 'reinforce'} envs=${configuration.overrides.envs ?? 1} backend=${configuration.overrides.backend ?? 'js'} (${seconds} s after warm-up)`);
    return measureThroughput({ mode: configuration.mode, seed: 1, overrides: configuration.overrides, warmupSeconds: 3, seconds, cache });
  });
  results.forEach((result, index) => {
    const configuration = configurations[index];
    entries.push({
      mode: configuration.mode, algorithm: result.algorithm, requestedBackend: configuration.overrides.backend ?? 'js',
      ...(configuration.overrides.flags ? { flags: configuration.overrides.flags } : {}), ...summary(result),
    });
  });
  const entryOf = (mode: TrainingMode, envs: number, backend: string, algorithm = 'reinforce') =>
    entries.find((e) => e.mode === mode && e.envs === envs && e.requestedBackend === backend && e.algorithm === algorithm && !e.flags);
  const find = (mode: TrainingMode, envs: number, backend: string) => entryOf(mode, envs, backend)?.episodesPerMin as number | undefined;
  const original = find('original', 1, 'js');
  const optimized32 = find('optimized', 32, 'auto');
  const optimized128 = find('optimized', 128, 'auto');
  const optimized32Entry = entryOf('optimized', 32, 'auto');

  // the machine's GEMM rate on the network's shapes, the product's passes against it, and the optimized runs against the ceiling
  const rlStd = rlStdConfig(32);
  const layout = layoutFor(rlStd);
  const ceiling = await measureCeiling({ layout, horizon: rlStd.horizon, envs: [32, 128], threads: rlStd.threads });
  const passes: Record<string, unknown>[] = [];
  for (const envs of [32, 128]) passes.push(await measurePasses(envs, cache, ceiling));
  for (const entry of entries) {
    if (entry.mode !== 'optimized' || entry.requestedBackend !== 'auto' || entry.algorithm !== 'reinforce') continue;
    const episodesPerMin = entry.episodesPerMin as number;
    entry.achievedGflopPerSec = Number(achievedGflopPerSec(layout, rlStd.horizon, episodesPerMin).toFixed(2));
    const bound = ceiling.ceilings?.find((candidate) => candidate.envs === entry.envs);
    if (bound) Object.assign(entry, { ceilingEpisodesPerMin: bound.episodesPerMin, fractionOfCeiling: Number((episodesPerMin / bound.episodesPerMin).toFixed(3)) });
  }

  log(`memory: optimized envs=32 backend=auto for ${memoryMinutes} min`);
  const memory = await measureThroughput({ mode: 'optimized', seed: 4, overrides: { backend: 'auto' }, warmupSeconds: 30, seconds: memoryMinutes * 60, cache });

  const quality: Record<string, unknown>[] = [];
  for (const seed of [1, 2, 3]) {
    log(`learning quality: optimized REINFORCE seed ${seed} for ${qualityMinutes} min`);
    const result = await measureThroughput({ mode: 'optimized', seed, overrides: { backend: 'auto' }, warmupSeconds: 0, seconds: qualityMinutes * 60, cache, evaluate: true });
    // judged on the policy the trainer would hand the user, chosen by the trainer's own rule
    const handed = result.handed!.final ? result.test! : result.bestTest!;
    quality.push({
      seed,
      minutes: qualityMinutes,
      backend: result.backend,
      device: result.device,
      episodes: result.episodes,
      handedPolicy: result.handed!.description,
      bestOnValidation: result.bestTest,
      finalPolicy: result.test,
      beatsBuyAndHold: handed.sharpeSampled > handed.sharpeBuyAndHold,
      beatsRandom: handed.sharpeSampled > handed.sharpeRandom,
    });
  }
  const passing = quality.filter((q) => q.beatsBuyAndHold && q.beatsRandom).length;
  return {
    workload: 'RL-std: embedded dataset, features 60 + 60, T = 150, AsymmetricPolicyNetwork',
    method: `each configuration: median of ${repeats} interleaved runs of ${seconds} s after a 3 s warm-up (${repeats * seconds} s measured in all)`,
    configurations: entries,
    targets: {
      ...rlTargets,
      originalMet: original !== undefined && original >= rlTargets.originalEpisodesPerMin,
      optimized32Met: optimized32 !== undefined && optimized32 >= rlTargets.optimized32EpisodesPerMin,
      optimized128Met: optimized128 !== undefined && optimized128 >= rlTargets.optimized128EpisodesPerMin,
      issue15: {
        optimized32EpisodesPerMin: 55_000, fractionOfCeilingAtLeast: 0.45,
        met: optimized32 !== undefined && optimized32 >= 55_000 && (optimized32Entry?.fractionOfCeiling as number | undefined ?? 0) >= 0.45,
      },
    },
    ceiling: {
      ...ceiling,
      passes,
      note: 'achievedGflopPerSec of a configuration = episodesPerMin x episodeFlops.total / 60 / 1e9 (GEMM FLOPs only, a learning row counted as 3 forward rows); fractionOfCeiling = episodesPerMin / the ceiling at its env count',
    },
    memory: {
      minutes: memoryMinutes,
      backend: memory.backend,
      device: memory.device,
      episodesPerMin: Math.round(memory.episodesPerMin),
      rssStartMB: Number(memory.rssStartMB.toFixed(1)),
      rssEndMB: Number(memory.rssEndMB.toFixed(1)),
      rssSlopeMBPerMin: Number(memory.rssSlopeMBPerMin.toFixed(3)),
    },
    learningQuality: {
      criterion: 'test-split Sharpe of the (sampled) policy the trainer hands the user (its final weights unless the best-on-validation copy beat them on validation by more than one standard error; handedPolicy says which), above buy-and-hold and random on the same span, for at least 2 of 3 seeds',
      note: 'the greedy (argmax) figures, the best-on-validation copy and the final policy are reported beside it; the test split never takes part in choosing the policy',
      runs: quality,
      seedsPassing: passing,
      met: passing >= 2,
    },
  };
}
