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

/**
 * A job shared by threads that claim its genomes a slice at a time: `next` counts the slices taken
 * (Atomics.add), each claimant writes its slices' rows into `metrics`. Which thread evaluates which
 * slice depends on timing; the rows do not, so the result is the same for any thread count.
 */
export interface SharedJobProgress {
  /** [0]: slices claimed so far (may run past the last one). */
  next: Int32Array;
  /** genomeCount x EPISODE_METRIC_COUNT, SharedArrayBuffer-backed. */
  metrics: Float64Array;
  /** Genomes per slice. */
  sliceSize: number;
  genomeCount: number;
}

export function sharedJobProgress(genomeCount: number, sliceSize: number): SharedJobProgress {
  return {
    next: new Int32Array(new SharedArrayBuffer(4)),
    metrics: new Float64Array(new SharedArrayBuffer(genomeCount * EPISODE_METRIC_COUNT * 8)),
    sliceSize: Math.max(1, sliceSize),
    genomeCount,
  };
}

/** Evaluates slices of the job until none is left to claim; returns this claimant's counts. */
export function evaluateClaimedSlices(
  job: EvaluationJob, progress: SharedJobProgress, evaluate: (job: EvaluationJob, slice: JobSlice) => EvaluationResult,
): { forwardPasses: number; envSteps: number } {
  let forwardPasses = 0;
  let envSteps = 0;
  for (;;) {
    const start = Atomics.add(progress.next, 0, 1) * progress.sliceSize;
    if (start >= progress.genomeCount) break;
    const result = evaluate(job, { start, end: Math.min(progress.genomeCount, start + progress.sliceSize) });
    progress.metrics.set(result.metrics, start * EPISODE_METRIC_COUNT);
    forwardPasses += result.forwardPasses;
    envSteps += result.envSteps;
  }
  return { forwardPasses, envSteps };
}
