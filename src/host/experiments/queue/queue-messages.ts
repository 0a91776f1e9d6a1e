// What travels through the queue between a coordinator and its workers, as schemas (Redis is a
// process boundary): a trial job (the coordinator's run configuration and the dataset by content
// hash), the progress a worker streams while the trial runs, and the result it returns: the whole
// run (record, downsampled metric series, evaluations), so a coordinator that was down while the
// trial ran records it as completely as one that watched it.
import { z } from 'zod';
import { runConfigSchema, runStatuses, runSummarySchema } from '../../../shared/run.ts';
import { evaluationReportSchema, metricSampleSchema } from '../../../shared/metrics.ts';

/** A dataset named by the coordinator and identified by its content. */
export const datasetRefSchema = z.object({ name: z.string().min(1).max(64), checksum: z.string().regex(/^[0-9a-f]{8,64}$/) });
export type DatasetRef = z.infer<typeof datasetRefSchema>;

export const trialJobSchema = z.object({
  experimentId: z.string(),
  trialId: z.string(),
  /** The trial's run configuration as the coordinator stores it (its dataset name is the coordinator's). */
  config: runConfigSchema,
  dataset: datasetRefSchema,
});
export type TrialJob = z.infer<typeof trialJobSchema>;

/** The parts of a run record a worker reports (ids and configs stay the coordinator's). */
const runStateSchema = z.object({
  status: z.enum(runStatuses),
  progress: z.number().min(0).max(1),
  progressMessage: z.string().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;

/** Every message names the attempt (the n-th start of the trial) so a dead attempt's leftovers are told apart. */
export const trialProgressSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), attempt: z.number().int().positive(), worker: z.string() }),
  z.object({
    type: z.literal('update'),
    attempt: z.number().int().positive(),
    worker: z.string(),
    run: runStateSchema.optional(),
    samples: z.array(metricSampleSchema),
    evaluations: z.array(evaluationReportSchema),
  }),
]);
export type TrialProgressMessage = z.infer<typeof trialProgressSchema>;

export const trialResultSchema = z.object({
  attempt: z.number().int().positive(),
  worker: z.string(),
  status: z.enum(['completed', 'failed', 'stopped']),
  error: z.string().optional(),
  run: runStateSchema,
  summary: runSummarySchema.optional(),
  samples: z.array(metricSampleSchema),
  evaluations: z.array(evaluationReportSchema),
});
export type TrialResult = z.infer<typeof trialResultSchema>;
