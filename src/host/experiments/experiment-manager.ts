// The ExperimentManager owns experiments: it validates a spec (every trial's run configuration,
// before anything starts), stores the experiment and its trials, runs them through an executor
// (this machine's RunManager by default, or a distributed queue), and survives restarts: an
// experiment that was running when its process died is `interrupted` and resumes where it stopped,
// continuing a trial's run from its checkpoint when it has one.
import { randomUUID } from 'node:crypto';
import { experimentSpecSchema, type ExperimentRecord, type ExperimentReport, type ExperimentSpec, type ExperimentSpecInput, type TrialRecord } from '../../shared/experiment.ts';
import { runConfigSchema, type RunConfig } from '../../shared/run.ts';
import { ApiError, describeIssues } from '../../shared/ipc/envelope.ts';
import { planTrials, trialRunConfig } from '../../core/experiments/plan.ts';
import type { RunManager } from '../run-manager.ts';
import type { RunStore } from '../store/run-store.ts';
import { TypedEmitter } from '../typed-emitter.ts';
import { buildExperimentReport } from './report.ts';
import { LocalTrialExecutor } from './local-executor.ts';

export interface ExperimentEvents {
  experimentUpdated: ExperimentRecord;
}

/** Runs an experiment's pending trials; each trial is recorded once through the callbacks. */
export interface TrialExecutor {
  /** `local`, or where a queue is (without credentials). */
  readonly name: string;
  /** Runs the pending trials until none is left or stop() is called. */
  run(experiment: ExperimentRecord, trials: TrialRecord[], progress: TrialProgress): Promise<void>;
  stop(experimentId: string): Promise<void>;
}

/** How an executor reports a trial's life to the manager, which records it. */
export interface TrialProgress {
  config(trial: TrialRecord): RunConfig;
  started(trial: TrialRecord, runId: string, worker: string): void;
  /** The trial's run ended; `completed` records the trial (once). */
  finished(trial: TrialRecord, outcome: { status: 'completed' | 'failed' | 'stopped'; runId: string; worker: string; error?: string }): void;
}

export interface ExperimentManagerOptions {
  store: RunStore;
  runManager: RunManager;
  /** Checks a trial's dataset and trainer exist (the service's start check). */
  checkStartable?: (config: RunConfig) => Promise<void>;
}

export class ExperimentManager extends TypedEmitter<ExperimentEvents> {
  private readonly store: RunStore;
  private readonly runManager: RunManager;
  private readonly checkStartable: (config: RunConfig) => Promise<void>;
  private readonly local: LocalTrialExecutor;
  /** Experiments being executed by this process, with the executor running them. */
  private readonly active = new Map<string, { executor: TrialExecutor; done: Promise<void> }>();
  /** Experiments left running by a process that died; they wait for resume(). */
  readonly interruptedAtStartup: string[];

  constructor(options: ExperimentManagerOptions) {
    super();
    this.store = options.store;
    this.runManager = options.runManager;
    this.checkStartable = options.checkStartable ?? (async () => {});
    this.local = new LocalTrialExecutor(options.runManager);
    this.interruptedAtStartup = this.store.experiments.markRunningInterrupted(this.local.name);
  }

  /** Validates the spec and every trial's configuration; throws a bad-request naming each problem. */
  async validate(input: ExperimentSpecInput): Promise<{ spec: ExperimentSpec; configs: RunConfig[] }> {
    const parsed = experimentSpecSchema.safeParse(input);
    if (!parsed.success) throw new ApiError('bad-request', 'Invalid experiment spec', describeIssues(parsed.error));
    const spec = parsed.data;
    let plans;
    try {
      plans = planTrials(spec);
    } catch (error) {
      throw new ApiError('bad-request', (error as Error).message);
    }
    const issues = new Set<string>();
    const configs = plans.map((plan) => {
      const config = trialRunConfig(spec, plan);
      const checked = runConfigSchema.safeParse(config);
      // the trainer's options are checked with the rest, against its settings declaration
      if (!checked.success) for (const issue of describeIssues(checked.error)) issues.add(`${describePoint(plan.params)}: ${issue}`);
      return config;
    });
    if (issues.size > 0) throw new ApiError('bad-request', 'Invalid experiment settings', [...issues].slice(0, 50));
    await this.checkStartable(configs[0]);
    return { spec, configs };
  }

  /**
   * Creates the experiment and starts running it with `executor` (this machine by default). A
   * factory is called only once the spec is valid, so a bad spec never opens a queue connection.
   */
  async start(input: ExperimentSpecInput, executor: TrialExecutor | (() => Promise<TrialExecutor>) = this.local): Promise<ExperimentRecord> {
    const { spec } = await this.validate(input);
    const chosen = typeof executor === 'function' ? await executor() : executor;
    const id = `exp-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
    const plans = planTrials(spec);
    this.store.transaction(() => this.store.experiments.create(id, spec, chosen.name, plans));
    this.execute(id, chosen);
    return this.record(id);
  }

  /** Continues an interrupted or stopped experiment where it stopped. */
  resume(id: string, executor: TrialExecutor = this.local): ExperimentRecord {
    const record = this.record(id);
    if (this.active.has(id)) throw new ApiError('conflict', `Experiment "${id}" is already running`);
    if (record.status === 'completed') throw new ApiError('conflict', `Experiment "${id}" has completed all its trials`);
    this.store.experiments.setStatus(id, 'running');
    this.execute(id, executor);
    return this.record(id);
  }

  async stop(id: string): Promise<ExperimentRecord> {
    const active = this.active.get(id);
    this.record(id);
    if (active) {
      this.store.experiments.setStatus(id, 'stopped');
      await active.executor.stop(id);
      await active.done;
    }
    return this.record(id);
  }

  /** Deletes a finished experiment and every run its trials recorded. */
  delete(id: string): void {
    this.record(id);
    if (this.active.has(id)) throw new ApiError('conflict', `Experiment "${id}" is running; stop it before deleting it`);
    const runIds = this.store.transaction(() => this.store.experiments.delete(id));
    for (const runId of runIds) if (this.store.getRun(runId)) this.runManager.delete(runId);
  }

  list(): ExperimentRecord[] {
    return this.store.experiments.list();
  }

  record(id: string): ExperimentRecord {
    const record = this.store.experiments.get(id);
    if (!record) throw new ApiError('not-found', `No experiment with id "${id}"`);
    return record;
  }

  report(id: string): ExperimentReport {
    const record = this.record(id);
    return buildExperimentReport(record, this.store.experiments.trials(id), this.store);
  }

  /** Resolves when the experiment is no longer being executed by this process. */
  async whenDone(id: string): Promise<ExperimentRecord> {
    await this.active.get(id)?.done;
    return this.record(id);
  }

  /** Stops every experiment this process runs (shutdown); they resume as `interrupted` later. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.active.entries()].map(async ([id, { executor, done }]) => {
      this.store.experiments.setStatus(id, 'interrupted');
      await executor.stop(id);
      await done;
    }));
  }

  private execute(id: string, executor: TrialExecutor): void {
    const progress = this.progressFor(id);
    const done = (async () => {
      try {
        const pending = this.store.experiments.trials(id).filter((trial) => trial.status !== 'completed');
        await executor.run(this.record(id), pending, progress);
        const record = this.record(id);
        if (record.status === 'running') this.store.experiments.setStatus(id, record.counts.completed === Object.values(record.counts).reduce((a, b) => a + b, 0) ? 'completed' : 'failed');
      } catch (error) {
        this.store.experiments.setStatus(id, 'failed');
        console.error(`[traindeck] experiment ${id} failed:`, error);
      } finally {
        this.active.delete(id);
        this.emit('experimentUpdated', this.record(id));
      }
    })();
    this.active.set(id, { executor, done });
    this.emit('experimentUpdated', this.record(id));
  }

  private progressFor(id: string): TrialProgress {
    const spec = this.record(id).spec; // immutable once stored
    return {
      // In mode both, trials come in (original, optimized) pairs; the pair's compare group is named
      // after its original's index, so the compare view pairs the two runs.
      config: (trial) => trialRunConfig(spec, trial, spec.mode === 'both' ? `${id}-p${trial.index - (trial.mode === 'optimized' ? 1 : 0)}` : undefined),
      started: (trial, runId, worker) => {
        this.store.experiments.updateTrial(trial.id, { status: 'running', runId, worker, attempts: trial.attempts + 1, startedAt: Date.now(), endedAt: null, error: null });
        this.emit('experimentUpdated', this.record(id));
      },
      finished: (trial, outcome) => {
        if (outcome.status === 'completed') this.store.experiments.completeTrialOnce(trial.id, outcome.runId, outcome.worker);
        else this.store.experiments.updateTrial(trial.id, { status: outcome.status === 'stopped' ? 'pending' : 'failed', runId: outcome.runId, worker: outcome.worker, endedAt: Date.now(), error: outcome.error ?? null });
        this.emit('experimentUpdated', this.record(id));
      },
    };
  }
}

function describePoint(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'every trial' : entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ');
}
