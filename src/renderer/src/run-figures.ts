// Figures of one run as the compare table and cards show them, derived from its record, its
// latest test evaluation and its recorded series. Missing figures are undefined, shown as '—'.
import { neatFigures } from '../../shared/figures/neat.ts';
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
  testReturnPct: number | undefined;
  maxDrawdownPct: number | undefined;
  trades: number | undefined;
  buyAndHoldTestSharpe: number | undefined;
  randomTestSharpe: number | undefined;
  /** Which policy the figures describe and how it was chosen; undefined while the run has no result. */
  policy: string | undefined;
}

/** The learning-over-time series: the trained policy's Sharpe at every evaluation. */
export const learningSeries = [
  { name: 'testSharpe', label: 'Test Sharpe' },
  { name: 'validationSharpe', label: 'Validation Sharpe' },
] as const;

export function throughputSeriesName(run: RunRecord): string {
  return run.config.trainer === 'neat' ? 'generationsPerMin' : 'episodesPerMin';
}

export function runFigures(run: RunRecord, evaluation: EvaluationReport | undefined, feed: RunFeed | undefined): RunFigures {
  const neat = run.config.trainer === 'neat';
  const seriesValues = (name: string) => feed?.series.get(name)?.points.map((point) => point.y) ?? [];
  const gpu = seriesValues('gpuPercent');
  const rss = seriesValues('processRssMegabytes');
  const policyStats = evaluation?.stats[0];
  const result = run.summary?.result;
  const throughputFromSeries = seriesValues(throughputSeriesName(run)).at(-1);
  const summaryThroughput = neat ? neatFigures(run.summary).generationsPerMin : run.summary?.episodesPerMin;
  return {
    throughputLabel: neat ? 'Generations per minute' : 'Episodes per minute',
    throughput: summaryThroughput ?? throughputFromSeries,
    meanGpuPercent: gpu.length > 0 ? gpu.reduce((total, value) => total + value, 0) / gpu.length : undefined,
    peakRssMegabytes: rss.length > 0 ? Math.max(...rss) : undefined,
    finalEquity: policyStats?.finalEquity ?? run.summary?.finalEquity,
    // A finished run's result is the policy it hands the user; before that, the latest evaluation.
    testSharpe: result?.testSharpe ?? policyStats?.sharpe,
    testReturnPct: result?.testReturnPct ?? policyStats?.totalReturnPct,
    maxDrawdownPct: result?.testMaxDrawdownPct ?? policyStats?.maxDrawdownPct,
    trades: result?.testTrades ?? policyStats?.trades,
    buyAndHoldTestSharpe: result?.buyAndHoldTestSharpe ?? evaluation?.stats.find((stats) => stats.policy === 'buy-and-hold')?.sharpe,
    randomTestSharpe: result?.randomTestSharpe ?? evaluation?.stats.find((stats) => stats.policy === 'random')?.sharpe,
    policy: result?.policy,
  };
}
