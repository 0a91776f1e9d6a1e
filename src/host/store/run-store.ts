// The run store: every run's record, metric series, evaluation reports and error history in
// SQLite at `<dataDir>/runs.sqlite` (node:sqlite, WAL), and its checkpoints as files in
// `<dataDir>/checkpoints/<runId>/`. Synchronous: one process (Electron main or the serve-mode
// host) owns it. See docs/run-store.md for what is kept and why this SQLite.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { evaluationReportSchema, metricSampleSchema, type EvaluationReport, type MetricSample } from '../../shared/metrics.ts';
import { runRecordSchema, type RunRecord, type RunStatus } from '../../shared/run.ts';

/** A run record as callers build it: schema defaults (progress, dataset, options) may be left out. */
export type RunRecordInput = z.input<typeof runRecordSchema>;
import { openRunDatabase, type OpenReport } from './database.ts';
import { checkpointDirectoryOf, dataLayout } from '../data-layout.ts';
import { RunStoreError } from './errors.ts';
import { EvaluationsTable } from './evaluations-table.ts';
import { ExperimentsTable } from './experiments-table.ts';
import { MetricsTable } from './metrics-table.ts';
import { insertRunSql, patchAssignments, patchValue, recordToRow, rowToRecord, type Row } from './run-rows.ts';
import { runListFilterSchema, runPatchSchema, type EvaluationQuery, type MetricQuery, type RunErrorEntry, type RunListFilter, type RunPatch, type StoredMetricSeries } from './types.ts';

export interface RunStoreOptions {
  /** Stored points per metric series before it is compacted (to at most half); default 8192, at least 16. */
  maxPointsPerSeries?: number;
  /** Evaluation reports kept per run and split before older ones are thinned; default 256, at least 4. */
  maxEvaluationsPerSplit?: number;
  /** On a damaged database: back it up and start empty instead of throwing. Default false. */
  recoverCorrupt?: boolean;
  /** Epoch-ms clock; tests inject one. */
  now?: () => number;
}

/** Statuses of a run that was live; at startup they can only mean the app died under it. */
const liveStatuses: readonly RunStatus[] = ['queued', 'starting', 'running', 'stopping'];

/** Run ids name checkpoint folders, so they must be plain file names. */
const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Files in a checkpoint folder that are not finished checkpoints (writers write to a temporary name, then rename). */
const unfinishedCheckpoint = /(^\.)|(\.(tmp|partial)$)/;

export class RunStore {
  readonly dataDir: string;
  readonly databasePath: string;
  /** What opening did: created, migrated (with the backup path), or recovered from a damaged file. */
  readonly openReport: OpenReport;
  private readonly db: DatabaseSync;
  private readonly now: () => number;
  private readonly metrics: MetricsTable;
  private readonly evaluations: EvaluationsTable;
  /** Experiments and their trials (docs/experiments.md). */
  readonly experiments: ExperimentsTable;
  private readonly selectRun: StatementSync;
  private readonly insertRun: StatementSync;
  private readonly touchRun: StatementSync;
  private readonly insertError: StatementSync;
  private readonly claimRun: StatementSync;
  private closed = false;
  private transactionDepth = 0;

  private constructor(dataDir: string, databasePath: string, db: DatabaseSync, openReport: OpenReport, options: RunStoreOptions) {
    const { maxPointsPerSeries, maxEvaluationsPerSplit } = checkOptions(options);
    this.dataDir = dataDir;
    this.databasePath = databasePath;
    this.db = db;
    this.openReport = openReport;
    this.now = options.now ?? Date.now;
    this.metrics = new MetricsTable(db, maxPointsPerSeries);
    this.evaluations = new EvaluationsTable(db, maxEvaluationsPerSplit);
    this.experiments = new ExperimentsTable(db, this.now);
    this.selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.insertRun = db.prepare(insertRunSql);
    this.touchRun = db.prepare('UPDATE runs SET updated_at = ? WHERE id = ?');
    this.insertError = db.prepare('INSERT INTO run_errors (run_id, at, message) VALUES (?, ?, ?)');
    this.claimRun = db.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?');
  }

  /**
   * Opens (creating, migrating or, with `recoverCorrupt`, recovering) the store in `dataDir`.
   * Throws RunStoreError `corrupt` (after copying the file aside), `newer-version`,
   * `not-a-run-store`, `migration-failed` or `open-failed`.
   */
  static open(dataDir: string, options: RunStoreOptions = {}): RunStore {
    checkOptions(options);
    const layout = dataLayout(dataDir);
    mkdirSync(layout.checkpoints, { recursive: true });
    const databasePath = layout.database;
    const { db, report } = openRunDatabase(databasePath, { recoverCorrupt: options.recoverCorrupt, now: options.now });
    return new RunStore(dataDir, databasePath, db, report, options);
  }

  /** Stores a new run (defaults such as `progress` filled in by the schema) and returns it as stored. */
  createRun(record: RunRecordInput): RunRecord {
    const parsed = parseInput(runRecordSchema, record, 'run record');
    checkRunId(parsed.id);
    if (this.selectRun.get(parsed.id)) throw new RunStoreError('duplicate-run', `A run with id ${parsed.id} already exists`);
    this.transaction(() => {
      this.insertRun.run(...recordToRow(parsed, this.now()));
      if (liveStatuses.includes(parsed.status)) this.claimRun.run(process.pid, parsed.id);
      if (parsed.error !== undefined) this.insertError.run(parsed.id, this.now(), parsed.error);
    });
    return this.requireRun(parsed.id);
  }

  /** Applies `patch` (null clears a field; a new `error` is also added to the error history) and returns the updated record. */
  updateRun(id: string, patch: RunPatch): RunRecord {
    const parsed = parseInput(runPatchSchema, patch, 'run patch');
    this.requireRun(id);
    // A field given as undefined is left alone, like one left out; only null clears.
    const fields = (Object.keys(parsed) as (keyof typeof patchAssignments)[]).filter((field) => parsed[field] !== undefined);
    this.transaction(() => {
      const assignments = fields.map((field): string => patchAssignments[field]).concat('updated_at = ?');
      const values = fields.map((field) => patchValue(field, parsed[field]));
      this.db.prepare(`UPDATE runs SET ${assignments.join(', ')} WHERE id = ?`).run(...values, this.now(), id);
      if (parsed.status !== undefined && liveStatuses.includes(parsed.status)) this.claimRun.run(process.pid, id);
      if (typeof parsed.error === 'string') this.insertError.run(id, this.now(), parsed.error);
    });
    return this.requireRun(id);
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.selectRun.get(id) as Row | undefined;
    return row ? rowToRecord(row) : undefined;
  }

  /** Runs matching every given filter, newest first. */
  listRuns(filter: RunListFilter = {}): RunRecord[] {
    const parsed = parseInput(runListFilterSchema, filter, 'run filter');
    const conditions: string[] = [];
    const values: string[] = [];
    const equal = { trainer: parsed.trainer, mode: parsed.mode, compare_group: parsed.compareGroup };
    for (const [column, value] of Object.entries(equal)) {
      if (value === undefined) continue;
      conditions.push(`${column} = ?`);
      values.push(value);
    }
    if (parsed.status !== undefined) {
      const statuses = Array.isArray(parsed.status) ? parsed.status : [parsed.status];
      if (statuses.length === 0) return [];
      conditions.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      values.push(...statuses);
    }
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    return this.db
      .prepare(`SELECT * FROM runs${where} ORDER BY created_at DESC, rowid DESC`)
      .all(...values)
      .map((row) => rowToRecord(row as Row));
  }

  /** Deletes the run, its series, evaluations, errors and checkpoint files. Returns whether it existed. */
  deleteRun(id: string): boolean {
    checkRunId(id);
    const deleted = this.transaction(() => {
      // Children first, explicitly, so this does not depend on the foreign_keys pragma.
      for (const table of ['metric_points', 'metric_series', 'evaluations', 'run_errors']) this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(id);
      return Number(this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes) > 0;
    });
    rmSync(checkpointDirectoryOf(this.dataDir, id), { recursive: true, force: true });
    return deleted;
  }

  appendMetrics(id: string, samples: readonly MetricSample[]): void {
    const parsed = parseInput(z.array(metricSampleSchema), samples, 'metric samples');
    if (parsed.length === 0) return;
    this.requireRun(id);
    this.transaction(() => {
      this.metrics.append(id, parsed);
      this.touchRun.run(this.now(), id);
    });
  }

  /** Stored series by name; see MetricQuery for filtering and downsampling. */
  getMetrics(id: string, query: MetricQuery = {}): Record<string, StoredMetricSeries> {
    this.requireRun(id);
    return this.metrics.get(id, query);
  }

  appendEvaluation(id: string, report: EvaluationReport): void {
    const parsed = parseInput(evaluationReportSchema, report, 'evaluation report');
    this.requireRun(id);
    this.transaction(() => {
      this.evaluations.append(id, parsed);
      this.touchRun.run(this.now(), id);
    });
  }

  getEvaluations(id: string, query: EvaluationQuery = {}): EvaluationReport[] {
    this.requireRun(id);
    return this.evaluations.get(id, query);
  }

  /** Adds an error to the run's history without changing its status or `error` field (e.g. a recovered worker error). */
  appendError(id: string, message: string): void {
    this.requireRun(id);
    this.transaction(() => {
      this.insertError.run(id, this.now(), message);
      this.touchRun.run(this.now(), id);
    });
  }

  /** Every error recorded for the run, oldest first. */
  getErrors(id: string): RunErrorEntry[] {
    this.requireRun(id);
    return this.db
      .prepare('SELECT at, message FROM run_errors WHERE run_id = ? ORDER BY at, id')
      .all(id)
      .map((row) => ({ at: Number(row.at), message: String(row.message) }));
  }

  /** The run's checkpoint folder, created if missing. Trainers write a checkpoint as `<name>.tmp` and rename it when complete. */
  checkpointDirectory(id: string): string {
    checkRunId(id);
    const directory = checkpointDirectoryOf(this.dataDir, id);
    mkdirSync(directory, { recursive: true });
    return directory;
  }

  /** Path of the newest finished checkpoint file of the run (by modification time, then name), or undefined. */
  latestCheckpoint(id: string): string | undefined {
    checkRunId(id);
    const directory = checkpointDirectoryOf(this.dataDir, id);
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let latest: { path: string; modifiedMs: number; name: string } | undefined;
    for (const name of names) {
      if (unfinishedCheckpoint.test(name)) continue;
      const path = join(directory, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats?.isFile()) continue;
      if (!latest || stats.mtimeMs > latest.modifiedMs || (stats.mtimeMs === latest.modifiedMs && name > latest.name)) latest = { path, modifiedMs: stats.mtimeMs, name };
    }
    return latest?.path;
  }

  /**
   * Called once at startup: a run still marked queued, starting, running or stopping was live when
   * its host died, unless that host is another process still running (serve while a CLI trains on
   * the same data directory). The dead ones become `interrupted`, end at the last time the store
   * heard from them, and say whether they can be resumed. Returns the updated records.
   */
  markLiveRunsInterrupted(): RunRecord[] {
    const placeholders = liveStatuses.map(() => '?').join(', ');
    const ids = this.db
      .prepare(`SELECT id, owner_pid FROM runs WHERE status IN (${placeholders})`)
      .all(...liveStatuses)
      .filter((row) => !ownedByAnotherLiveProcess(row.owner_pid === null ? undefined : Number(row.owner_pid)))
      .map((row) => String(row.id));
    this.transaction(() => {
      for (const id of ids) {
        const checkpoint = this.latestCheckpoint(id);
        const message = checkpoint
          ? `Interrupted: TrainDeck stopped while this run was live. It can be resumed from its last checkpoint (${checkpoint}).`
          : 'Interrupted: TrainDeck stopped while this run was live, before it saved a checkpoint, so it cannot be resumed.';
        this.db
          .prepare("UPDATE runs SET status = 'interrupted', ended_at = COALESCE(ended_at, updated_at, started_at, created_at), progress_message = ? WHERE id = ?")
          .run(message, id);
      }
    });
    return ids.map((id) => this.requireRun(id));
  }

  /** Closes the database (checkpointing the WAL). Further calls fail; closing twice is allowed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private requireRun(id: string): RunRecord {
    const run = this.getRun(id);
    if (!run) throw new RunStoreError('unknown-run', `No run with id ${id} in ${this.databasePath}`);
    return run;
  }

  /** Runs `body` in one write transaction (nested calls join the outer one). */
  transaction<T>(body: () => T): T {
    if (this.transactionDepth > 0) return body();
    this.db.exec('BEGIN IMMEDIATE');
    this.transactionDepth++;
    try {
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.transactionDepth--;
    }
  }
}

function checkOptions(options: RunStoreOptions): { maxPointsPerSeries: number; maxEvaluationsPerSplit: number } {
  const maxPointsPerSeries = options.maxPointsPerSeries ?? 8192;
  const maxEvaluationsPerSplit = options.maxEvaluationsPerSplit ?? 256;
  if (!Number.isInteger(maxPointsPerSeries) || maxPointsPerSeries < 16) throw new RangeError(`RunStore maxPointsPerSeries must be an integer of at least 16, got ${maxPointsPerSeries}`);
  if (!Number.isInteger(maxEvaluationsPerSplit) || maxEvaluationsPerSplit < 4) throw new RangeError(`RunStore maxEvaluationsPerSplit must be an integer of at least 4, got ${maxEvaluationsPerSplit}`);
  return { maxPointsPerSeries, maxEvaluationsPerSplit };
}

function checkRunId(id: string): void {
  if (!runIdPattern.test(id)) throw new RunStoreError('invalid-run-id', `Run id ${JSON.stringify(id)} is not usable: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`);
}

function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new RunStoreError('invalid-input', `Invalid ${what}: ${where}: ${issue.message}`);
}

/** True when `pid` is a process other than this one that still exists. */
function ownedByAnotherLiveProcess(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
  }
}
