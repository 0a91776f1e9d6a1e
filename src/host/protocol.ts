// The worker protocol: messages between the host and a trainer worker process. Both sides
// validate what they receive; a malformed message is answered or reported, never a crash.
//
//   host                         worker
//    | <---------- ready ----------- |   (worker loaded, protocol version)
//    | ----------- start ----------> |
//    | <-- progress/metrics/eval --- |   (repeated)
//    | ----------- stop -----------> |   (optional: graceful stop, worker checkpoints)
//    | <----------- done ----------- |   (then the worker exits)
import { z } from 'zod';
import { evaluationReportSchema, metricSampleSchema } from '../shared/metrics.ts';
import { runConfigSchema, runSummarySchema } from '../shared/run.ts';

export const protocolVersion = 1;

export const hostToWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    runId: z.string().min(1),
    config: runConfigSchema,
    /** Root of everything runs write (datasets, checkpoints, caches). */
    dataDir: z.string().min(1),
    /** Directory for this run's checkpoints. */
    checkpointDir: z.string().min(1),
    /** Resume from the checkpoint in `checkpointDir` instead of starting fresh. */
    resume: z.boolean().default(false),
    /** The embedded dataset file, when it is not beside the sources (packaged app). */
    defaultDatasetFile: z.string().optional(),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type HostToWorkerMessage = z.input<typeof hostToWorkerSchema>;

export const workerToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocolVersion: z.number().int(), pid: z.number().int() }),
  z.object({ type: z.literal('progress'), fraction: z.number().min(0).max(1), message: z.string().max(200).optional() }),
  z.object({ type: z.literal('metrics'), samples: z.array(metricSampleSchema).max(10_000) }),
  z.object({ type: z.literal('evaluation'), report: evaluationReportSchema }),
  z.object({ type: z.literal('device'), backend: z.string().max(64), device: z.string().max(128) }),
  /** A message from the host that the worker could not accept. */
  z.object({ type: z.literal('protocol-error'), message: z.string() }),
  /** The trainer failed; the worker exits after sending this. */
  z.object({ type: z.literal('error'), message: z.string(), stack: z.string().optional() }),
  z.object({ type: z.literal('done'), outcome: z.enum(['completed', 'stopped']), summary: runSummarySchema }),
]);
export type WorkerToHostMessage = z.infer<typeof workerToHostSchema>;
