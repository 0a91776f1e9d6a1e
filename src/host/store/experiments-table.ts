// Experiments and their trials in the run store. A trial's result is recorded once: the update that
// completes it only applies to a trial not yet completed, so a trial reported twice (a distributed
// worker thought dead, then finishing) is kept as first recorded.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { experimentSpecSchema, trialStatuses, type ExperimentRecord, type ExperimentSpec, type ExperimentStatus, type TrialRecord, type TrialStatus } from '../../shared/experiment.ts';
import type { TrainingMode } from '../../shared/run.ts';

type Row = Record<string, unknown>;

export type TrialPatch = Partial<Pick<TrialRecord, 'status' | 'attempts' | 'worker' | 'runId' | 'error' | 'startedAt' | 'endedAt'>>;

const trialColumns: Record<keyof TrialPatch, string> = {
  status: 'status',
  attempts: 'attempts',
  worker: 'worker',
  runId: 'run_id',
  error: 'error',
  startedAt: 'started_at',
  endedAt: 'ended_at',
};

export class ExperimentsTable {
  private readonly db: DatabaseSync;
  private readonly now: () => number;
  private readonly insertExperiment: StatementSync;
  private readonly insertTrial: StatementSync;
  private readonly selectExperiment: StatementSync;
  private readonly selectTrials: StatementSync;
  private readonly countTrials: StatementSync;
  private readonly completeOnce: StatementSync;

  constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.now = now;
    this.insertExperiment = db.prepare('INSERT INTO experiments (id, name, spec_json, status, executor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertTrial = db.prepare('INSERT INTO trials (id, experiment_id, idx, seed, mode, params_json, status) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectExperiment = db.prepare('SELECT * FROM experiments WHERE id = ?');
    this.selectTrials = db.prepare('SELECT * FROM trials WHERE experiment_id = ? ORDER BY idx');
    this.countTrials = db.prepare('SELECT status, COUNT(*) AS count FROM trials WHERE experiment_id = ? GROUP BY status');
    this.completeOnce = db.prepare(`UPDATE trials SET status = 'completed', run_id = ?, worker = ?, ended_at = ?, error = NULL WHERE id = ? AND status != 'completed'`);
  }

  /** Call inside a transaction. */
  create(id: string, spec: ExperimentSpec, executor: string, trials: Array<{ index: number; seed: number; mode: TrainingMode; params: Record<string, unknown> }>): void {
    const at = this.now();
    this.insertExperiment.run(id, spec.name, JSON.stringify(spec), 'running', executor, at, at);
    for (const trial of trials) this.insertTrial.run(trialId(id, trial.index), id, trial.index, trial.seed, trial.mode, JSON.stringify(trial.params), 'pending');
  }

  get(id: string): ExperimentRecord | undefined {
    const row = this.selectExperiment.get(id) as Row | undefined;
    return row ? this.toRecord(row) : undefined;
  }

  list(): ExperimentRecord[] {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY created_at DESC').all() as Row[]).map((row) => this.toRecord(row));
  }

  trials(experimentId: string): TrialRecord[] {
    return (this.selectTrials.all(experimentId) as Row[]).map(toTrial);
  }

  trial(id: string): TrialRecord | undefined {
    const row = this.db.prepare('SELECT * FROM trials WHERE id = ?').get(id) as Row | undefined;
    return row ? toTrial(row) : undefined;
  }

  setStatus(id: string, status: ExperimentStatus): void {
    this.db.prepare('UPDATE experiments SET status = ?, updated_at = ? WHERE id = ?').run(status, this.now(), id);
  }

  updateTrial(id: string, patch: TrialPatch): void {
    const keys = Object.keys(patch) as Array<keyof TrialPatch>;
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE trials SET ${keys.map((key) => `${trialColumns[key]} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((key) => patch[key] ?? null), id);
  }

  /** Marks a trial completed with its run, unless it already was; true when this call recorded it. */
  completeTrialOnce(id: string, runId: string, worker: string): boolean {
    return Number(this.completeOnce.run(runId, worker, this.now(), id).changes) === 1;
  }

  /** Deletes the experiment and its trials; returns the run ids its trials recorded. */
  delete(id: string): string[] {
    const runIds = this.trials(id).flatMap((trial) => (trial.runId ? [trial.runId] : []));
    this.db.prepare('DELETE FROM experiments WHERE id = ?').run(id);
    return runIds;
  }

  /** Experiments that were running when the process that ran them died, now `interrupted`. */
  markRunningInterrupted(executor: string): string[] {
    const ids = (this.db.prepare(`SELECT id FROM experiments WHERE status = 'running' AND executor = ?`).all(executor) as Row[]).map((row) => String(row.id));
    for (const id of ids) {
      this.setStatus(id, 'interrupted');
      this.db.prepare(`UPDATE trials SET status = 'pending' WHERE experiment_id = ? AND status = 'running'`).run(id);
    }
    return ids;
  }

  private toRecord(row: Row): ExperimentRecord {
    const counts = Object.fromEntries(trialStatuses.map((status) => [status, 0])) as Record<TrialStatus, number>;
    for (const entry of this.countTrials.all(String(row.id)) as Row[]) counts[String(entry.status) as TrialStatus] = Number(entry.count);
    return {
      id: String(row.id),
      spec: experimentSpecSchema.parse(JSON.parse(String(row.spec_json))),
      status: String(row.status) as ExperimentStatus,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      executor: String(row.executor),
      counts,
    };
  }
}

export function trialId(experimentId: string, index: number): string {
  return `${experimentId}-t${index}`;
}

function toTrial(row: Row): TrialRecord {
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  const nullableString = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    experimentId: String(row.experiment_id),
    index: Number(row.idx),
    seed: Number(row.seed),
    mode: String(row.mode) as TrainingMode,
    params: JSON.parse(String(row.params_json)),
    status: String(row.status) as TrialStatus,
    attempts: Number(row.attempts),
    worker: nullableString(row.worker),
    runId: nullableString(row.run_id),
    error: nullableString(row.error),
    startedAt: nullableNumber(row.started_at),
    endedAt: nullableNumber(row.ended_at),
  };
}
