// The built trainer worker and its threads, run from a copy of out/ away from the sources: a
// baseline, an RL and a NEAT run go through out/main/trainer-worker.js as Electron's
// utilityProcess would start it, with the NEAT evaluation thread and the RL mask and learning threads found
// through TRAINDECK_BUNDLE_DIR. A bundle missing a thread entry must fail its run, naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RunManager } from '../../src/host/run-manager.ts';
import { RunStore } from '../../src/host/store/run-store.ts';
import type { MetricSample } from '../../src/shared/metrics.ts';
import { builtOutDir, bundledEntries, bundledTrainerFactory, missingBundledEntries, repoRoot, stageBundle, type StagedBundle } from './staged-bundle.ts';

interface Host {
  bundle: StagedBundle;
  store: RunStore;
  manager: RunManager;
}

function startHost(without: string[] = []): Host {
  const bundle = stageBundle({ without });
  const store = RunStore.open(bundle.dataDir);
  const manager = new RunManager({ dataDir: bundle.dataDir, defaultDatasetFile: bundle.defaultDatasetFile, store, startTrainer: bundledTrainerFactory(bundle), stopTimeoutMs: 20_000 });
  return { bundle, store, manager };
}

async function stopHost(host: Host | undefined): Promise<void> {
  if (!host) return;
  await host.manager.shutdown();
  host.store.close();
  host.bundle.remove();
}

function collectMetrics(manager: RunManager, runId: string): MetricSample[] {
  const samples: MetricSample[] = [];
  manager.on('runMetrics', (batch) => batch.runId === runId && samples.push(...batch.samples));
  return samples;
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the built bundle', () => {
  it('has every entry the app loads, named by the main bundle as it resolves them', () => {
    expect(missingBundledEntries(), 'run `npm run build`: these out/ files are missing').toEqual([]);
    const main = readFileSync(join(builtOutDir, 'main/index.js'), 'utf8');
    for (const name of ['trainer-worker.js', '../preload/index.cjs', '../renderer/index.html']) expect(main).toContain(name);
    expect(bundledEntries.length).toBeGreaterThan(0);
  });

  it('bakes in no path of this checkout (the app must run from wherever it is installed)', () => {
    const files = ['main', 'main/chunks', 'preload'].flatMap((folder) =>
      readdirSync(join(builtOutDir, folder)).filter((name) => /\.c?js$/.test(name)).map((name) => join(builtOutDir, folder, name)),
    );
    const withPath = files.filter((file) => readFileSync(file, 'utf8').includes(repoRoot));
    expect(withPath).toEqual([]);
  });

  it('gives the trainers\' helper threads no package beyond Node\'s own (zod alone cost each NEAT evaluation thread ~15 MB)', () => {
    for (const entry of ['neat-evaluation-thread.js', 'rl-learning-thread.js', 'rl-mask-thread.js']) {
      expect(packagesImportedBy(join(builtOutDir, 'main', entry)), entry).toEqual([]);
    }
  });
});

/** The packages a bundled file imports, itself and through the bundle's chunks it imports. */
function packagesImportedBy(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const packages: string[] = [];
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"([^"]+)"/g)) {
    if (specifier.startsWith('.')) packages.push(...packagesImportedBy(join(dirname(file), specifier), seen));
    else if (!specifier.startsWith('node:')) packages.push(specifier);
  }
  return packages;
}

describe('runs through the bundled trainer worker', () => {
  let host: Host;
  beforeAll(() => {
    host = startHost();
  });
  afterAll(() => stopHost(host));

  it('streams a baseline run and stops it with a checkpoint', async () => {
    const { manager, bundle } = host;
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 21, budget: { seconds: 60 } });
    const samples = collectMetrics(manager, record.id);
    await until(() => samples.filter((sample) => sample.name === 'episodesPerMin' && sample.value > 0).length >= 2);
    const stopped = await manager.stop(record.id);
    expect(stopped.error).toBeUndefined();
    expect(stopped.status).toBe('stopped');
    expect(stopped.summary?.episodes).toBeGreaterThan(0);
    expect(existsSync(join(bundle.dataDir, 'checkpoints', record.id, 'checkpoint.bin'))).toBe(true);
  }, 60_000);

  it('runs optimized RL (PPO, the default) on onnx', async () => {
    const record = host.manager.start({ trainer: 'rl', mode: 'optimized', seed: 22, budget: { episodes: 64 }, options: { backend: 'onnx', evaluationEvery: 0 } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.error).toBeUndefined();
    expect(finished).toMatchObject({ status: 'completed', backend: 'onnx' });
    expect(finished.summary?.episodes).toBeGreaterThanOrEqual(64);
  }, 90_000);

  it('runs sequential optimized REINFORCE with its dropout masks from the bundled mask thread', async () => {
    const record = host.manager.start({ trainer: 'rl', mode: 'optimized', seed: 27, budget: { episodes: 64 }, options: { algorithm: 'reinforce', backend: 'onnx', envs: 8, evaluationEvery: 0, flags: { overlappedLearning: false } } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.error).toBeUndefined();
    expect(finished).toMatchObject({ status: 'completed', backend: 'onnx' });
    expect(finished.summary?.episodes).toBe(64);
  }, 90_000);

  it('runs optimized REINFORCE with its learning passes on the bundled learning thread', async () => {
    const record = host.manager.start({ trainer: 'rl', mode: 'optimized', seed: 26, budget: { episodes: 64 }, options: { algorithm: 'reinforce', backend: 'onnx', envs: 8, accumulation: 4, evaluationEvery: 0 } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.error).toBeUndefined();
    expect(finished.status).toBe('completed');
    expect(finished.device).toMatch(/learning cpu, on a learning thread/);
    expect(finished.summary?.episodes).toBe(64);
  }, 90_000);

  it('runs optimized NEAT on the bundled evaluation threads', async () => {
    const record = host.manager.start({ trainer: 'neat', mode: 'optimized', seed: 23, budget: { generations: 2 }, options: { neat: { populationSize: 12 }, threads: 2 } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.error).toBeUndefined();
    expect(finished.status).toBe('completed');
    expect(host.manager.get(record.id).metrics.generationsPerMin.value.length).toBeGreaterThan(0);
  }, 90_000);
});

describe('a bundle without its thread entries', () => {
  let host: Host;
  beforeAll(() => {
    host = startHost(['main/neat-evaluation-thread.js', 'main/rl-mask-thread.js', 'main/rl-learning-thread.js']);
  });
  afterAll(() => stopHost(host));

  it('fails the NEAT run, naming the missing evaluation thread', async () => {
    const record = host.manager.start({ trainer: 'neat', mode: 'optimized', seed: 24, budget: { generations: 2 }, options: { neat: { populationSize: 12 }, threads: 2 } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/neat-evaluation-thread\.js/);
  }, 60_000);

  it('fails the optimized RL run, naming the missing mask thread', async () => {
    const record = host.manager.start({ trainer: 'rl', mode: 'optimized', seed: 25, budget: { episodes: 64 }, options: { algorithm: 'reinforce', backend: 'js', evaluationEvery: 0, flags: { overlappedLearning: false } } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/rl-mask-thread\.js/);
  }, 60_000);

  it('fails the optimized REINFORCE run, naming the missing learning thread', async () => {
    const record = host.manager.start({ trainer: 'rl', mode: 'optimized', seed: 27, budget: { episodes: 64 }, options: { algorithm: 'reinforce', backend: 'js', evaluationEvery: 0, flags: { vectorizedReturns: false } } });
    const finished = await host.manager.whenFinished(record.id);
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/rl-learning-thread\.js/);
  }, 60_000);
});
