// The RunManager owns every run's lifecycle, independent of the transport: it starts a trainer
// process per run, speaks the worker protocol with it, keeps what the run records, batches
// metrics for the window (at most ~10 events per second per run), and stops runs gracefully.
//
// Status machine:  starting -> running -> (stopping ->) completed | stopped | failed
// A run whose process dies without saying `done` is `failed`, with everything recorded kept.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runConfigSchema, finishedStatuses, type RunConfigInput, type RunRecord, type RunStatus } from '../shared/run.ts';
import type { EvaluationReport, MetricSample } from '../shared/metrics.ts';
import type { RunDetail } from '../shared/ipc/contract.ts';
import { ApiError, describeIssues } from '../shared/ipc/envelope.ts';
import { workerToHostSchema, protocolVersion, type WorkerToHostMessage } from './protocol.ts';
import type { TrainerExit, TrainerProcess, TrainerProcessFactory } from './trainer-process.ts';
import { MetricSeries } from './metric-series.ts';
import { TypedEmitter } from './typed-emitter.ts';

export interface RunManagerEvents {
  runUpdated: RunRecord;
  runMetrics: { runId: string; samples: MetricSample[] };
  runEvaluation: { runId: string; report: EvaluationReport };
}

export interface RunManagerOptions {
  /** Root of everything runs write. */
  dataDir: string;
  startTrainer: TrainerProcessFactory;
  /** How long a stopping worker may take to checkpoint before it is killed. */
  stopTimeoutMs?: number;
  /** How long a new worker may take to say `ready`. */
  readyTimeoutMs?: number;
  /** Interval of batched metric events. */
  flushIntervalMs?: number;
  /** Samples kept per series in memory before older ones are thinned. */
  maxPointsPerSeries?: number;
}

interface LiveRun {
  record: RunRecord;
  process: TrainerProcess | undefined;
  series: Map<string, MetricSeries>;
  evaluations: Map<string, EvaluationReport>;
  pendingSamples: MetricSample[];
  recordChanged: boolean;
  stopTimer: NodeJS.Timeout | undefined;
  readyTimer: NodeJS.Timeout | undefined;
  killedAfterTimeout: boolean;
  trainerError: string | undefined;
  finished: Promise<RunRecord>;
  resolveFinished: (record: RunRecord) => void;
}

export class RunManager extends TypedEmitter<RunManagerEvents> {
  private readonly runs = new Map<string, LiveRun>();
  private readonly options: Required<RunManagerOptions>;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(options: RunManagerOptions) {
    super();
    this.options = { stopTimeoutMs: 10_000, readyTimeoutMs: 30_000, flushIntervalMs: 100, maxPointsPerSeries: 4000, ...options };
  }

  start(input: RunConfigInput): RunRecord {
    const parsed = runConfigSchema.safeParse(input);
    if (!parsed.success) throw new ApiError('bad-request', 'Invalid run configuration', describeIssues(parsed.error));
    const id = `run-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    let resolveFinished: (record: RunRecord) => void = () => {};
    const finished = new Promise<RunRecord>((resolve) => (resolveFinished = resolve));
    const run: LiveRun = {
      record: { id, config: parsed.data, status: 'starting', createdAt: Date.now(), progress: 0 },
      process: undefined,
      series: new Map(),
      evaluations: new Map(),
      pendingSamples: [],
      recordChanged: false,
      stopTimer: undefined,
      readyTimer: undefined,
      killedAfterTimeout: false,
      trainerError: undefined,
      finished,
      resolveFinished,
    };
    this.runs.set(id, run);
    try {
      const trainer = this.options.startTrainer(id);
      run.process = trainer;
      trainer.onMessage((message) => this.handleWorkerMessage(run, message));
      trainer.onExit((exit) => this.handleExit(run, exit));
      run.readyTimer = setTimeout(() => {
        run.trainerError = `Trainer process did not become ready within ${this.options.readyTimeoutMs / 1000} s`;
        trainer.kill();
      }, this.options.readyTimeoutMs);
    } catch (error) {
      this.finish(run, 'failed', `Could not start the trainer process: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.ensureFlushTimer();
    this.emit('runUpdated', run.record);
    return run.record;
  }

  /** Asks the run to stop, and resolves once it has (checkpointed, or killed after the timeout). */
  async stop(runId: string): Promise<RunRecord> {
    const run = this.requireRun(runId);
    if (finishedStatuses.includes(run.record.status)) return run.record;
    if (run.record.status !== 'stopping') {
      this.update(run, { status: 'stopping' });
      if (run.record.startedAt === undefined) {
        run.process?.kill(); // not started yet: nothing to checkpoint
      } else {
        run.process?.send({ type: 'stop' });
        run.stopTimer = setTimeout(() => {
          run.killedAfterTimeout = true;
          run.process?.kill();
        }, this.options.stopTimeoutMs);
      }
    }
    return run.finished;
  }

  list(): RunRecord[] {
    return [...this.runs.values()].map((run) => run.record).sort((a, b) => b.createdAt - a.createdAt);
  }

  get(runId: string, maxPoints = 1000): RunDetail {
    const run = this.requireRun(runId);
    const metrics: Record<string, MetricSample[]> = {};
    for (const [name, series] of run.series) metrics[name] = series.downsample(maxPoints);
    return { record: run.record, metrics, evaluations: [...run.evaluations.values()] };
  }

  /** Resolves when the run has reached a finished status. */
  whenFinished(runId: string): Promise<RunRecord> {
    return this.requireRun(runId).finished;
  }

  /** Process ids of live trainer workers, for the system monitor. */
  livePids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const run of this.runs.values()) {
      if (!finishedStatuses.includes(run.record.status) && run.process?.pid !== undefined) pids.set(run.record.id, run.process.pid);
    }
    return pids;
  }

  /** Stops every live run (used when the app or server quits). */
  async shutdown(): Promise<void> {
    await Promise.all(this.list().filter((record) => !finishedStatuses.includes(record.status)).map((record) => this.stop(record.id)));
    this.flush();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  private requireRun(runId: string): LiveRun {
    const run = this.runs.get(runId);
    if (!run) throw new ApiError('not-found', `No run with id "${runId}"`);
    return run;
  }

  private handleWorkerMessage(run: LiveRun, raw: unknown): void {
    const parsed = workerToHostSchema.safeParse(raw);
    if (!parsed.success) {
      run.trainerError = `Trainer sent a malformed message: ${describeIssues(parsed.error).join('; ')}`;
      run.process?.kill();
      return;
    }
    const message: WorkerToHostMessage = parsed.data;
    switch (message.type) {
      case 'ready':
        clearTimeout(run.readyTimer);
        if (message.protocolVersion !== protocolVersion) {
          run.trainerError = `Trainer speaks protocol ${message.protocolVersion}, host expects ${protocolVersion}`;
          run.process?.kill();
          return;
        }
        if (run.record.status === 'stopping') {
          run.process?.kill();
          return;
        }
        run.process?.send({
          type: 'start',
          runId: run.record.id,
          config: run.record.config,
          dataDir: this.options.dataDir,
          checkpointDir: join(this.options.dataDir, 'checkpoints', run.record.id),
          resume: false,
        });
        this.update(run, { status: 'running', startedAt: Date.now() });
        return;
      case 'progress':
        this.update(run, { progress: message.fraction, progressMessage: message.message }, false);
        return;
      case 'metrics':
        for (const sample of message.samples) {
          let series = run.series.get(sample.name);
          if (!series) run.series.set(sample.name, (series = new MetricSeries(this.options.maxPointsPerSeries)));
          series.push(sample);
        }
        run.pendingSamples.push(...message.samples);
        return;
      case 'evaluation':
        run.evaluations.set(message.report.split, message.report);
        this.emit('runEvaluation', { runId: run.record.id, report: message.report });
        return;
      case 'device':
        this.update(run, { backend: message.backend, device: message.device });
        return;
      case 'protocol-error':
      case 'error':
        run.trainerError = message.message;
        return;
      case 'done':
        this.finish(run, message.outcome, undefined, { summary: message.summary, progress: message.outcome === 'completed' ? 1 : run.record.progress });
        return;
    }
  }

  private handleExit(run: LiveRun, exit: TrainerExit): void {
    clearTimeout(run.readyTimer);
    clearTimeout(run.stopTimer);
    if (finishedStatuses.includes(run.record.status)) return;
    if (run.record.status === 'stopping') {
      const note = run.killedAfterTimeout ? `Trainer did not stop within ${this.options.stopTimeoutMs / 1000} s and was killed; no checkpoint was saved` : undefined;
      this.finish(run, 'stopped', note);
      return;
    }
    const reason = exit.kind === 'crashed' ? exit.reason : 'Trainer process exited before finishing its run';
    this.finish(run, 'failed', run.trainerError ? `${run.trainerError} (${reason})` : reason);
  }

  private finish(run: LiveRun, status: RunStatus, error: string | undefined, patch: Partial<RunRecord> = {}): void {
    clearTimeout(run.stopTimer);
    clearTimeout(run.readyTimer);
    this.flushRun(run);
    this.update(run, { ...patch, status, endedAt: Date.now(), ...(error ? { error } : {}) });
    run.resolveFinished(run.record);
  }

  private update(run: LiveRun, patch: Partial<RunRecord>, emitNow = true): void {
    run.record = { ...run.record, ...patch };
    if (emitNow) {
      run.recordChanged = false;
      this.emit('runUpdated', run.record);
    } else {
      run.recordChanged = true;
    }
  }

  private ensureFlushTimer(): void {
    if (this.flushTimer) return;
    this.flushTimer = setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.flushTimer.unref();
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

  private flushRun(run: LiveRun): void {
    if (run.pendingSamples.length > 0) {
      const samples = run.pendingSamples;
      run.pendingSamples = [];
      this.emit('runMetrics', { runId: run.record.id, samples });
    }
    if (run.recordChanged) {
      run.recordChanged = false;
      this.emit('runUpdated', run.record);
    }
  }
}
