// Trials on a BullMQ queue in Redis, run by `traindeck worker` processes anywhere. The coordinator
// (this executor) enqueues one job per pending trial (job id = trial id, so re-enqueueing after a
// restart adds nothing), writes what workers stream back into its own store as a normal run under
// its own run id, and records each trial through the manager's callbacks. A job's result carries the
// whole run, so trials that finished while the coordinator was down are recorded in full on resume,
// and a trial run again after its worker died is recorded once: the run is reset when a later
// attempt starts and rebuilt from the result when the trial ends.
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ExperimentRecord, TrialRecord } from '../../../shared/experiment.ts';
import type { RunRecordInput } from '../../store/run-store.ts';
import type { RunStore } from '../../store/run-store.ts';
import type { DatasetStore } from '../../datasets/store.ts';
import type { TrialExecutor, TrialProgress } from '../experiment-manager.ts';
import { connectionOptions, connectRedis, probeRedis, queueKeys, trialQueueName, type RedisTarget } from './connection.ts';
import { publishDataset } from './dataset-transfer.ts';
import type { EvaluationReport, MetricSample } from '../../../shared/metrics.ts';
import { trialProgressSchema, trialResultSchema, type DatasetRef, type RunState, type TrialJob } from './queue-messages.ts';

export interface QueueExecutorOptions {
  target: RedisTarget;
  store: RunStore;
  datasets: DatasetStore;
  /** How often unfinished trials' jobs are looked at directly (events can be missed over a reconnect). */
  reconcileIntervalMs?: number;
  /** Starts a trial may take when a worker reports an error running it (dead workers count separately, see TrialWorker). */
  attempts?: number;
  /** How long a stop waits for running trials to stop on their workers. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  /** Tells the window about a trial run recorded here from a worker's reports (RunManager.relayRecordedRun). */
  onRunRecorded?: (runId: string, update: { samples?: MetricSample[]; evaluations?: EvaluationReport[] }) => void;
}

export class QueueTrialExecutor implements TrialExecutor {
  readonly name: string;
  private readonly options: QueueExecutorOptions;
  private readonly sessions = new Map<string, ExperimentSession>();

  private constructor(options: QueueExecutorOptions) {
    this.options = options;
    this.name = options.target.address;
  }

  /** An executor for the Redis at `target`, checked to answer (a clear error within seconds otherwise). */
  static async connect(options: QueueExecutorOptions): Promise<QueueTrialExecutor> {
    await probeRedis(options.target);
    return new QueueTrialExecutor(options);
  }

  async run(experiment: ExperimentRecord, trials: TrialRecord[], progress: TrialProgress): Promise<void> {
    const session = new ExperimentSession(this.options, experiment, progress);
    this.sessions.set(experiment.id, session);
    try {
      await session.run(trials);
    } finally {
      this.sessions.delete(experiment.id);
    }
  }

  async stop(experimentId: string): Promise<void> {
    await this.sessions.get(experimentId)?.stop();
  }
}

/** What the coordinator knows of one unfinished trial. */
interface TrialState {
  trialId: string;
  /** The latest start seen (1 for the first); messages of earlier ones are a dead attempt's leftovers. */
  attempt: number;
  /** The coordinator's run for the trial: reset on each new attempt, rebuilt from the result. */
  runId: string;
  /** Handlers of this trial's events, one after another. */
  chain: Promise<void>;
}

const waitingStates = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/** One experiment executed on the queue by this process, from enqueueing to its last trial recorded. */
class ExperimentSession {
  private readonly options: QueueExecutorOptions;
  private readonly experiment: ExperimentRecord;
  private readonly progress: TrialProgress;
  private readonly store: RunStore;
  private readonly log: (line: string) => void;
  private readonly outstanding = new Map<string, TrialState>();
  private redis: Redis | undefined;
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;
  private dataset: DatasetRef | undefined;
  private stopping = false;
  private reconciling = false;
  private settle: () => void = () => {};
  private readonly settled = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(options: QueueExecutorOptions, experiment: ExperimentRecord, progress: TrialProgress) {
    this.options = options;
    this.experiment = experiment;
    this.progress = progress;
    this.store = options.store;
    this.log = rateLimited(options.log ?? ((line) => process.stderr.write(`[traindeck] ${experiment.id} on ${options.target.address}: ${line}\n`)));
  }

  async run(trials: TrialRecord[]): Promise<void> {
    const { target } = this.options;
    this.redis = await connectRedis(target);
    this.queue = new Queue(trialQueueName, { connection: connectionOptions(target) });
    this.events = new QueueEvents(trialQueueName, { connection: connectionOptions(target) });
    this.queue.on('error', (error: Error) => this.log(`Redis: ${error.message} (retrying)`));
    this.events.on('error', (error: Error) => this.log(`Redis: ${error.message} (retrying)`));
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.events.waitUntilReady();
      await this.redis.del(queueKeys.stop(this.experiment.id));
      this.dataset = await publishDataset(this.redis, this.options.datasets, this.experiment.spec.dataset);
      for (const trial of trials) this.outstanding.set(trial.id, { trialId: trial.id, attempt: trial.attempts, runId: trial.runId ?? newRunId(), chain: Promise.resolve() });
      if (this.outstanding.size === 0) return;
      // Listen before looking, so nothing that happens in between is missed.
      this.events.on('progress', ({ jobId, data }) => this.serially(jobId, () => this.onProgress(jobId, data)));
      this.events.on('completed', ({ jobId }) => this.serially(jobId, () => this.check(jobId)));
      this.events.on('failed', ({ jobId }) => this.serially(jobId, () => this.check(jobId)));
      // One by one, so the queue holds the trials in their planned order.
      for (const id of [...this.outstanding.keys()]) await this.serially(id, () => this.check(id));
      timer = setInterval(() => void this.reconcile(), this.options.reconcileIntervalMs ?? 3_000);
      await this.settled;
    } finally {
      clearInterval(timer);
      await Promise.allSettled([this.events.close(), this.queue.close(), this.redis.quit()]);
    }
  }

  /**
   * Stop (the user's): no further trial starts, running ones stop on their workers (and run again
   * from the start on resume). Interrupted (this process shutting down): the trials carry on; resume
   * records those that finished meanwhile and waits for the rest.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.options.store.experiments.get(this.experiment.id)?.status === 'interrupted' || !this.queue || !this.redis) return this.detach();
    await this.redis.set(queueKeys.stop(this.experiment.id), '1');
    for (const state of [...this.outstanding.values()]) {
      await this.serially(state.trialId, async () => {
        const job = await this.queue!.getJob(state.trialId);
        if (job && !waitingStates.has(await job.getState())) return; // running: its worker stops it and reports
        await job?.remove().catch(() => {}); // taken by a worker meanwhile: it stops it and reports
        const trial = this.store.experiments.trial(state.trialId);
        if (trial?.status === 'running') this.progress.finished(trial, { status: 'stopped', runId: state.runId, worker: trial.worker ?? 'queue' });
        this.forget(state.trialId);
      });
    }
    const timeout = setTimeout(() => this.detach(), this.options.stopTimeoutMs ?? 60_000);
    await this.settled;
    clearTimeout(timeout);
  }

  private detach(): void {
    this.outstanding.clear();
    this.settle();
  }

  private forget(trialId: string): void {
    this.outstanding.delete(trialId);
    if (this.outstanding.size === 0) this.settle();
  }

  private serially(trialId: string, handler: () => void | Promise<void>): Promise<void> {
    const state = this.outstanding.get(trialId);
    if (!state) return Promise.resolve();
    state.chain = state.chain.then(async () => {
      if (!this.outstanding.has(trialId)) return;
      try {
        await handler();
      } catch (error) {
        this.log(`trial ${trialId}: ${(error as Error).message}`);
      }
    });
    return state.chain;
  }

  /** Looks at every unfinished trial's job: finished ones are recorded, missing ones enqueued again. */
  private async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      await Promise.all([...this.outstanding.keys()].map((id) => this.serially(id, () => this.check(id))));
    } finally {
      this.reconciling = false;
    }
  }

  /** Enqueues a trial without a job (new, or lost with a Redis that restarted empty) and records finished ones. */
  private async check(trialId: string): Promise<void> {
    const state = this.outstanding.get(trialId);
    if (!state) return;
    const job = await this.queue!.getJob(trialId);
    if (!job) {
      if (!this.stopping) await this.enqueue(state);
      return;
    }
    const status = await job.getState();
    if (status === 'completed') await this.record(state, job);
    else if (status === 'failed') await this.recordFailure(state, job.failedReason || 'the trial failed on its worker');
  }

  private async enqueue(state: TrialState): Promise<void> {
    const trial = this.requireTrial(state.trialId);
    // Republish in case Redis lost the dataset too (a restart without persistence); a no-op otherwise.
    this.dataset = await publishDataset(this.redis!, this.options.datasets, this.experiment.spec.dataset);
    const data: TrialJob = { experimentId: this.experiment.id, trialId: trial.id, config: this.progress.config(trial), dataset: this.dataset };
    await this.queue!.add(this.experiment.id, data, { jobId: trial.id, attempts: this.options.attempts ?? 3, backoff: { type: 'fixed', delay: 1_000 }, removeOnComplete: false, removeOnFail: false });
  }

  private onProgress(trialId: string, data: unknown): void {
    const state = this.outstanding.get(trialId);
    const parsed = trialProgressSchema.safeParse(data);
    if (!state || !parsed.success) return;
    const message = parsed.data;
    if (message.attempt < state.attempt) return; // a dead attempt's leftovers
    if (message.attempt > state.attempt || !this.store.getRun(state.runId)) this.begin(state, message.attempt, message.worker);
    if (message.type !== 'update') return;
    if (message.run) this.store.updateRun(state.runId, runPatch(message.run));
    if (message.samples.length > 0) this.store.appendMetrics(state.runId, message.samples);
    for (const report of message.evaluations) this.store.appendEvaluation(state.runId, report);
    this.options.onRunRecorded?.(state.runId, { samples: message.samples, evaluations: message.evaluations });
  }

  /** A new start of the trial: the run begins again, clean, and the trial counts the attempt. */
  private begin(state: TrialState, attempt: number, worker: string): void {
    state.attempt = attempt;
    const trial = this.requireTrial(state.trialId);
    this.store.transaction(() => {
      if (this.store.getRun(state.runId)) this.store.deleteRun(state.runId);
      this.store.createRun({ id: state.runId, config: this.progress.config(trial), status: 'starting', createdAt: Date.now(), progress: 0 });
    });
    this.progress.started({ ...trial, attempts: attempt - 1 }, state.runId, worker);
  }

  /** A finished job: the trial's run rebuilt from the result, the trial recorded, the job removed. */
  private async record(state: TrialState, job: Job): Promise<void> {
    const parsed = trialResultSchema.safeParse(job.returnvalue);
    if (!parsed.success) return this.recordFailure(state, `the worker returned a malformed result (${parsed.error.issues[0]?.message ?? 'unknown'})`, job);
    const result = parsed.data;
    if (result.status === 'stopped' && !this.stopping) {
      // Stopped by an earlier stop of this experiment: the resumed experiment runs it again.
      await job.remove();
      return this.enqueue(state);
    }
    const trial = this.requireTrial(state.trialId);
    if (trial.status !== 'completed') {
      if (result.attempt !== state.attempt || !this.store.getRun(state.runId)) this.begin(state, result.attempt, result.worker);
      if (result.status === 'stopped') {
        this.store.deleteRun(state.runId); // nothing to continue from here: the checkpoint is on the worker
      } else {
        this.store.transaction(() => {
          this.store.deleteRun(state.runId);
          const status = result.status === 'completed' ? 'completed' : 'failed';
          this.store.createRun(runRecord(state.runId, this.progress.config(trial), result.run, status, result.summary, result.error));
          if (result.samples.length > 0) this.store.appendMetrics(state.runId, result.samples);
          for (const report of result.evaluations) this.store.appendEvaluation(state.runId, report);
        });
      }
      this.options.onRunRecorded?.(state.runId, {});
      this.progress.finished(this.requireTrial(state.trialId), { status: result.status, runId: state.runId, worker: result.worker, ...(result.error ? { error: result.error } : {}) });
    }
    // A stopped trial keeps its start count for the next attempt; a recorded one needs it no more.
    await this.cleanUp(state, job, result.status !== 'stopped');
  }

  /** The trial failed for good on the queue (errors on every attempt, or workers dying under it too often). */
  private recordFailure(state: TrialState, reason: string, job?: Job): Promise<void> {
    const trial = this.requireTrial(state.trialId);
    const error = `On the queue: ${reason}`;
    if (this.store.getRun(state.runId)) this.store.updateRun(state.runId, { status: 'failed', error, endedAt: Date.now() });
    else this.store.createRun({ id: state.runId, config: this.progress.config(trial), status: 'failed', error, createdAt: Date.now(), endedAt: Date.now(), progress: 0 });
    this.progress.finished(trial, { status: 'failed', runId: state.runId, worker: trial.worker ?? 'queue', error });
    return this.cleanUp(state, job, true);
  }

  private async cleanUp(state: TrialState, job: Job | undefined, dropAttempts: boolean): Promise<void> {
    try {
      await (job ?? (await this.queue!.getJob(state.trialId)))?.remove().catch((error: Error) => this.log(`could not remove job ${state.trialId}: ${error.message}`));
      if (dropAttempts) await this.redis!.del(queueKeys.attempts(state.trialId));
    } finally {
      this.forget(state.trialId);
    }
  }

  private requireTrial(trialId: string): TrialRecord {
    const trial = this.store.experiments.trial(trialId);
    if (!trial) throw new Error(`trial ${trialId} is no longer in the store (experiment deleted?)`);
    return trial;
  }
}

function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

function runPatch(state: RunState) {
  return { status: state.status, progress: state.progress, progressMessage: state.progressMessage, startedAt: state.startedAt, endedAt: state.endedAt, backend: state.backend, device: state.device };
}

function runRecord(id: string, config: RunRecordInput['config'], state: RunState, status: 'completed' | 'failed', summary: RunRecordInput['summary'], error: string | undefined): RunRecordInput {
  const optional = <K extends string, V>(key: K, value: V | null | undefined) => (value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    id,
    config,
    status,
    createdAt: state.startedAt ?? Date.now(),
    progress: status === 'completed' ? 1 : state.progress,
    ...optional('startedAt', state.startedAt),
    ...optional('endedAt', state.endedAt ?? Date.now()),
    ...optional('backend', state.backend),
    ...optional('device', state.device),
    ...optional('summary', summary),
    ...optional('error', error),
  };
}

/** At most one line per 10 s for repeated trouble (a Redis outage would otherwise flood the terminal). */
function rateLimited(log: (line: string) => void): (line: string) => void {
  const last = new Map<string, number>();
  return (line) => {
    const key = line.slice(0, 60);
    const now = Date.now();
    if (now - (last.get(key) ?? 0) < 10_000) return;
    last.set(key, now);
    log(line);
  };
}
