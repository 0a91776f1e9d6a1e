// Samples the machine, the trainer processes and the GPU once a second (never per frame) and hands
// one `SystemSample` per tick to its listeners. A slow tool delays its tick instead of stacking
// up probes: a tick that finds the previous one still running is skipped.
import { GpuMonitor } from './gpu-monitor.ts';
import type { GpuReading } from './gpu-reading.ts';
import { MachineSampler } from './machine-sampler.ts';
import { ProcessSampler } from './process-sampler.ts';
import type { SystemSample } from '../../shared/system.ts';

export interface SystemMonitorOptions {
  /** Milliseconds between samples; default 1000 (the IPC contract's 1 Hz). At least 50. */
  intervalMs?: number;
  gpuMonitor?: Pick<GpuMonitor, 'read'>;
  processSampler?: Pick<ProcessSampler, 'sample'>;
  machineSampler?: Pick<MachineSampler, 'baseline' | 'sample'>;
  /** Where unexpected errors go (a listener threw, a sampler broke its never-throw contract); default `console.error`. */
  onError?: (error: unknown) => void;
}

export type SystemSampleListener = (sample: SystemSample) => void;

export class SystemMonitor {
  private readonly intervalMs: number;
  private readonly gpuMonitor: Pick<GpuMonitor, 'read'>;
  private readonly processSampler: Pick<ProcessSampler, 'sample'>;
  private readonly machineSampler: Pick<MachineSampler, 'baseline' | 'sample'>;
  private readonly onError: (error: unknown) => void;
  private readonly listeners = new Set<SystemSampleListener>();
  private trainerPids = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight: Promise<SystemSample> | undefined;
  private lastSampleAt: number | undefined;
  /** Bumped by stop() so a tick that was in flight does not emit after it. */
  private generation = 0;

  constructor(options: SystemMonitorOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs < 50) throw new RangeError(`SystemMonitor intervalMs must be at least 50, got ${this.intervalMs}`);
    this.gpuMonitor = options.gpuMonitor ?? new GpuMonitor();
    this.processSampler = options.processSampler ?? new ProcessSampler();
    this.machineSampler = options.machineSampler ?? new MachineSampler();
    this.onError = options.onError ?? ((error) => console.error('SystemMonitor:', error));
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts sampling; the first sample arrives one interval later. Idempotent. */
  start(): void {
    if (this.timer) return;
    this.machineSampler.baseline();
    this.lastSampleAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // Monitoring alone must never keep the process (CLI, tests) alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.generation++;
  }

  /** Replaces the set of trainer processes to sample (runId -> pid). */
  setTrainerPids(pids: ReadonlyMap<string, number> | Record<string, number>): void {
    const entries = pids instanceof Map ? [...pids.entries()] : Object.entries(pids);
    for (const [runId, pid] of entries) {
      if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`trainer pid for run ${runId} must be a positive integer, got ${pid}`);
    }
    this.trainerPids = new Map(entries);
  }

  /** Calls `listener` with every sample until the returned function is called. */
  onSample(listener: SystemSampleListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Takes one sample now (also used by the CLI); concurrent calls share the sample in flight. */
  sampleOnce(): Promise<SystemSample> {
    this.inFlight ??= this.collect().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private tick(): void {
    if (this.inFlight) return;
    const generation = this.generation;
    void this.sampleOnce().then((sample) => {
      if (generation !== this.generation) return;
      for (const listener of this.listeners) {
        try {
          listener(sample);
        } catch (error) {
          this.onError(error);
        }
      }
    }, (error: unknown) => this.onError(error));
  }

  private async collect(): Promise<SystemSample> {
    const pids = this.trainerPids;
    const [gpu, trainers] = await Promise.all([
      this.gpuMonitor.read().catch((error: unknown): GpuReading => ({ available: false, source: null, reason: `GPU probe failed: ${(error as Error).message}` })),
      this.processSampler.sample(pids).catch((error: unknown) =>
        [...pids].map(([runId, pid]) => ({ runId, pid, cpuPercent: null, rssBytes: null, unavailableReason: `process sampling failed: ${(error as Error).message}` })),
      ),
    ]);
    const machine = this.machineSampler.sample();
    const timestamp = Date.now();
    const intervalMs = this.lastSampleAt === undefined ? null : Math.max(0, timestamp - this.lastSampleAt);
    this.lastSampleAt = timestamp;
    return {
      timestamp,
      intervalMs,
      machineCpuPercent: machine.cpuPercent,
      machineCpuCount: machine.cpuCount,
      machineMemoryUsedBytes: machine.memoryUsedBytes,
      machineMemoryTotalBytes: machine.memoryTotalBytes,
      trainers,
      gpuSource: gpu.source,
      gpus: gpu.available ? gpu.devices : [],
      gpuUnavailableReason: gpu.available ? null : gpu.reason,
    };
  }
}
