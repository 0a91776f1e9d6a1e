// Evaluation reports (equity curves and portfolio stats) of runs. Each report is stored whole as
// JSON. The number kept per (run, split) is bounded: past `maxPerSplit`, every other report among
// the older ones is dropped, keeping the first, the most recent half and an even spread between.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { EvaluationReport } from '../../shared/metrics.ts';
import type { EvaluationQuery } from './types.ts';

export class EvaluationsTable {
  private readonly maxPerSplit: number;
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly idsOfSplit: StatementSync;
  private readonly deleteById: StatementSync;

  constructor(db: DatabaseSync, maxPerSplit: number) {
    this.db = db;
    this.maxPerSplit = maxPerSplit;
    this.insert = db.prepare('INSERT INTO evaluations (run_id, split, step, elapsed_ms, report_json) VALUES (?, ?, ?, ?, ?)');
    this.idsOfSplit = db.prepare('SELECT id FROM evaluations WHERE run_id = ? AND split = ? ORDER BY elapsed_ms, id');
    this.deleteById = db.prepare('DELETE FROM evaluations WHERE id = ?');
  }

  /** Stores a validated report; call inside a transaction. */
  append(runId: string, report: EvaluationReport): void {
    this.insert.run(runId, report.split, report.step, report.elapsedMs, JSON.stringify(report));
    const ids = this.idsOfSplit.all(runId, report.split).map((row) => Number(row.id));
    if (ids.length <= this.maxPerSplit) return;
    const keepRecent = Math.floor(this.maxPerSplit / 2);
    const older = ids.slice(1, ids.length - keepRecent);
    for (let index = 1; index < older.length; index += 2) this.deleteById.run(older[index]);
  }

  /** Reports in time order (split by split when `latestPerSplit`). */
  get(runId: string, query: EvaluationQuery = {}): EvaluationReport[] {
    const splitFilter = query.split ? ' AND split = ?' : '';
    const parameters = query.split ? [runId, query.split] : [runId];
    const sql = query.latestPerSplit
      ? `SELECT report_json FROM evaluations AS outer_row WHERE run_id = ?${splitFilter}
           AND id = (SELECT id FROM evaluations WHERE run_id = outer_row.run_id AND split = outer_row.split ORDER BY elapsed_ms DESC, id DESC LIMIT 1)
         ORDER BY elapsed_ms, id`
      : `SELECT report_json FROM evaluations WHERE run_id = ?${splitFilter} ORDER BY elapsed_ms, id`;
    return this.db
      .prepare(sql)
      .all(...parameters)
      .map((row) => JSON.parse(String(row.report_json)) as EvaluationReport);
  }
}
