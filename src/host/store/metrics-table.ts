// Metric series of runs in SQLite with a bounded size per series. Points are stored as they come
// until a series passes `maxPointsPerSeries`; then it is compacted to M4 (first, last, min, max)
// over time buckets aligned at 0 whose width doubles until at most half the cap remains. A 10-hour
// run at ten samples a second therefore keeps at most `maxPointsPerSeries` rows per series, with
// every spike and the final value still there, at a resolution that coarsens evenly over the run.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MetricSample } from '../../shared/metrics.ts';
import { downsampleSeries, m4Aligned, type SeriesPoint } from './downsample.ts';
import type { MetricQuery, StoredMetricSeries } from './types.ts';

export class MetricsTable {
  private readonly db: DatabaseSync;
  private readonly maxPointsPerSeries: number;
  private readonly insertPoint: StatementSync;
  private readonly addToSeries: StatementSync;
  private readonly selectSeries: StatementSync;
  private readonly deleteSeriesPoints: StatementSync;
  private readonly setSeries: StatementSync;

  constructor(db: DatabaseSync, maxPointsPerSeries: number) {
    this.db = db;
    this.maxPointsPerSeries = maxPointsPerSeries;
    this.insertPoint = db.prepare('INSERT INTO metric_points (run_id, name, elapsed_ms, step, value) VALUES (?, ?, ?, ?, ?)');
    this.addToSeries = db.prepare(
      `INSERT INTO metric_series (run_id, name, point_count, bucket_ms) VALUES (?, ?, ?, 0)
       ON CONFLICT (run_id, name) DO UPDATE SET point_count = point_count + excluded.point_count
       RETURNING point_count, bucket_ms`,
    );
    this.selectSeries = db.prepare('SELECT elapsed_ms, step, value FROM metric_points WHERE run_id = ? AND name = ? ORDER BY elapsed_ms, rowid');
    this.deleteSeriesPoints = db.prepare('DELETE FROM metric_points WHERE run_id = ? AND name = ?');
    this.setSeries = db.prepare('UPDATE metric_series SET point_count = ?, bucket_ms = ? WHERE run_id = ? AND name = ?');
  }

  /** Stores samples (already validated) of one run; call inside a transaction. */
  append(runId: string, samples: readonly MetricSample[]): void {
    const byName = new Map<string, MetricSample[]>();
    for (const sample of samples) {
      let list = byName.get(sample.name);
      if (!list) byName.set(sample.name, (list = []));
      list.push(sample);
    }
    for (const [name, list] of byName) {
      for (const sample of list) this.insertPoint.run(runId, name, sample.elapsedMs, sample.step, sample.value);
      const series = this.addToSeries.get(runId, name, list.length);
      const count = Number(series?.point_count);
      if (count > this.maxPointsPerSeries) this.compact(runId, name, Number(series?.bucket_ms));
    }
  }

  /** Stored points per series name, optionally only some names and at most `maxPoints` each. */
  get(runId: string, query: MetricQuery = {}): Record<string, StoredMetricSeries> {
    if (query.maxPoints !== undefined && (!Number.isInteger(query.maxPoints) || query.maxPoints < 4)) {
      throw new RangeError(`maxPoints must be an integer of at least 4, got ${query.maxPoints}`);
    }
    const names = query.names;
    if (names && names.length === 0) return {};
    const filter = names ? ` AND name IN (${names.map(() => '?').join(', ')})` : '';
    const rows = this.db.prepare(`SELECT name, elapsed_ms, step, value FROM metric_points WHERE run_id = ?${filter} ORDER BY name, elapsed_ms, rowid`).all(runId, ...(names ?? []));
    const points = new Map<string, SeriesPoint[]>();
    for (const row of rows) {
      const name = String(row.name);
      let list = points.get(name);
      if (!list) points.set(name, (list = []));
      list.push({ elapsedMs: Number(row.elapsed_ms), step: Number(row.step), value: Number(row.value) });
    }
    const result: Record<string, StoredMetricSeries> = {};
    for (const [name, list] of points) {
      const kept = query.maxPoints === undefined ? list : downsampleSeries(list, query.maxPoints);
      result[name] = { elapsedMs: kept.map((point) => point.elapsedMs), step: kept.map((point) => point.step), value: kept.map((point) => point.value) };
    }
    return result;
  }

  /** Rewrites one series as M4 over the narrowest power-of-two bucket width (ms) that halves it under the cap. */
  private compact(runId: string, name: string, bucketMs: number): void {
    const points: SeriesPoint[] = this.selectSeries.all(runId, name).map((row) => ({ elapsedMs: Number(row.elapsed_ms), step: Number(row.step), value: Number(row.value) }));
    const target = Math.floor(this.maxPointsPerSeries / 2);
    let width = Math.max(1, bucketMs);
    let kept = m4Aligned(points, width);
    while (kept.length > target) {
      width *= 2;
      kept = m4Aligned(kept, width);
    }
    this.deleteSeriesPoints.run(runId, name);
    for (const point of kept) this.insertPoint.run(runId, name, point.elapsedMs, point.step, point.value);
    this.setSeries.run(kept.length, width, runId, name);
  }
}
