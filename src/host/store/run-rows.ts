// Conversion between RunRecord and rows of the `runs` table. Optional record fields are SQL NULL
// in the row and absent (never `null`) in the record, as runRecordSchema expects.
import type { RunRecord } from '../../shared/run.ts';
import type { RunPatch } from './types.ts';

export type Row = Record<string, unknown>;

/**
 * SQL assignments of the patch fields. Of the configuration only the budget changes (a run continued
 * with a larger one); trainer, mode, options and createdAt never do.
 */
export const patchAssignments = {
  status: 'status = ?',
  startedAt: 'started_at = ?',
  endedAt: 'ended_at = ?',
  error: 'error = ?',
  summary: 'summary_json = ?',
  backend: 'backend = ?',
  device: 'device = ?',
  progress: 'progress = ?',
  progressMessage: 'progress_message = ?',
  budget: "config_json = json_set(config_json, '$.budget', json(?))",
} as const satisfies Record<keyof RunPatch, string>;

export function recordToRow(record: RunRecord, updatedAt: number): (string | number | null)[] {
  return [
    record.id,
    record.config.trainer,
    record.config.mode,
    record.status,
    record.config.compareGroup ?? null,
    record.createdAt,
    record.startedAt ?? null,
    record.endedAt ?? null,
    JSON.stringify(record.config),
    record.summary === undefined ? null : JSON.stringify(record.summary),
    record.error ?? null,
    record.backend ?? null,
    record.device ?? null,
    record.progress,
    record.progressMessage ?? null,
    updatedAt,
  ];
}

export const insertRunSql = `INSERT INTO runs (id, trainer, mode, status, compare_group, created_at, started_at, ended_at, config_json, summary_json, error, backend, device, progress, progress_message, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A column value for a patch field (summaries are stored as JSON). */
export function patchValue(field: keyof RunPatch, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (field === 'summary' || field === 'budget') return JSON.stringify(value);
  return value as string | number;
}

export function rowToRecord(row: Row): RunRecord {
  const record: RunRecord = {
    id: String(row.id),
    config: JSON.parse(String(row.config_json)) as RunRecord['config'],
    status: String(row.status) as RunRecord['status'],
    createdAt: Number(row.created_at),
    progress: Number(row.progress),
  };
  if (row.started_at !== null) record.startedAt = Number(row.started_at);
  if (row.ended_at !== null) record.endedAt = Number(row.ended_at);
  if (row.error !== null) record.error = String(row.error);
  if (row.summary_json !== null) record.summary = JSON.parse(String(row.summary_json)) as RunRecord['summary'];
  if (row.backend !== null) record.backend = String(row.backend);
  if (row.device !== null) record.device = String(row.device);
  if (row.progress_message !== null) record.progressMessage = String(row.progress_message);
  return record;
}
