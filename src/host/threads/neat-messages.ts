// Messages between the NEAT evaluation pool and its threads.
import type { EvaluationJob, JobSlice } from '../../core/neat/trading/evaluation-jobs.ts';

export interface ThreadRequest {
  id: number;
  /** The job; its genome lists are SharedArrayBuffer-backed, so every thread reads one copy. */
  job: EvaluationJob;
  slice: JobSlice;
}

export type ThreadResponse =
  | { id: number; metrics: Float64Array; forwardPasses: number; envSteps: number; error?: undefined }
  | { id: number; error: string };
