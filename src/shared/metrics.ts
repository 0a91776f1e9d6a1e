// Metric samples and evaluation reports: the measurements trainers stream to the host and the
// host streams, batched, to the window. Every metric name carries its unit in the catalogue below.
import { z } from 'zod';

/** One measurement of one named series at one point of the run. */
export const metricSampleSchema = z.object({
  /** Series name, e.g. `episodesPerMin`; see `metricCatalogue` for units. */
  name: z.string().min(1).max(64),
  /** Value; NaN and infinities are not allowed across processes. */
  value: z.number().finite(),
  /** Milliseconds since the run started. */
  elapsedMs: z.number().nonnegative(),
  /** Training progress counter at the time (episodes, updates or generations). */
  step: z.number().nonnegative(),
});
export type MetricSample = z.infer<typeof metricSampleSchema>;

/** One recorded metric series, column-wise (compact over IPC), sorted by time. */
export const storedMetricSeriesSchema = z.object({
  elapsedMs: z.array(z.number()),
  step: z.array(z.number()),
  value: z.array(z.number()),
});
export type StoredMetricSeries = z.infer<typeof storedMetricSeriesSchema>;

/** One equity curve of one policy over an evaluation span. */
export const equityCurveSchema = z.object({
  /** Policy label shown in the legend, e.g. `random`, `buy-and-hold`, `policy (greedy)`. */
  policy: z.string().min(1).max(64),
  /** Equity in quote currency, downsampled for transport. */
  equity: z.array(z.number().finite()).max(4096),
});

/** Portfolio statistics of one policy on one span (see the portfolio metrics module). */
export const portfolioStatsSchema = z.object({
  policy: z.string(),
  finalEquity: z.number(),
  totalReturnPct: z.number(),
  sharpe: z.number(),
  maxDrawdownPct: z.number(),
  trades: z.number(),
  winRatePct: z.number(),
});
export type PortfolioStats = z.infer<typeof portfolioStatsSchema>;

export const evaluationReportSchema = z.object({
  /** Which data split was evaluated. */
  split: z.enum(['train', 'validation', 'test']),
  /** Training progress counter when evaluated. */
  step: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  /** Bars in the evaluated span (before downsampling). */
  bars: z.number().int().nonnegative(),
  curves: z.array(equityCurveSchema).max(8),
  stats: z.array(portfolioStatsSchema).max(8),
});
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;

/** Units and meaning of the known metric names; the UI labels axes from this. */
export const metricCatalogue: Record<string, { label: string; unit: string }> = {
  episodesPerMin: { label: 'Episodes per minute', unit: 'episodes/min' },
  // Learning over time: the policy being trained (RL: current weights; NEAT: the generation's
  // champion) at every evaluation, recorded at that evaluation's step and time.
  validationSharpe: { label: 'Validation Sharpe', unit: 'annualised' },
  testSharpe: { label: 'Test Sharpe', unit: 'annualised' },
  episodes: { label: 'Completed episodes', unit: 'episodes' },
  envStepsPerSec: { label: 'Environment steps per second', unit: 'steps/s' },
  meanEpisodeReturnPct: { label: 'Mean episode return', unit: '%' },
  buyAndHoldReturnPct: { label: 'Buy-and-hold episode return', unit: '%' },
  loss: { label: 'Loss', unit: '' },
  entropy: { label: 'Policy entropy', unit: 'nats' },
  generationsPerMin: { label: 'Generations per minute', unit: 'generations/min' },
  forwardPassesPerSec: { label: 'Forward passes per second', unit: 'passes/s' },
  bestFitness: { label: 'Best fitness', unit: '' },
  meanFitness: { label: 'Mean fitness', unit: '' },
  species: { label: 'Species', unit: 'species' },
  fitnessStd: { label: 'Fitness standard deviation', unit: '' },
  largestSpecies: { label: 'Largest species', unit: 'genomes' },
  meanHiddenNodes: { label: 'Mean hidden nodes', unit: 'nodes' },
  meanConnections: { label: 'Mean connections', unit: 'connections' },
  compatibilityThreshold: { label: 'Compatibility threshold', unit: '' },
  bestReturnPct: { label: 'Best genome return', unit: '%' },
  bestMaxDrawdownPct: { label: 'Best genome max drawdown', unit: '%' },
  bestTurnover: { label: 'Best genome turnover', unit: 'trades/100 steps' },
  generationMs: { label: 'Generation time', unit: 'ms' },
  evaluationMs: { label: 'Evaluation time', unit: 'ms' },
  reproductionMs: { label: 'Reproduction time', unit: 'ms' },
  speciationMs: { label: 'Speciation time', unit: 'ms' },
  processCpuPercent: { label: 'Trainer process CPU', unit: '% of one core' },
  processRssMegabytes: { label: 'Trainer process memory (RSS)', unit: 'MiB' },
  gpuPercent: { label: 'GPU utilisation', unit: '%' },
  gpuMemoryMegabytes: { label: 'GPU memory in use', unit: 'MiB' },
};
