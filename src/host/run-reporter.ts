// What a live run reports, on its way to the run store and the window. Record changes are persisted
// and emitted at once, or (progress) with the next flush; metric samples, the trainer's and those
// the host adds from system samples, are batched and flushed every `flushIntervalMs`, so the window
// gets at most ~10 metric events per second per run. The RunManager decides what happens to a run;
// this module only records and tells.
import { finishedStatuses, type RunRecord } from '../shared/run.ts';
import type { EvaluationReport, MetricSample } from '../shared/metrics.ts';
import type { SystemSample } from '../shared/system.ts';
import type { RunStore } from './store/run-store.ts';
import type { TrainerProcess } from './trainer-process.ts';

export interface RunManagerEvents {
  runUpdated: RunRecord;
  runMetrics: { runId: string; samples: MetricSample[] };
  runEvaluation: { runId: string; report: EvaluationReport };
}

export type EmitRunEvent = <K extends keyof RunManagerEvents>(event: K, payload: RunManagerEvents[K]) => void;

/** A run with a worker process (or about to have one). */
export interface LiveRun {
  record: RunRecord;
  process: TrainerProcess | undefined;
  /** Start the worker from the run's last checkpoint. */
  resume: boolean;
  /** Training progress counter of the latest metric sample, for samples the host adds. */
  lastStep: number;
  /**
   * The run's training time (`elapsedMs`) at a wall-clock time (`at`, epoch ms): where the samples the
   * host adds fall on the trainer's timeline, which goes on over a resume. Unknown (undefined) for a
   * resumed run without a summary until the trainer's first sample.
   */
  timeline: { elapsedMs: number; at: number } | undefined;
  pendingSamples: MetricSample[];
  recordChanged: boolean;
  stopTimer: NodeJS.Timeout | undefined;
  readyTimer: NodeJS.Timeout | undefined;
  killedAfterTimeout: boolean;
  trainerError: string | undefined;
  /** The trainer sent a message the protocol does not allow: the run is being stopped and fails. */
  brokeProtocol: boolean;
  finished: Promise<RunRecord>;
  resolveFinished: (record: RunRecord) => void;
}

export function createLiveRun(record: RunRecord, resume: boolean): LiveRun {
  let resolveFinished: (record: RunRecord) => void = () => {};
  const finished = new Promise<RunRecord>((resolve) => (resolveFinished = resolve));
  return {
    record,
    process: undefined,
    resume,
    lastStep: 0,
    timeline: undefined,
    pendingSamples: [],
    recordChanged: false,
    stopTimer: undefined,
    readyTimer: undefined,
    killedAfterTimeout: false,
    trainerError: undefined,
    brokeProtocol: false,
    finished,
    resolveFinished,
  };
}

/** Places the session that starts now on the run's timeline: after what an earlier session's summary counted. */
export function startTimeline(run: LiveRun, now = Date.now()): void {
  const priorSeconds = run.resume ? run.record.summary?.seconds : 0;
  run.timeline = priorSeconds === undefined ? undefined : { elapsedMs: priorSeconds * 1000, at: now };
}

/** Takes in the trainer's metric samples: the latest step and time on its timeline. */
export function followTrainer(run: LiveRun, samples: MetricSample[], now = Date.now()): void {
  if (samples.length === 0) return;
  run.pendingSamples.push(...samples);
  const last = samples[samples.length - 1];
  run.lastStep = last.step;
  run.timeline = { elapsedMs: last.elapsedMs, at: now };
}

export class RunReporter {
  private readonly store: RunStore;
  private readonly emit: EmitRunEvent;
  private readonly flushIntervalMs: number;
  /** The manager's live runs, read at each flush. */
  private readonly runs: ReadonlyMap<string, LiveRun>;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(options: { store: RunStore; emit: EmitRunEvent; flushIntervalMs: number; runs: ReadonlyMap<string, LiveRun> }) {
    this.store = options.store;
    this.emit = options.emit;
    this.flushIntervalMs = options.flushIntervalMs;
    this.runs = options.runs;
  }

  /** Applies a change to a live run; persisted and emitted now, or with the next flush. */
  update(run: LiveRun, patch: Partial<RunRecord>, emitNow = true): void {
    run.record = { ...run.record, ...patch };
    if (emitNow) {
      run.recordChanged = false;
      this.persist(run);
      this.emit('runUpdated', run.record);
    } else {
      run.recordChanged = true;
    }
  }

  /** Adds a system sample's figures to each running run's batched series (RunManager.recordSystemSample). */
  addSystemSample(sample: SystemSample): void {
    const gpu = sample.gpus[0];
    for (const run of this.runs.values()) {
      if (run.record.status !== 'running' || run.timeline === undefined) continue;
      const elapsedMs = run.timeline.elapsedMs + Math.max(0, sample.timestamp - run.timeline.at);
      const step = run.lastStep;
      const add = (name: string, value: number | null | undefined) => {
        if (value != null && Number.isFinite(value)) run.pendingSamples.push({ name, value, elapsedMs, step });
      };
      const trainer = sample.trainers.find((entry) => entry.runId === run.record.id);
      add('processCpuPercent', trainer?.cpuPercent);
      add('processRssMegabytes', trainer?.rssBytes == null ? null : trainer.rssBytes / 2 ** 20);
      add('gpuPercent', gpu?.utilizationPercent);
      add('gpuMemoryMegabytes', gpu?.memoryUsedBytes == null ? null : gpu.memoryUsedBytes / 2 ** 20);
    }
  }

  /** Emits a recorded run's stored record and new series, for a run this host does not run (RunManager.relayRecordedRun). */
  relayRecordedRun(runId: string, update: { samples?: MetricSample[]; evaluations?: EvaluationReport[] }): void {
    const record = this.store.getRun(runId);
    if (!record) return;
    this.emit('runUpdated', record);
    if (update.samples && update.samples.length > 0) this.emit('runMetrics', { runId, samples: update.samples });
    for (const report of update.evaluations ?? []) this.emit('runEvaluation', { runId, report });
  }

  /** Starts the periodic flush unless it is running. */
  startFlushing(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => this.flush(), this.flushIntervalMs);
    this.flushTimer.unref();
  }

  /** Flushes every live run and stops the periodic flush. */
  close(): void {
    this.flush();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Stores and emits the run's batched samples and its record, if it changed since the last emit. */
  flushRun(run: LiveRun): void {
    if (run.pendingSamples.length > 0) {
      const samples = run.pendingSamples;
      run.pendingSamples = [];
      this.store.appendMetrics(run.record.id, samples);
      this.emit('runMetrics', { runId: run.record.id, samples });
    }
    if (run.recordChanged) {
      run.recordChanged = false;
      this.persist(run);
      this.emit('runUpdated', run.record);
    }
  }

  private flush(): void {
    let anyLive = false;
    for (const run of this.runs.values()) {
      this.flushRun(run);
      if (!finishedStatuses.includes(run.record.status)) anyLive = true;
    }
    if (!anyLive && this.flushTimer) {
      clearInterval(this.flushTimer);
      this.flushTimer = undefined;
    }
  }

  private persist(run: LiveRun): void {
    const { status, startedAt, endedAt, error, summary, backend, device, progress, progressMessage } = run.record;
    this.store.updateRun(run.record.id, {
      status,
      startedAt: startedAt ?? null,
      endedAt: endedAt ?? null,
      error: error ?? null,
      summary: summary ?? null,
      backend: backend ?? null,
      device: device ?? null,
      progress,
      progressMessage: progressMessage ?? null,
    });
  }
}
