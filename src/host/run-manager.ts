// The RunManager owns every run's lifecycle, independent of the transport: it starts a trainer
// process per run, speaks the worker protocol with it, hands what the run reports to the
// RunReporter (run-reporter.ts: the store, and batched events for the window), and stops runs
// gracefully.
//
// Status machine:  (queued ->) starting -> running -> (stopping ->) completed | stopped | failed
//                  stopped | interrupted | failed --resume--> (queued ->) starting (from the last checkpoint)
//                  completed --resume with a larger budget--> (queued ->) starting (the same run, continued)
// At most `maxConcurrentRuns` trainers run at once; the rest wait as `queued`, first come first served.
// A run whose process dies without saying `done` is `failed`, with everything recorded kept.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { runConfigSchema, finishedStatuses, type Budget, type RunConfig, type RunConfigInput, type RunRecord, type RunStatus } from '../shared/run.ts';
import { continuationPatch } from './run-continuation.ts';
import type { EvaluationReport, MetricSample } from '../shared/metrics.ts';
import type { RequestParams, RunDetail } from '../shared/ipc/contract.ts';
import { ApiError, describeIssues } from '../shared/ipc/envelope.ts';
import { workerToHostSchema, protocolVersion, type WorkerToHostMessage } from './protocol.ts';
import type { TrainerExit, TrainerProcessFactory } from './trainer-process.ts';
import type { RunStore } from './store/run-store.ts';
import type { SystemSample } from '../shared/system.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { RunQueue } from './run-queue.ts';
import { createLiveRun, followTrainer, RunReporter, startTimeline, type LiveRun, type RunManagerEvents } from './run-reporter.ts';

export type { RunManagerEvents } from './run-reporter.ts';

export interface RunManagerOptions {
  /** Root of everything runs write. */
  dataDir: string;
  /** The embedded dataset file, when it is not beside the sources (packaged app). */
  defaultDatasetFile?: string;
  /** Where runs are persisted; live runs left in it by a previous process become `interrupted`. */
  store: RunStore;
  startTrainer: TrainerProcessFactory;
  /** How long a stopping worker may take to checkpoint before it is killed. */
  stopTimeoutMs?: number;
  /** How long a new worker may take to say `ready`. */
  readyTimeoutMs?: number;
  /** Interval of batched metric events. */
  flushIntervalMs?: number;
  /** Most trainer processes running at once (default: one per two cores, at least one). */
  maxConcurrentRuns?: number;
}

/** One trainer per two cores: each trainer keeps about two cores busy (acting plus a helper thread). */
export function defaultMaxConcurrentRuns(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

export class RunManager extends TypedEmitter<RunManagerEvents> {
  /** Runs with a worker process (or about to have one). Finished runs live only in the store. */
  private readonly runs = new Map<string, LiveRun>();
  /** Runs waiting for a free slot or for the run before them in a sequence. */
  private readonly waiting = new RunQueue();
  private readonly options: Required<Omit<RunManagerOptions, 'defaultDatasetFile'>> & Pick<RunManagerOptions, 'defaultDatasetFile'>;
  private readonly store: RunStore;
  /** Records and emits what the live runs report. */
  private readonly reporter: RunReporter;
  /** Runs found live in the store at startup: the previous process died under them. */
  readonly interruptedAtStartup: RunRecord[];

  constructor(options: RunManagerOptions) {
    super();
    this.options = { stopTimeoutMs: 10_000, readyTimeoutMs: 30_000, flushIntervalMs: 100, maxConcurrentRuns: defaultMaxConcurrentRuns(), ...options };
    if (!Number.isInteger(this.options.maxConcurrentRuns) || this.options.maxConcurrentRuns < 1) {
      throw new RangeError(`maxConcurrentRuns must be a whole number of at least 1, got ${this.options.maxConcurrentRuns}`);
    }
    this.store = options.store;
    this.reporter = new RunReporter({ store: this.store, emit: (event, payload) => this.emit(event, payload), flushIntervalMs: this.options.flushIntervalMs, runs: this.runs });
    this.interruptedAtStartup = this.store.markLiveRunsInterrupted();
  }

  /**
   * Starts the original run of a configuration now and queues the optimized one behind it, with
   * the same seed, dataset, budget and options, so each has the machine to itself.
   */
  startComparison(input: Omit<RunConfigInput, 'mode' | 'compareGroup'>): { compareGroup: string; original: RunRecord; optimized: RunRecord } {
    const compareGroup = `compare-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
    const [original, optimized] = this.startSequence([
      { ...input, mode: 'original', compareGroup },
      { ...input, mode: 'optimized', compareGroup },
    ]);
    return { compareGroup, original, optimized };
  }

  /**
   * Runs configurations one after another (the first starts now, the rest wait as `queued`), so
   * runs measured against each other never share the machine. All are validated before any starts.
   */
  startSequence(inputs: RunConfigInput[]): RunRecord[] {
    const configs = inputs.map((input) => this.parseConfig(input));
    const records = [this.admit(configs[0], undefined)];
    for (const config of configs.slice(1)) records.push(this.admit(config, records[records.length - 1].id));
    return records;
  }

  start(input: RunConfigInput): RunRecord {
    return this.admit(this.parseConfig(input), undefined);
  }

  /** Most trainers that run at once. */
  get maxConcurrentRuns(): number {
    return this.options.maxConcurrentRuns;
  }

  /** Creates a run and starts it now if it may, else leaves it waiting as `queued`. */
  private admit(config: RunConfig, after: string | undefined): RunRecord {
    const base = { id: this.newRunId(), config, createdAt: Date.now(), progress: 0 };
    if (after === undefined && this.hasFreeSlot()) return this.launch(this.store.createRun({ ...base, status: 'starting' }), false);
    const record = this.store.createRun({ ...base, status: 'queued', progressMessage: after === undefined ? this.slotMessage() : 'Waiting for the run before it to finish' });
    this.waiting.add({ record, resume: false, after });
    this.emit('runUpdated', record);
    return record;
  }

  private hasFreeSlot(): boolean {
    return this.runs.size < this.options.maxConcurrentRuns;
  }

  private slotMessage(): string {
    const limit = this.options.maxConcurrentRuns;
    return `Waiting for a free trainer slot (${limit} run${limit === 1 ? '' : 's'} at a time)`;
  }

  /** Starts waiting runs while slots are free; called whenever a run finishes or leaves the queue. */
  private startWaitingRuns(): void {
    while (this.hasFreeSlot()) {
      const next = this.waiting.takeNext((runId) => this.runs.has(runId) || this.waiting.has(runId));
      if (!next) return;
      const progressMessage = next.resume ? 'Resuming from the last checkpoint' : null;
      this.launch(this.store.updateRun(next.record.id, { status: 'starting', progressMessage }), next.resume);
    }
  }

  private parseConfig(input: RunConfigInput) {
    const parsed = runConfigSchema.safeParse(input);
    // the schema checks each trainer's options against its settings declaration, listing every problem
    if (!parsed.success) throw new ApiError('bad-request', 'Invalid run configuration', describeIssues(parsed.error));
    return parsed.data;
  }

  private newRunId(): string {
    return `run-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
  }

  /**
   * Continues a stopped, interrupted or failed run from its last checkpoint. With `budget` it runs
   * under that budget instead, counted over everything the run has already spent; that continues a
   * completed run too, as the same run, whose series go on as one history.
   */
  resume(runId: string, budget?: Budget): RunRecord {
    if (this.runs.has(runId) || this.waiting.has(runId)) throw new ApiError('conflict', `Run "${runId}" is already running`);
    const record = this.requireStoredRun(runId);
    const continuation = continuationPatch(record, budget);
    if (!this.store.latestCheckpoint(runId)) throw new ApiError('conflict', `Run "${runId}" has no checkpoint to resume from`);
    const resumed = { endedAt: null, error: null, ...continuation };
    if (!this.hasFreeSlot()) {
      const queued = this.store.updateRun(runId, { ...resumed, status: 'queued', progressMessage: this.slotMessage() });
      this.waiting.add({ record: queued, resume: true });
      this.emit('runUpdated', queued);
      return queued;
    }
    return this.launch(this.store.updateRun(runId, { ...resumed, status: 'starting', progressMessage: 'Resuming from the last checkpoint' }), true);
  }

  private launch(record: RunRecord, resume: boolean): RunRecord {
    const id = record.id;
    const run = createLiveRun(record, resume);
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
    this.reporter.startFlushing();
    this.emit('runUpdated', run.record);
    return run.record;
  }

  /** Asks the run to stop, and resolves once it has (checkpointed, or killed after the timeout). */
  async stop(runId: string): Promise<RunRecord> {
    if (this.waiting.remove(runId)) {
      const stopped = this.store.updateRun(runId, { status: 'stopped', endedAt: Date.now(), progressMessage: 'Stopped before it started' });
      this.emit('runUpdated', stopped);
      this.startWaitingRuns(); // a run waiting behind this one may go now
      return stopped;
    }
    const live = this.runs.get(runId);
    if (!live) return this.requireStoredRun(runId); // already finished: stopping is a no-op
    const run = live;
    if (finishedStatuses.includes(run.record.status)) return run.record;
    if (run.record.status !== 'stopping') {
      this.reporter.update(run, { status: 'stopping' });
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

  list(filter: RequestParams<'listRuns'> = {}): RunRecord[] {
    return this.store.listRuns(filter);
  }

  get(runId: string, maxPoints = 1000): RunDetail {
    return {
      record: this.record(runId),
      metrics: this.store.getMetrics(runId, { maxPoints }),
      evaluations: this.store.getEvaluations(runId, { latestPerSplit: true }),
    };
  }

  /** A run's record (live or persisted), without its series. */
  record(runId: string): RunRecord {
    return this.runs.get(runId)?.record ?? this.requireStoredRun(runId);
  }

  /** Path of the run's latest checkpoint file, if it has one. */
  latestCheckpoint(runId: string): string | undefined {
    this.requireStoredRun(runId);
    return this.store.latestCheckpoint(runId);
  }

  /** Deletes a finished run with everything recorded for it. */
  delete(runId: string): void {
    if (this.runs.has(runId) || this.waiting.has(runId)) throw new ApiError('conflict', `Run "${runId}" is live; stop it before deleting it`);
    this.requireStoredRun(runId);
    this.store.deleteRun(runId);
  }

  /** Resolves when the run has reached a finished status. */
  whenFinished(runId: string): Promise<RunRecord> {
    const live = this.runs.get(runId);
    if (live) return live.finished;
    if (this.waiting.has(runId)) {
      return new Promise((resolve) => {
        const unsubscribe = this.on('runUpdated', (record) => {
          if (record.id === runId && finishedStatuses.includes(record.status)) {
            unsubscribe();
            resolve(record);
          }
        });
      });
    }
    return Promise.resolve(this.requireStoredRun(runId));
  }

  /**
   * Records a system sample into each live run's series (its process's CPU and RSS, and the GPU's
   * utilisation and memory), so comparisons and history keep them after the window closes.
   */
  recordSystemSample(sample: SystemSample): void {
    this.reporter.addSystemSample(sample);
  }

  /**
   * Tells the window about a run this host records but does not run (an experiment trial on a
   * remote worker): its record as stored now, and any new samples and evaluations.
   */
  relayRecordedRun(runId: string, update: { samples?: MetricSample[]; evaluations?: EvaluationReport[] }): void {
    this.reporter.relayRecordedRun(runId, update);
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
    // Waiting runs first, so none of them takes a slot that a stopping run frees.
    for (const runId of this.waiting.ids()) await this.stop(runId);
    await Promise.all([...this.runs.keys()].map((runId) => this.stop(runId)));
    this.reporter.close();
  }

  private requireStoredRun(runId: string): RunRecord {
    const record = this.store.getRun(runId);
    if (!record) throw new ApiError('not-found', `No run with id "${runId}"`);
    return record;
  }

  private handleWorkerMessage(run: LiveRun, raw: unknown): void {
    const parsed = workerToHostSchema.safeParse(raw);
    if (!parsed.success) {
      if (run.brokeProtocol) return;
      run.brokeProtocol = true;
      run.trainerError = `Trainer sent a malformed message: ${describeIssues(parsed.error).join('; ')}`;
      // Keep what the run has: a started trainer is asked to stop, so it checkpoints and sends its
      // summary (killed only if it does not stop in time); the run then fails with this reason.
      void this.stop(run.record.id);
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
        // Stopped (or killed for breaking the protocol) before it was ready, its ready message already
        // on its way: never start it.
        if (run.record.status === 'stopping' || finishedStatuses.includes(run.record.status)) {
          run.process?.kill();
          return;
        }
        run.process?.send({
          type: 'start',
          runId: run.record.id,
          config: run.record.config,
          dataDir: this.options.dataDir,
          checkpointDir: this.store.checkpointDirectory(run.record.id),
          resume: run.resume,
          ...(this.options.defaultDatasetFile ? { defaultDatasetFile: this.options.defaultDatasetFile } : {}),
        });
        startTimeline(run);
        this.reporter.update(run, { status: 'running', startedAt: run.record.startedAt ?? Date.now(), progressMessage: undefined });
        return;
      case 'progress':
        this.reporter.update(run, { progress: message.fraction, progressMessage: message.message }, false);
        return;
      case 'metrics':
        followTrainer(run, message.samples);
        return;
      case 'evaluation':
        this.store.appendEvaluation(run.record.id, message.report);
        this.emit('runEvaluation', { runId: run.record.id, report: message.report });
        return;
      case 'device':
        this.reporter.update(run, { backend: message.backend, device: message.device });
        return;
      case 'protocol-error':
      case 'error':
        run.trainerError = message.message;
        return;
      case 'done':
        this.finish(run, run.brokeProtocol ? 'failed' : message.outcome, run.brokeProtocol ? run.trainerError : undefined, {
          summary: message.summary, progress: message.outcome === 'completed' ? 1 : run.record.progress,
        });
        return;
    }
  }

  private handleExit(run: LiveRun, exit: TrainerExit): void {
    clearTimeout(run.readyTimer);
    clearTimeout(run.stopTimer);
    if (finishedStatuses.includes(run.record.status)) return;
    if (run.record.status === 'stopping' && !run.brokeProtocol) {
      this.finish(run, 'stopped', run.killedAfterTimeout ? this.killedAfterTimeoutNote() : undefined);
      return;
    }
    const reason = run.killedAfterTimeout ? this.killedAfterTimeoutNote()
      : exit.kind === 'crashed' ? exit.reason : 'Trainer process exited before finishing its run';
    this.finish(run, 'failed', run.trainerError ? `${run.trainerError} (${reason})` : reason);
  }

  private killedAfterTimeoutNote(): string {
    return `Trainer did not stop within ${this.options.stopTimeoutMs / 1000} s and was killed; no checkpoint was saved`;
  }

  private finish(run: LiveRun, status: RunStatus, error: string | undefined, patch: Partial<RunRecord> = {}): void {
    clearTimeout(run.stopTimer);
    clearTimeout(run.readyTimer);
    this.reporter.flushRun(run);
    this.reporter.update(run, { ...patch, status, endedAt: Date.now(), ...(error ? { error } : {}) });
    if (error) this.store.appendError(run.record.id, error);
    this.runs.delete(run.record.id);
    run.resolveFinished(run.record);
    this.startWaitingRuns();
  }
}
