// The contract between a trainer algorithm (pure, in core) and the process that hosts it. A worker
// builds a TrainerRunContext, hands it to the trainer, and forwards what the trainer reports.
import type { EvaluationReport, MetricSample } from '../shared/metrics.ts';
import type { RunConfig, RunSummary } from '../shared/run.ts';

/** Where a trainer sends what it measures. Calls are cheap; the host batches and throttles. */
export interface TrainerReporter {
  metrics(samples: MetricSample[]): void;
  evaluation(report: EvaluationReport): void;
  /** Progress towards the budget, 0..1, with an optional short message for the status line. */
  progress(fraction: number, message?: string): void;
  /** Compute backend and device in use, reported once they are known. */
  device(backend: string, device: string): void;
}

/** Stores the trainer's latest checkpoint, opaque bytes in the trainer's own versioned format. */
export interface CheckpointStore {
  /** Where the checkpoint lives (a file path), named in errors; `restoreFrom` puts it in front of a decoder's problem. */
  readonly location?: string;
  save(bytes: Uint8Array): Promise<void>;
  /** The checkpoint to resume from, if the run is a resume. */
  load(): Promise<Uint8Array | undefined>;
}

export interface TrainerRunContext<Resources = unknown> {
  config: RunConfig;
  reporter: TrainerReporter;
  /** True once a stop was requested; trainers check it between episodes or generations. */
  stopRequested(): boolean;
  /** Lets pending messages (such as stop) arrive; trainers call it at least every ~50 ms. */
  yieldToHost(): Promise<void>;
  /** Monotonic milliseconds. */
  now(): number;
  checkpoints: CheckpointStore;
  /** What the worker loaded for this trainer (market data, features, ...). */
  resources: Resources;
}

export interface TrainerOutcome {
  summary: RunSummary;
  /** True when the run ended because stop was requested rather than by its budget. */
  stopped: boolean;
}

export type TrainerEntry<Resources = unknown> = (context: TrainerRunContext<Resources>) => Promise<TrainerOutcome>;
