// The IPC contract: every request (window -> host -> response) and every event (host -> window),
// declared once with runtime schemas. Electron IPC and the serve-mode WebSocket both carry exactly
// this contract, through the one generic dispatcher and client in this folder.
import { z } from 'zod';
import { evaluationReportSchema, metricSampleSchema, storedMetricSeriesSchema } from '../metrics.ts';
import { budgetSchema, checkBudgetKinds, comparisonFieldsSchema, runConfigSchema, runRecordSchema, runStatuses, trainerNames, trainingModes } from '../run.ts';
import { systemSampleSchema } from '../system.ts';
import { datasetInfoSchema, datasetNameSchema, datasetSummarySchema } from '../datasets.ts';
import { experimentRecordSchema, experimentReportSchema, experimentSpecSchema } from '../experiment.ts';

export const menuCommands = ['new-run', 'stop', 'compare', 'history', 'experiments', 'dashboard'] as const;
export type MenuCommand = (typeof menuCommands)[number];

/**
 * Largest CSV text accepted by importDataset, about 600,000 one-minute bars (the CLI imports larger
 * files from disk). It also bounds serve mode's WebSocket message size.
 */
export const maxImportCharacters = 64 * 2 ** 20;

const runIdSchema = z.object({ runId: z.string().min(1).max(64) }).strict();
const experimentIdSchema = z.object({ experimentId: z.string().min(1).max(64) }).strict();
const noInputSchema = z.object({}).strict().default({});
const runListFilterSchema = z
  .object({ trainer: z.enum(trainerNames).optional(), mode: z.enum(trainingModes).optional(), status: z.enum(runStatuses).optional() })
  .strict()
  .default({});

/** Everything recorded for one run, as the window needs it to draw the run view. */
export const runDetailSchema = z.object({
  record: runRecordSchema,
  /** Recorded series by metric name, downsampled for transport. */
  metrics: z.record(z.string(), storedMetricSeriesSchema),
  /** Latest evaluation per split. */
  evaluations: z.array(evaluationReportSchema),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const systemInfoSchema = z.object({
  appVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCores: z.number(),
  totalMemoryBytes: z.number(),
  /** `electron` when the app hosts the engine, `serve` for the headless server. */
  host: z.enum(['electron', 'serve']),
  /** Most trainers the host runs at once; further runs wait as `queued`. */
  maxConcurrentRuns: z.number().int().min(1),
  trainers: z.array(z.enum(trainerNames)),
  /** The machine's last `auto` compute-backend benchmark (made by the first RL run on `auto`), or null. */
  compute: z
    .object({
      measuredAt: z.string(),
      acting: z.string(),
      actingDevice: z.string(),
      learning: z.string(),
      learningDevice: z.string(),
      /** Per backend: device, and ms per acting (batch N) and learning (batch N*T) call; null when unavailable. */
      backends: z.array(z.object({ backend: z.string(), device: z.string(), actMs: z.number().nullable(), learnMs: z.number().nullable(), note: z.string().optional() })),
    })
    .nullable(),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;

/** A network drawn as layered nodes and weighted edges (the NEAT champion). */
export const networkGraphSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), kind: z.enum(['input', 'hidden', 'output']), label: z.string(), layer: z.number(), activation: z.string().optional(), bias: z.number().optional() })),
  edges: z.array(z.object({ from: z.number(), to: z.number(), weight: z.number(), enabled: z.boolean() })),
  layers: z.number(),
});
export type NetworkGraph = z.infer<typeof networkGraphSchema>;

export const championSchema = z.object({
  /** Generation of the checkpoint the champion comes from. */
  source: z.string(),
  networks: z.array(z.object({ role: z.enum(['single', 'macro', 'micro']), graph: networkGraphSchema, genome: z.unknown() })),
});

/** A comparison: the same trainer, seed, dataset, budget and options in both modes. */
export const comparisonInputSchema = comparisonFieldsSchema.superRefine(checkBudgetKinds);

export const requestContract = {
  startRun: { input: runConfigSchema, output: runRecordSchema },
  /**
   * Starts the original and the optimized run of one configuration, one after the other so they
   * never share the machine (a shared machine would make the speedup meaningless).
   */
  startComparison: {
    input: comparisonInputSchema,
    output: z.object({ compareGroup: z.string(), original: runRecordSchema, optimized: runRecordSchema }),
  },
  /**
   * Measures each optimization flag on its own: original, then original with one flag on for each
   * flag, then optimized, one after another with the same seed and budget.
   */
  startAblation: {
    input: comparisonInputSchema,
    output: z.object({ compareGroup: z.string(), runs: z.array(runRecordSchema) }),
  },
  stopRun: { input: runIdSchema, output: runRecordSchema },
  /**
   * Resumes a stopped, interrupted or failed run from its last checkpoint. With `budget`, under that
   * budget (counted over all the run has spent), which also continues a completed run as the same run.
   */
  resumeRun: { input: z.object({ runId: runIdSchema.shape.runId, budget: budgetSchema.optional() }).strict(), output: runRecordSchema },
  /** Every persisted run, newest first, optionally filtered. */
  listRuns: { input: runListFilterSchema, output: z.array(runRecordSchema) },
  getRun: { input: runIdSchema, output: runDetailSchema },
  /** A run as a file: CSV (one row per metric sample) or JSON (record, metrics, evaluations). */
  exportRun: {
    input: z.object({ runId: z.string().min(1).max(64), format: z.enum(['csv', 'json']) }).strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  },
  /** The NEAT champion of a run's latest checkpoint, as drawable graphs and genome JSON. */
  getChampion: { input: runIdSchema, output: championSchema },
  /** Deletes a finished run with its metrics, evaluations and checkpoints. */
  deleteRun: { input: runIdSchema, output: z.object({ deleted: z.literal(true) }) },
  getSystemInfo: { input: noInputSchema, output: systemInfoSchema },
  /** Every dataset in the store, the embedded default first. */
  listDatasets: { input: noInputSchema, output: z.array(datasetSummarySchema) },
  getDataset: { input: z.object({ name: z.string().min(1).max(64) }).strict(), output: datasetInfoSchema },
  /** Imports CSV text, all or nothing; a rejected file is answered with every problem and its line. */
  importDataset: {
    input: z.object({ name: datasetNameSchema, fileName: z.string().max(255), content: z.string().max(maxImportCharacters) }).strict(),
    output: datasetInfoSchema,
  },
  deleteDataset: { input: z.object({ name: z.string().min(1).max(64) }).strict(), output: z.object({ deleted: z.literal(true) }) },
  /**
   * Starts an experiment: every trial is validated first. Trials run on this machine, or, with
   * `redis`, through a BullMQ queue on that Redis for `traindeck worker` processes anywhere.
   */
  startExperiment: {
    input: z.object({ spec: experimentSpecSchema, redis: z.string().min(1).max(512).optional() }).strict(),
    output: experimentRecordSchema,
  },
  /** Experiments, newest first. */
  listExperiments: { input: noInputSchema, output: z.array(experimentRecordSchema) },
  /** An experiment's trials, groups over seeds with their statistics and bands, and comparisons. */
  getExperiment: { input: experimentIdSchema, output: experimentReportSchema },
  stopExperiment: { input: experimentIdSchema, output: experimentRecordSchema },
  /** Continues a stopped or interrupted experiment where it stopped (same executor). */
  resumeExperiment: { input: experimentIdSchema, output: experimentRecordSchema },
  /** Deletes a finished experiment and every run its trials recorded. */
  deleteExperiment: { input: experimentIdSchema, output: z.object({ deleted: z.literal(true) }) },
  /** An experiment as a file: CSV (one row per trial with its figures) or JSON (the whole report). */
  exportExperiment: {
    input: z.object({ experimentId: z.string().min(1).max(64), format: z.enum(['csv', 'json']) }).strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
  },
} as const;

export const eventContract = {
  /** A run's record changed (status, progress, summary, error). */
  runUpdated: runRecordSchema,
  /** New metric samples of one run, batched by the host to at most ~10 events per second. */
  runMetrics: z.object({ runId: z.string(), samples: z.array(metricSampleSchema) }),
  /** A new evaluation of one run's current policy. */
  runEvaluation: z.object({ runId: z.string(), report: evaluationReportSchema }),
  /** Machine, GPU and trainer-process load, once a second. */
  systemSample: systemSampleSchema,
  /** An experiment's record changed (status, trial counts). */
  experimentUpdated: experimentRecordSchema,
  /** A command from the app menu (or its shortcut), for the window to carry out. */
  menuCommand: z.object({ command: z.enum(menuCommands) }),
} as const;

export type RequestName = keyof typeof requestContract;
export type EventName = keyof typeof eventContract;
export type RequestInput<K extends RequestName> = z.input<(typeof requestContract)[K]['input']>;
export type RequestParams<K extends RequestName> = z.output<(typeof requestContract)[K]['input']>;
export type RequestResult<K extends RequestName> = z.output<(typeof requestContract)[K]['output']>;
export type EventPayload<K extends EventName> = z.output<(typeof eventContract)[K]>;

/** What the host implements: one method per request, receiving already-validated parameters. */
export type TrainDeckService = { [K in RequestName]: (params: RequestParams<K>) => Promise<RequestResult<K>> };

/** What the window calls: the same methods, plus event subscription. */
export type TrainDeckApi = { [K in RequestName]: (input: RequestInput<K>) => Promise<RequestResult<K>> } & {
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
};

export const requestNames = Object.keys(requestContract) as RequestName[];
export const eventNames = Object.keys(eventContract) as EventName[];
