// Figures of one run as the compare table and cards show them, derived from its record, its
// latest test evaluation and its recorded series. Missing figures are undefined, shown as '—'.
import type { RunRecord } from '../../shared/run.ts';
import type { EvaluationReport } from '../../shared/metrics.ts';
import type { RunFeed } from './charts/series-buffer.ts';

export interface RunFigures {
  /** Name and unit of the throughput figure for this trainer. */
  throughputLabel: string;
  /** Whole-run throughput: completed units per minute of wall clock. */
  throughput: number | undefined;
  meanGpuPercent: number | undefined;
  peakRssMegabytes: number | undefined;
  finalEquity: number | undefined;
  testSharpe: number | undefined;
  maxDrawdownPct: number | undefined;
  trades: number | undefined;
}

export function throughputSeriesName(run: RunRecord): string {
  return run.config.trainer === 'neat' ? 'generationsPerMin' : 'episodesPerMin';
}

export function runFigures(run: RunRecord, evaluation: EvaluationReport | undefined, feed: RunFeed | undefined): RunFigures {
  const neat = run.config.trainer === 'neat';
  const extra = run.summary?.extra ?? {};
  const seriesValues = (name: string) => feed?.series.get(name)?.points.map((point) => point.y) ?? [];
  const gpu = seriesValues('gpuPercent');
  const rss = seriesValues('processRssMegabytes');
  const policyStats = evaluation?.stats[0];
  const throughputFromSeries = seriesValues(throughputSeriesName(run)).at(-1);
  const summaryThroughput = neat ? numberOrUndefined(extra.generationsPerMin) : run.summary?.episodesPerMin;
  return {
    throughputLabel: neat ? 'Generations per minute' : 'Episodes per minute',
    throughput: summaryThroughput ?? throughputFromSeries,
    meanGpuPercent: gpu.length > 0 ? gpu.reduce((total, value) => total + value, 0) / gpu.length : undefined,
    peakRssMegabytes: rss.length > 0 ? Math.max(...rss) : undefined,
    finalEquity: policyStats?.finalEquity ?? run.summary?.finalEquity,
    testSharpe: policyStats?.sharpe,
    maxDrawdownPct: policyStats?.maxDrawdownPct,
    trades: policyStats?.trades,
  };
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
