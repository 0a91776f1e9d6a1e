// Messages between the NEAT evaluation pool and its threads.
import type { EvaluationJob, SharedJobProgress } from '../../core/neat/trading/evaluation-jobs.ts';

export interface ThreadRequest {
  id: number;
  /** The job; its genome lists are SharedArrayBuffer-backed, so every thread reads one copy. */
  job: EvaluationJob;
  /** Where the thread claims slices and writes their rows. */
  progress: SharedJobProgress;
}

export type ThreadResponse =
  | { id: number; forwardPasses: number; envSteps: number; error?: undefined }
  | { id: number; error: string };
