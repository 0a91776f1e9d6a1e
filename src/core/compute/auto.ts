// `auto` backend choice: a short benchmark of every available backend for acting (batch N) and for
// learning (batch N·T), choosing the fastest for each separately. The result is cached per machine
// in a small JSON record that the caller persists (core stays free of file I/O: it gets callbacks).
// A cached choice is reused after probing only the backends it chose (see reusableChoice).
import { Random } from '../random.ts';
import { initializeNetwork, type NetworkLayout } from './network.ts';
import { backendInstalled, createBackend, probeBackends } from './registry.ts';
import { backendNames, type BackendName, type ComputeBackend, type LearnBatch } from './types.ts';
import { OBSERVATION_WIDTH } from '../env/observation.ts';

export interface BackendMeasurement {
  backend: BackendName;
  device: string;
  /** Median milliseconds of one acting forward pass at the acting batch size. */
  actMs: number | null;
  /** Median milliseconds of one learning pass at the learning batch size. */
  learnMs: number | null;
  /** Why the backend was not measured or not measured fully. */
  note?: string;
}

export interface AutoChoice {
  acting: BackendName;
  actingDevice: string;
  learning: BackendName;
  learningDevice: string;
  actingBatch: number;
  learningBatch: number;
  measurements: BackendMeasurement[];
  /** ISO time of the measurement. */
  measuredAt: string;
  /** True when the choice came from the cache rather than a new benchmark. */
  cached: boolean;
}

/** Where the per-machine choice is kept; the host stores the JSON in its data directory. */
export interface AutoCache {
  load(): Promise<unknown>;
  save(value: unknown): Promise<void>;
}

export interface AutoOptions {
  layout: NetworkLayout;
  actingBatch: number;
  learningBatch: number;
  /** Backends to consider (default: all). */
  candidates?: readonly BackendName[];
  cache?: AutoCache;
  /** A backend whose single warm-up call takes longer than this is measured no further. */
  slowCallMs?: number;
  now: () => number;
  /** ISO timestamp source (injected so tests can pin it). */
  timestamp?: () => string;
}

const CACHE_VERSION = 1;

/** The configuration part of a cache key; the backends that were available follow it. */
function configurationKey(options: AutoOptions): string {
  const spec = options.layout.spec;
  return `v${CACHE_VERSION}|value:${spec.valueHead}|dropout:${spec.dropout > 0}|act:${options.actingBatch}|learn:${options.learningBatch}|`;
}

function cacheKey(options: AutoOptions, available: BackendName[]): string {
  return `${configurationKey(options)}${available.join(',')}`;
}

function syntheticLearnBatch(layout: NetworkLayout, size: number, random: Random): LearnBatch {
  const fill = (length: number) => Float32Array.from({ length }, () => random.normal());
  const keep = 1 - layout.spec.dropout;
  return {
    size,
    observations: fill(size * OBSERVATION_WIDTH),
    actions: Uint8Array.from({ length: size }, () => random.nextInt(3)),
    dropoutMasks: layout.spec.dropout > 0 ? layout.macro.map((layer) => Uint8Array.from({ length: size * layer.outputs }, () => (random.nextFloat() < keep ? 1 : 0))) : undefined,
    loss: layout.value
      ? { kind: 'ppo', advantages: fill(size), oldLogProbs: fill(size).map(() => Math.log(1 / 3)), returns: fill(size), clipEpsilon: 0.2, valueCoefficient: 0.5, entropyCoefficient: 0.01 }
      : { kind: 'reinforce', weights: fill(size), entropyCoefficient: 0.01 },
  };
}

async function median(repeats: number, run: () => Promise<unknown>, now: () => number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = now();
    await run();
    times.push(now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Benchmarks one backend at the given batch sizes. */
export async function measureBackend(backend: ComputeBackend, options: AutoOptions): Promise<BackendMeasurement> {
  const random = new Random(12345);
  const state = initializeNetwork(options.layout, random);
  const learnBatch = syntheticLearnBatch(options.layout, options.learningBatch, random);
  const actBatch = { ...learnBatch, size: options.actingBatch };
  const slow = options.slowCallMs ?? 3000;
  const measurement: BackendMeasurement = { backend: backend.name, device: backend.device, actMs: null, learnMs: null };
  let started = options.now();
  await backend.act(state, actBatch); // warm-up (compiles kernels, allocates)
  const actWarmup = options.now() - started;
  measurement.actMs = actWarmup > slow ? actWarmup : await median(actWarmup * 20 > slow ? 3 : 20, () => backend.act(state, actBatch), options.now);
  started = options.now();
  await backend.learn(state, learnBatch);
  const learnWarmup = options.now() - started;
  if (learnWarmup > slow) {
    measurement.learnMs = learnWarmup;
    measurement.note = `one learning call took ${Math.round(learnWarmup)} ms; not repeated`;
  } else {
    measurement.learnMs = await median(3, () => backend.learn(state, learnBatch), options.now);
  }
  return measurement;
}

function pick(measurements: BackendMeasurement[], key: 'actMs' | 'learnMs'): BackendMeasurement {
  const usable = measurements.filter((m) => m[key] !== null);
  if (usable.length === 0) throw new Error('auto backend choice: no backend could be measured');
  return usable.reduce((best, m) => (m[key]! < best[key]! ? m : best));
}

function parseCached(value: unknown, key: string): AutoChoice | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entry = (value as Record<string, unknown>)[key];
  if (!entry || typeof entry !== 'object') return undefined;
  const choice = entry as Partial<AutoChoice>;
  if (typeof choice.acting !== 'string' || typeof choice.learning !== 'string') return undefined;
  if (!(backendNames as readonly string[]).includes(choice.acting) || !(backendNames as readonly string[]).includes(choice.learning)) return undefined;
  return { ...(choice as AutoChoice), cached: true };
}

/**
 * A cached choice for this configuration that still holds, found without probing every backend
 * (probing loads each runtime: Dawn and a software rasteriser for tfjs-webgpu, tfjs-core and its wasm
 * module, which stayed in the trainer's memory for the whole run, ~75 MB, unused). An entry holds
 * when every backend it was measured with is still a candidate, every other candidate is still not
 * installed (one installed since may be faster: measure again), and the backends it chose probe
 * available now. The newest such entry wins. A backend that was installed but unavailable when the
 * choice was measured (e.g. tfjs-webgpu without an adapter) still makes every run probe them all.
 */
async function reusableChoice(options: AutoOptions, candidates: readonly BackendName[], stored: unknown): Promise<AutoChoice | undefined> {
  if (!stored || typeof stored !== 'object') return undefined;
  const prefix = configurationKey(options);
  const entries = Object.keys(stored)
    .filter((key) => key.startsWith(prefix))
    .map((key) => ({ measured: key.slice(prefix.length).split(','), choice: parseCached(stored, key) }))
    .filter((entry): entry is { measured: string[]; choice: AutoChoice } => entry.choice !== undefined)
    .sort((a, b) => String(b.choice.measuredAt).localeCompare(String(a.choice.measuredAt)));
  for (const { measured, choice } of entries) {
    if (!measured.every((name) => (candidates as readonly string[]).includes(name))) continue;
    if (candidates.some((name) => !measured.includes(name) && backendInstalled(name) !== false)) continue;
    const chosen = [...new Set([choice.acting, choice.learning])];
    if (!chosen.every((name) => measured.includes(name))) continue;
    if ((await probeBackends(chosen)).every((availability) => availability.available)) return choice;
  }
  return undefined;
}

/**
 * The fastest available backend for acting and for learning, from the cache when this machine
 * already measured the same configuration, else from a new benchmark (then saved to the cache).
 */
export async function chooseAutoBackends(options: AutoOptions): Promise<AutoChoice> {
  const candidates = options.candidates ?? backendNames;
  const stored = options.cache ? await options.cache.load().catch(() => undefined) : undefined;
  const reused = await reusableChoice(options, candidates, stored);
  if (reused) return reused;
  const availability = await probeBackends(candidates);
  const available = availability.filter((a) => a.available).map((a) => a.name);
  const key = cacheKey(options, available);
  const cached = parseCached(stored, key);
  if (cached) return cached;

  const measurements: BackendMeasurement[] = [];
  for (const entry of availability) {
    if (!entry.available) {
      measurements.push({ backend: entry.name, device: entry.device ?? 'unavailable', actMs: null, learnMs: null, note: entry.reason });
      continue;
    }
    let backend: ComputeBackend | undefined;
    try {
      backend = await createBackend(entry.name, { layout: options.layout });
      measurements.push(await measureBackend(backend, options));
    } catch (error) {
      measurements.push({ backend: entry.name, device: entry.device ?? 'unknown', actMs: null, learnMs: null, note: `failed: ${(error as Error).message}` });
    } finally {
      await backend?.dispose();
    }
  }
  const acting = pick(measurements, 'actMs');
  const learning = pick(measurements, 'learnMs');
  const choice: AutoChoice = {
    acting: acting.backend,
    actingDevice: acting.device,
    learning: learning.backend,
    learningDevice: learning.device,
    actingBatch: options.actingBatch,
    learningBatch: options.learningBatch,
    measurements,
    measuredAt: options.timestamp ? options.timestamp() : new Date().toISOString(),
    cached: false,
  };
  if (options.cache) {
    const next = stored && typeof stored === 'object' ? { ...(stored as Record<string, unknown>) } : {};
    next[key] = { ...choice, cached: undefined };
    await options.cache.save(next);
  }
  return choice;
}
