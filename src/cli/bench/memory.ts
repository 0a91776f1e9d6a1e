// `npm run bench -- memory`: how much memory each trainer configuration takes. Every configuration
// runs as a real trainer process started through the same host path as the CLI (headless host,
// RunManager, child_process.fork), one after another, and the trainer process's resident set is
// sampled until it exits. On Linux the peak is the kernel's own high-water mark (VmHWM in
// /proc/<pid>/status, read every 100 ms; the last value read before the process exits is its peak
// over its whole life); elsewhere `ps -o rss=` is sampled and the peak is the largest sample (which
// can miss a short spike). Runs use a throwaway data directory: the first one builds the feature
// cache (reported separately, as the cold start), the others read it as every later run does, and
// the machine's `auto` backend choice is copied in so RL runs start as they do on this machine.
// The optimized configurations run a second time on the built bundle's trainer (out/main, what the
// desktop app starts; plain JavaScript), when `npm run build` has made it. The CLI's trainer runs
// the TypeScript sources: with a warm compile cache (any earlier run of the same code on this
// machine) it loads them type-stripped from the cache; the first run after a change strips them,
// ~30-35 MB more in each thread, so the JSON says how many cache entries there were beforehand.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHeadlessHost } from '../headless-host.ts';
import { compileCacheDirectory, createChildProcessTrainerFactory } from '../../host/child-process-trainer.ts';
import { defaultDatasetPath } from '../../host/datasets/store.ts';
import { RunManager } from '../../host/run-manager.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { dataLayout } from '../../host/data-layout.ts';
import { neatStdWorkloadOptions } from '../../core/neat/trading/options.ts';
import { rlStdWorkloadOptions } from '../../core/rl/config.ts';
import { neatFigures } from '../../shared/figures/neat.ts';
import type { RunConfig, RunRecord } from '../../shared/run.ts';

const execFileAsync = promisify(execFile);

/** How often the trainer process's memory is read, ms. */
export const sampleIntervalMs = 100;

/** One reading of a process's memory, in kB as the kernel reports it (null: not reported). */
export interface MemoryReading {
  /** Resident set now, kB. */
  rssKb: number;
  /** Peak resident set over the process's life so far (Linux VmHWM), kB; null where unknown. */
  hwmKb: number | null;
  /** Anonymous, file-backed and shared-memory parts of the resident set (Linux), kB. */
  anonKb: number | null;
  fileKb: number | null;
  shmemKb: number | null;
  /** Threads in the process (Linux). */
  threads: number | null;
}

/** Reads VmRSS, VmHWM, RssAnon, RssFile, RssShmem and Threads from the text of /proc/<pid>/status; null when VmRSS is absent (a process that has exited). */
export function parseProcStatus(text: string): MemoryReading | null {
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const rssKb = field('VmRSS');
  if (rssKb === null) return null;
  return { rssKb, hwmKb: field('VmHWM'), anonKb: field('RssAnon'), fileKb: field('RssFile'), shmemKb: field('RssShmem'), threads: field('Threads') };
}

/** The resident set from `ps -o rss= -p PID` (kB); null when ps printed nothing (the process is gone). */
export function parsePsRss(text: string): MemoryReading | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  return { rssKb: Number(trimmed), hwmKb: null, anonKb: null, fileKb: null, shmemKb: null, threads: null };
}

export type SamplingMethod = 'linux /proc/<pid>/status VmHWM' | 'ps -o rss= samples';

/** What a process's readings come to, in MB (2^20 bytes). */
export interface MemorySummary {
  method: SamplingMethod;
  samples: number;
  /** Peak resident set over the process's life, MB: the last VmHWM read, else the largest sample. */
  peakRssMb: number | null;
  /** Median resident set over the second half of the samples (the run after start-up), MB. */
  settledRssMb: number | null;
  /** The largest resident set sampled, MB, and its parts at that sample (Linux). */
  largestSample: { rssMb: number; anonMb: number | null; fileMb: number | null; shmemMb: number | null; threads: number | null } | null;
}

const mb = (kb: number | null): number | null => (kb === null ? null : Math.round((kb / 1024) * 10) / 10);

/** Peak, settled and the largest sample of a process's readings, in sampling order. */
export function summariseReadings(readings: readonly MemoryReading[], method: SamplingMethod): MemorySummary {
  if (readings.length === 0) return { method, samples: 0, peakRssMb: null, settledRssMb: null, largestSample: null };
  const lastHwm = [...readings].reverse().find((reading) => reading.hwmKb !== null)?.hwmKb ?? null;
  const largest = readings.reduce((best, reading) => (reading.rssKb > best.rssKb ? reading : best));
  const settled = readings.slice(Math.floor(readings.length / 2)).map((reading) => reading.rssKb).sort((a, b) => a - b);
  const middle = settled.length / 2;
  const settledKb = settled.length % 2 === 1 ? settled[Math.floor(middle)] : (settled[middle - 1] + settled[middle]) / 2;
  return {
    method,
    samples: readings.length,
    peakRssMb: mb(Math.max(lastHwm ?? 0, largest.rssKb)),
    settledRssMb: mb(settledKb),
    largestSample: { rssMb: mb(largest.rssKb)!, anonMb: mb(largest.anonKb), fileMb: mb(largest.fileKb), shmemMb: mb(largest.shmemKb), threads: largest.threads },
  };
}

/** One reading of process `pid`, or null when it has exited. */
async function readMemory(pid: number): Promise<MemoryReading | null> {
  if (platform() === 'linux') {
    try {
      return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return null;
    }
  }
  try {
    return parsePsRss((await execFileAsync('ps', ['-o', 'rss=', '-p', String(pid)])).stdout);
  } catch {
    return null; // ps exits 1 when the process is gone
  }
}

/** Samples a process every sampleIntervalMs from when `pid()` first names it until it has exited. */
class ProcessSampler {
  readonly readings: MemoryReading[] = [];
  private pid: number | undefined;
  private exited = false;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly findPid: () => number | undefined;

  constructor(findPid: () => number | undefined) {
    this.findPid = findPid;
    this.timer = setInterval(() => void this.tick(), sampleIntervalMs);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.exited) return;
    this.busy = true;
    try {
      this.pid ??= this.findPid();
      if (this.pid === undefined) return;
      const reading = await readMemory(this.pid);
      if (reading === null) this.exited = true;
      else this.readings.push(reading);
    } finally {
      this.busy = false;
    }
  }

  /** Waits (at most `limitMs`) for the process to exit, reading until it does, then stops. */
  async finish(limitMs = 15_000): Promise<void> {
    const deadline = performance.now() + limitMs;
    while (!this.exited && this.pid !== undefined && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, sampleIntervalMs / 2));
    clearInterval(this.timer);
  }
}

/** A configuration the bench runs. */
export interface MemoryConfiguration {
  name: string;
  what: string;
  config: RunConfig;
}

/** NEAT-std and RL-std, optimized and original, plus the cold start that builds the feature cache. */
export function memoryConfigurations(seconds: { neat: number; rl: number; original: number }): MemoryConfiguration[] {
  const neatOptions = structuredClone(neatStdWorkloadOptions) as unknown as Record<string, unknown>;
  const rlOptions = { ...rlStdWorkloadOptions } as Record<string, unknown>;
  const run = (trainer: RunConfig['trainer'], mode: RunConfig['mode'], budget: RunConfig['budget'], options: Record<string, unknown>) => ({ trainer, mode, seed: 1, dataset: 'default', budget, options }) as RunConfig;
  return [
    { name: 'cold-start', what: 'baseline trainer, 1 episode, on an empty feature cache: reads the default dataset and builds its features', config: run('baseline', 'optimized', { episodes: 1 }, {}) },
    { name: 'neat-std-optimized', what: `NEAT-std optimized, 2 evaluation threads, ${seconds.neat} s`, config: run('neat', 'optimized', { seconds: seconds.neat }, { ...neatOptions, threads: 2 }) },
    { name: 'neat-std-original', what: `NEAT-std original, ${seconds.original} s`, config: run('neat', 'original', { seconds: seconds.original }, neatOptions) },
    { name: 'rl-std-optimized', what: `RL-std optimized, 32 envs, backend auto, ${seconds.rl} s`, config: run('rl', 'optimized', { seconds: seconds.rl }, { ...rlOptions, backend: 'auto' }) },
    { name: 'rl-std-original', what: `RL-std original, ${seconds.original} s`, config: run('rl', 'original', { seconds: seconds.original }, rlOptions) },
  ];
}

export interface MemoryBenchOptions {
  /** Data directory whose `auto` backend choice the runs start from (default: the usual one). */
  dataDir?: string;
  /** Only these configurations (by name). */
  only?: string[];
  /** Budget of NEAT-std optimized, s: its heap keeps growing for hundreds of generations (~30 generations take 2 s), so it runs long enough to settle. */
  neatSeconds?: number;
  rlSeconds?: number;
  originalSeconds?: number;
  onProgress?: (line: string) => void;
}

function runFigures(record: RunRecord): Record<string, unknown> {
  const summary = record.summary;
  return {
    status: record.status,
    ...(record.error ? { error: record.error } : {}),
    trainingSeconds: summary?.seconds ?? null,
    episodes: summary?.episodes ?? null,
    episodesPerMin: summary?.episodesPerMin ?? null,
    generations: neatFigures(summary).generations ?? null,
  };
}

/** Files below `directory` (0 when it does not exist). */
function countFiles(directory: string): number {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
  } catch {
    return 0;
  }
}

/** Issue #15: each optimized trainer's peak at most half of what the issue measured (NEAT-std ~740 MB settled, RL-std ~1 GB peak). */
export const memoryTargets = { 'neat-std-optimized': 370, 'rl-std-optimized': 500 } as const;

function issue15Targets(results: Record<string, unknown>): Record<string, unknown> {
  const peak = (name: string) => (results[name] as MemorySummary | undefined)?.peakRssMb;
  return Object.fromEntries(Object.entries(memoryTargets).map(([name, limit]) => [name, {
    peakRssMbAtMost: limit,
    cliTrainer: peak(name) ?? null, cliMet: (peak(name) ?? Infinity) <= limit,
    bundledTrainer: peak(`${name}-bundled`) ?? null, bundledMet: (peak(`${name}-bundled`) ?? Infinity) <= limit,
  }]));
}

export async function runMemoryBench(options: MemoryBenchOptions = {}): Promise<Record<string, unknown>> {
  const method: SamplingMethod = platform() === 'linux' ? 'linux /proc/<pid>/status VmHWM' : 'ps -o rss= samples';
  const dataDir = await mkdtemp(join(tmpdir(), 'traindeck-memory-bench-'));
  const machineAutoCache = dataLayout(resolveDataDir(options.dataDir)).autoBackendCache;
  let autoCache: string;
  try {
    await mkdir(dirname(dataLayout(dataDir).autoBackendCache), { recursive: true });
    await copyFile(machineAutoCache, dataLayout(dataDir).autoBackendCache);
    autoCache = `copied from ${machineAutoCache}`;
  } catch {
    autoCache = 'none on this machine: the first RL optimized run measures the backends';
  }
  const compileCache = { directory: compileCacheDirectory(), entriesBefore: countFiles(compileCacheDirectory()) };
  const configurations = memoryConfigurations({ neat: options.neatSeconds ?? 20, rl: options.rlSeconds ?? 30, original: options.originalSeconds ?? 8 })
    .filter((configuration) => !options.only || options.only.includes(configuration.name));
  const host = createHeadlessHost(dataDir, { maxConcurrentRuns: 1 });
  const results: Record<string, unknown> = {};
  const measure = async (manager: RunManager, name: string, what: string, config: RunConfig) => {
    options.onProgress?.(`memory: ${name}...`);
    const started = performance.now();
    const run = manager.start(config);
    const sampler = new ProcessSampler(() => manager.livePids().get(run.id));
    const finished = await manager.whenFinished(run.id);
    await sampler.finish();
    const memory = summariseReadings(sampler.readings, method);
    results[name] = { what, ...memory, processSeconds: Math.round((performance.now() - started) / 100) / 10, ...runFigures(finished) };
    options.onProgress?.(`memory: ${name}: peak ${memory.peakRssMb} MB, settled ${memory.settledRssMb} MB`);
    manager.delete(finished.id);
  };
  const bundleDir = fileURLToPath(new URL('../../../out/main/', import.meta.url));
  const bundledEntry = join(bundleDir, 'trainer-worker.js');
  const bundled = configurations.filter((configuration) => configuration.name.endsWith('-optimized'));
  let bundledTrainer: string;
  try {
    for (const { name, what, config } of configurations) await measure(host.runManager, name, what, config);
    if (bundled.length > 0 && existsSync(bundledEntry)) {
      bundledTrainer = `${bundledEntry}, forked with TRAINDECK_BUNDLE_DIR as the app's main process sets it`;
      const manager = new RunManager({
        dataDir, store: host.store, maxConcurrentRuns: 1, defaultDatasetFile: defaultDatasetPath(),
        startTrainer: createChildProcessTrainerFactory(bundledEntry, { TRAINDECK_BUNDLE_DIR: bundleDir }),
      });
      try {
        for (const { name, what, config } of bundled) await measure(manager, `${name}-bundled`, `${what}, on the built app's trainer (out/main)`, config);
      } finally {
        await manager.shutdown();
      }
    } else {
      bundledTrainer = bundled.length > 0 ? 'unavailable: out/main/trainer-worker.js is not built (npm run build)' : 'not asked for';
    }
  } finally {
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return {
    method,
    units: { peakRssMb: 'MB (2^20 bytes)', settledRssMb: 'MB (2^20 bytes)', processSeconds: 's, start to exit as the host saw it', trainingSeconds: 's' },
    sampleIntervalMs,
    autoBackendCache: autoCache,
    compileCache,
    bundledTrainer,
    targets: issue15Targets(results),
    summary: Object.fromEntries(Object.entries(results).map(([name, row]) => [name, { peakRssMb: (row as MemorySummary).peakRssMb, settledRssMb: (row as MemorySummary).settledRssMb }])),
    configurations: results,
  };
}
