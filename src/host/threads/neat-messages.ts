// What the NEAT evaluation pool asks each worker thread: claim slices of a job until none is left
// (answered with the thread's counts).
import type { EvaluationJob, SharedJobProgress } from '../../core/neat/trading/evaluation-jobs.ts';

export interface EvaluationRequest {
  /** The job; its genome lists are SharedArrayBuffer-backed, so every thread reads one copy. */
  job: EvaluationJob;
  /** Where the thread claims slices and writes their rows. */
  progress: SharedJobProgress;
}

/** What a thread evaluated: forward passes and env steps. */
export interface ThreadCounts {
  forwardPasses: number;
  envSteps: number;
}
