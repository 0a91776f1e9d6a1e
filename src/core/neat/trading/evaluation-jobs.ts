// What evaluating a population means in the trading workload, as data that can cross to worker
// threads: a job (which population, its genomes and the partner representatives, encoded; the
// episode start bars) and its result (per genome, portfolio metrics averaged over episodes and
// partners). An evaluation strategy runs jobs in-process or on a thread pool; a job's result depends only on the
// job, never on how it was split, which is what keeps runs identical across thread counts.

/** Which network a population evolves. */
export type PopulationRole = 'macro' | 'micro' | 'single';

/** Per-genome metrics in an evaluation result, in this order. */
export const episodeMetricNames = ['returnPct', 'maxDrawdownPct', 'turnover', 'sharpe', 'trades'] as const;
export const EPISODE_METRIC_COUNT = episodeMetricNames.length;
export const METRIC_RETURN = 0;
export const METRIC_DRAWDOWN = 1;
export const METRIC_TURNOVER = 2;
export const METRIC_SHARPE = 3;
export const METRIC_TRADES = 4;

export interface EvaluationJob {
  role: PopulationRole;
  /** Genomes to evaluate, `encodeGenomes` format. */
  genomes: Uint8Array;
  /** Representatives of the other population (empty list for `single`), `encodeGenomes` format. */
  partners: Uint8Array;
  /** First bar of each episode; every genome plays every episode with every partner. */
  episodeStarts: Int32Array;
  /** Steps per episode. */
  steps: number;
}

export interface EvaluationResult {
  /** genomeCount x EPISODE_METRIC_COUNT, row-major, means over episodes and partners. */
  metrics: Float64Array;
  /** Network activations performed. */
  forwardPasses: number;
  /** Environment steps performed. */
  envSteps: number;
}

/** Runs evaluation jobs; an in-process evaluator or a worker_threads pool. */
export interface EvaluationStrategy {
  /** Threads doing the work (1 in-process). */
  readonly threads: number;
  evaluate(job: EvaluationJob): Promise<EvaluationResult>;
  close(): Promise<void>;
}

/** Genome range [start, end) of a job that one thread evaluates. */
export interface JobSlice {
  start: number;
  end: number;
}

/** Splits `count` genomes into at most `parts` contiguous slices of near-equal size. */
export function sliceJob(count: number, parts: number): JobSlice[] {
  const slices: JobSlice[] = [];
  const size = Math.ceil(count / Math.max(1, parts));
  for (let start = 0; start < count; start += size) slices.push({ start, end: Math.min(count, start + size) });
  return slices;
}
