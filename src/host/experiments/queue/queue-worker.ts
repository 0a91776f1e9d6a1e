// A worker of the trial queue: takes trials from BullMQ, runs each through this machine's RunManager
// (its own trainer processes, run store and datasets), streams the run's progress, metrics and
// evaluations to the coordinator as job progress, and returns the whole run as the job's result.
// A worker that dies mid-trial stops renewing the job's lock; another worker's stalled check puts the
// job back and runs the trial again (BullMQ bounds how often). A worker that is shut down stops its
// runs and hands their jobs back to the queue without spending an attempt.
import { hostname } from 'node:os';
import { Worker, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MetricSample, EvaluationReport } from '../../../shared/metrics.ts';
import type { RunRecord } from '../../../shared/run.ts';
import type { RunManager } from '../../run-manager.ts';
import type { RunStore } from '../../store/run-store.ts';
import type { DatasetStore } from '../../datasets/store.ts';
import { connectionOptions, connectRedis, queueKeys, trialQueueName, type RedisTarget } from './connection.ts';
import { DatasetResolver } from './dataset-transfer.ts';
import { trialJobSchema, type RunState, type TrialProgressMessage, type TrialResult } from './queue-messages.ts';

export interface TrialWorkerOptions {
  target: RedisTarget;
  runManager: RunManager;
  store: RunStore;
  datasets: DatasetStore;
  /** Trials at once (the RunManager's run limit should match). */
  concurrency: number;
  /** Shown in trials' records (default host-pid). */
  name?: string;
  /** How long a job's lock lives without renewal: a dead worker's trial runs again after about this long (default 30 s). */
  lockDurationMs?: number;
  log?: (line: string) => void;
}

/** Points per metric series a result carries (the store downsamples longer series the same way). */
const resultPointsPerSeries = 1000;
/** How often a running trial's progress goes to the coordinator, and the stop flag is checked. */
const reportIntervalMs = 500;

export class TrialWorker {
  readonly name: string;
  private readonly options: TrialWorkerOptions;
  private readonly redis: Redis;
  private readonly datasets: DatasetResolver;
  private readonly log: (line: string) => void;
  private readonly worker: Worker;
  /** Local run ids of the trials running now, by job id. */
  private readonly live = new Map<string, string>();
  private closing = false;

  private constructor(options: TrialWorkerOptions, redis: Redis) {
    this.options = options;
    this.redis = redis;
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    this.log = options.log ?? (() => {});
    this.datasets = new DatasetResolver(redis, options.datasets, this.log);
    const lockDuration = options.lockDurationMs ?? 30_000;
    this.worker = new Worker(trialQueueName, (job, token) => this.process(job, token), {
      connection: connectionOptions(options.target),
      concurrency: options.concurrency,
      lockDuration,
      stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
      // Three starts at most: the first and two after a worker died under the trial.
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (error) => this.log(`queue error: ${error.message}`));
  }

  /** Connects (failing within seconds with a clear error) and starts taking trials. */
  static async start(options: TrialWorkerOptions): Promise<TrialWorker> {
    const redis = await connectRedis(options.target);
    const worker = new TrialWorker(options, redis);
    void worker.worker.run().catch((error: Error) => worker.log(`the worker stopped taking trials: ${error.message}`));
    await worker.worker.waitUntilReady();
    return worker;
  }

  /** Stops taking trials, stops the running ones and returns their jobs to the queue for others. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = this.worker.close();
    await Promise.all([...this.live.values()].map((runId) => this.options.runManager.stop(runId)));
    await closed;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async process(job: Job, token: string | undefined): Promise<TrialResult> {
    const data = trialJobSchema.parse(job.data);
    const { runManager, store } = this.options;
    const dataset = await this.datasets.resolve(data.dataset);
    const attempt = await this.redis.incr(queueKeys.attempts(data.trialId));
    const record = runManager.start({ ...data.config, dataset });
    this.live.set(job.id!, record.id);
    this.log(`trial ${data.trialId} attempt ${attempt}: started (local run ${record.id}${dataset === data.config.dataset ? '' : `, dataset ${dataset}`})`);
    const reporter = new ProgressReporter(job, attempt, this.name, this.log);
    await reporter.send({ type: 'started', attempt, worker: this.name });
    const unsubscribe = [
      runManager.on('runUpdated', (update) => update.id === record.id && reporter.run(update)),
      runManager.on('runMetrics', ({ runId, samples }) => runId === record.id && reporter.samples(samples)),
      runManager.on('runEvaluation', ({ runId, report }) => runId === record.id && reporter.evaluation(report)),
    ];
    const timer = setInterval(() => void this.tick(data.experimentId, record.id, reporter), reportIntervalMs);
    let finished: RunRecord;
    try {
      finished = await runManager.whenFinished(record.id);
    } finally {
      clearInterval(timer);
      unsubscribe.forEach((off) => off());
      this.live.delete(job.id!);
    }
    await reporter.flush();
    if (this.closing && finished.status !== 'completed') {
      // Shut down mid-trial: the trial goes back to the queue for another worker, no attempt spent.
      runManager.delete(record.id);
      this.log(`trial ${data.trialId}: handed back to the queue (this worker is shutting down)`);
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const result: TrialResult = {
      attempt,
      worker: this.name,
      status: finished.status === 'completed' ? 'completed' : finished.status === 'failed' ? 'failed' : 'stopped',
      ...(finished.error ? { error: finished.error } : {}),
      run: runState(finished),
      ...(finished.summary ? { summary: finished.summary } : {}),
      samples: samplesOf(store.getMetrics(record.id, { maxPoints: resultPointsPerSeries })),
      evaluations: store.getEvaluations(record.id),
    };
    // The coordinator keeps the run; this machine's copy and checkpoints would only pile up.
    runManager.delete(record.id);
    this.log(`trial ${data.trialId} attempt ${attempt}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    return result;
  }

  /** Periodic: sends what the run reported since the last tick, and stops the run when its experiment was stopped. */
  private async tick(experimentId: string, runId: string, reporter: ProgressReporter): Promise<void> {
    try {
      await reporter.flush();
      if ((await this.redis.exists(queueKeys.stop(experimentId))) === 1) await this.options.runManager.stop(runId);
    } catch (error) {
      this.log(`could not report trial progress: ${(error as Error).message}`);
    }
  }
}

/** Batches a run's updates into job progress messages, sent one after another in order. */
class ProgressReporter {
  private readonly job: Job;
  private readonly attempt: number;
  private readonly worker: string;
  private pendingRun: RunState | undefined;
  private pendingSamples: MetricSample[] = [];
  private pendingEvaluations: EvaluationReport[] = [];
  private readonly log: (line: string) => void;
  private chain: Promise<void> = Promise.resolve();

  constructor(job: Job, attempt: number, worker: string, log: (line: string) => void) {
    this.job = job;
    this.attempt = attempt;
    this.worker = worker;
    this.log = log;
  }

  run(record: RunRecord): void {
    this.pendingRun = runState(record);
  }

  samples(samples: MetricSample[]): void {
    this.pendingSamples.push(...samples);
  }

  evaluation(report: EvaluationReport): void {
    this.pendingEvaluations.push(report);
  }

  /** Sends what is pending (if anything), after everything sent before. */
  flush(): Promise<void> {
    if (!this.pendingRun && this.pendingSamples.length === 0 && this.pendingEvaluations.length === 0) return this.chain;
    const message: TrialProgressMessage = { type: 'update', attempt: this.attempt, worker: this.worker, ...(this.pendingRun ? { run: this.pendingRun } : {}), samples: this.pendingSamples, evaluations: this.pendingEvaluations };
    this.pendingRun = undefined;
    this.pendingSamples = [];
    this.pendingEvaluations = [];
    return this.send(message);
  }

  send(message: TrialProgressMessage): Promise<void> {
    // A lost update costs the coordinator's live view only: the result carries the whole run.
    this.chain = this.chain.then(() => this.job.updateProgress(message)).catch((error: Error) => this.log(`could not send trial progress: ${error.message}`));
    return this.chain;
  }
}

function runState(record: RunRecord): RunState {
  return {
    status: record.status,
    progress: record.progress,
    progressMessage: record.progressMessage ?? null,
    startedAt: record.startedAt ?? null,
    endedAt: record.endedAt ?? null,
    backend: record.backend ?? null,
    device: record.device ?? null,
  };
}

/** Stored series back to samples, in time order per series. */
function samplesOf(series: ReturnType<RunStore['getMetrics']>): MetricSample[] {
  return Object.entries(series).flatMap(([name, points]) => points.value.map((value, index) => ({ name, value, elapsedMs: points.elapsedMs[index], step: points.step[index] })));
}
