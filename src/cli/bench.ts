// `npm run bench -- <suite...> [options]`: runs benchmark suites and prints one JSON object.
// Benchmarks are not tests: figures are medians of repeats on whatever machine runs them, named
// with their units. Options apply to the `learning` suite (see benchUsage).
import { cpus, platform, arch } from 'node:os';
import { pathToFileURL } from 'node:url';
import { integerOption, parseCommandArguments, positiveNumberOption, UsageError } from './arguments.ts';
import { maxBudgetSeconds } from '../shared/run.ts';
import type { LearnerName, LearningBenchOptions } from './bench/learning.ts';

type Suite = (options: LearningBenchOptions) => Promise<Record<string, unknown>>;

const suites: Record<string, Suite> = {
  env: async () => (await import('./bench/env.ts')).runEnvBench(),
  rl: async () => (await import('./bench/rl.ts')).runRlBench(),
  neat: async () => (await import('./bench/neat.ts')).runNeatBench(),
  backends: async () => (await import('./bench/backends.ts')).runBackendsBench(),
  learning: async (options) => (await import('./bench/learning.ts')).runLearningBench(options),
  queue: async () => (await import('./bench/queue.ts')).runQueueBench(),
  memory: async (options) => (await import('./bench/memory.ts')).runMemoryBench({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) }),
};

/** Suites run when none is named: the learning suite takes many minutes and the queue suite needs redis-server, so they run only when asked. */
const defaultSuites = ['env', 'rl', 'neat', 'backends', 'memory'];

export const benchOptionsUsage = `Options of the learning suite:
  --seconds N          wall-clock budget of each run (default 120)
  --seeds 1,2,3        seeds (default 1,2,3)
  --learners LIST      reinforce,ppo,neat (default all three)
  --mode MODE          optimized or original (default optimized)
  --dataset NAME       dataset to train on (repeatable; default the embedded "default")
  --data-dir DIR       where the datasets are and the runs write
  --keep-runs          keep the benchmark's runs in the history (default: deleted once measured)`;

/** Suite names and the learning suite's options from the command line. */
export function parseBenchArguments(args: string[]): { names: string[]; options: LearningBenchOptions } {
  const { values, positionals } = parseCommandArguments(args, {
    json: { type: 'boolean', default: true },
    seconds: { type: 'string' },
    seeds: { type: 'string' },
    learners: { type: 'string' },
    mode: { type: 'string' },
    dataset: { type: 'string', multiple: true },
    'data-dir': { type: 'string' },
    'keep-runs': { type: 'boolean', default: false },
  });
  const learnerNames: LearnerName[] = ['reinforce', 'ppo', 'neat'];
  const learners = (values.learners?.split(',').map((name) => name.trim()) ?? learnerNames) as LearnerName[];
  for (const name of learners) if (!learnerNames.includes(name)) throw new UsageError(`--learners takes ${learnerNames.join(', ')}; got "${name}"`);
  const mode = values.mode ?? 'optimized';
  if (mode !== 'optimized' && mode !== 'original') throw new UsageError(`--mode takes optimized or original; got "${mode}"`);
  const seeds = values.seeds?.split(',').map((text) => integerOption(text.trim(), 'seeds', 0, 2 ** 32 - 1)!) ?? [1, 2, 3];
  return {
    names: positionals,
    options: {
      seconds: positiveNumberOption(values.seconds, 'seconds', maxBudgetSeconds) ?? 120,
      seeds,
      learners,
      mode,
      datasets: values.dataset ?? ['default'],
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      keepRuns: values['keep-runs'],
      onProgress: (line) => process.stderr.write(`${line}\n`),
    },
  };
}

export async function runBench(names: string[], options: LearningBenchOptions = parseBenchArguments([]).options): Promise<Record<string, unknown>> {
  const unknown = names.filter((name) => !(name in suites));
  if (unknown.length > 0) throw new Error(`Unknown bench suite ${unknown.map((name) => `"${name}"`).join(', ')} (suites: ${Object.keys(suites).join(', ')})`);
  const selected = names.length > 0 ? names : defaultSuites;
  const results: Record<string, unknown> = {
    machine: { platform: platform(), arch: arch(), cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.versions.node },
    startedAt: new Date().toISOString(),
  };
  for (const name of selected) {
    process.stderr.write(`bench: ${name}...\n`);
    const started = performance.now();
    results[name] = await suites[name](options);
    process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { names, options } = parseBenchArguments(process.argv.slice(2));
    process.stdout.write(`${JSON.stringify(await runBench(names, options), null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
