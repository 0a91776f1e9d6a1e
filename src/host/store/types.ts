// Shapes the run store takes and returns besides the shared RunRecord / MetricSample /
// EvaluationReport: run patches, list filters, stored metric series and the error history.
import { z } from 'zod';
import { budgetSchema, runStatuses, runSummarySchema, trainerNames, trainingModes, type RunStatus, type TrainerName, type TrainingMode } from '../../shared/run.ts';

/**
 * Changes to a run. A field left out stays as it is; `null` clears an optional field (e.g.
 * `endedAt: null` and `error: null` when a run is resumed).
 */
export const runPatchSchema = z
  .object({
    status: z.enum(runStatuses),
    startedAt: z.number().nullable(),
    endedAt: z.number().nullable(),
    error: z.string().nullable(),
    summary: runSummarySchema.nullable(),
    backend: z.string().nullable(),
    device: z.string().nullable(),
    progress: z.number().min(0).max(1),
    progressMessage: z.string().nullable(),
    /** A new budget in the run's configuration (a run continued with a larger one); nothing else of the configuration changes. */
    budget: budgetSchema,
  })
  .partial()
  .strict();
export type RunPatch = z.input<typeof runPatchSchema>;

export interface RunListFilter {
  trainer?: TrainerName;
  mode?: TrainingMode;
  /** One status or any of several. */
  status?: RunStatus | readonly RunStatus[];
  compareGroup?: string;
}

export const runListFilterSchema = z
  .object({
    trainer: z.enum(trainerNames),
    mode: z.enum(trainingModes),
    status: z.union([z.enum(runStatuses), z.array(z.enum(runStatuses))]),
    compareGroup: z.string(),
  })
  .partial()
  .strict();

export { storedMetricSeriesSchema, type StoredMetricSeries } from '../../shared/metrics.ts';

export interface MetricQuery {
  /** Only these series; all when left out. */
  names?: readonly string[];
  /** At most this many points per series (>= 4), M4-downsampled (first, last, min, max per time bucket). */
  maxPoints?: number;
}

export interface EvaluationQuery {
  /** Only the most recent report of each split. */
  latestPerSplit?: boolean;
  split?: 'train' | 'validation' | 'test';
}

export interface RunErrorEntry {
  /** Epoch ms. */
  at: number;
  message: string;
}
