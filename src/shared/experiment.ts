// What an experiment is, as every process sees it: a spec (a trainer, seeds, a budget and a space of
// settings searched by grid or at random), its trials (one run each: one point, one seed, one mode),
// and the report that groups trials over seeds. Schemas validate these wherever they cross a
// process boundary or are read from a file.
import { z } from 'zod';
import { budgetSchema, checkBudgetKinds, trainerNames, trainingModes, type RunSummary, type TrainingMode } from './run.ts';

export const experimentModes = [...trainingModes, 'both'] as const;
export type ExperimentMode = (typeof experimentModes)[number];

/** Most trials one experiment may expand to. */
export const maxTrials = 5_000;

/** A dotted setting key as `--set` takes it, e.g. `learningRate` or `neat.populationSize`. */
export const settingKeySchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a dotted setting key such as learningRate or neat.populationSize')
  .refine((key) => !key.split('.').some((part) => ['__proto__', 'prototype', 'constructor'].includes(part)), 'is not a setting key');

const settingValueSchema = z.union([z.number().finite(), z.string().max(200), z.boolean()]);
export type SettingValue = z.infer<typeof settingValueSchema>;

/** A range searched at random: uniform, or log-uniform with `log`; rounded with `integer`. */
export const settingRangeSchema = z
  .object({ min: z.number().finite(), max: z.number().finite(), log: z.boolean().optional(), integer: z.boolean().optional() })
  .strict()
  .refine((range) => range.max > range.min, { message: 'max must be above min' })
  .refine((range) => !range.log || range.min > 0, { message: 'a log range needs min above 0' });
export type SettingRange = z.infer<typeof settingRangeSchema>;

export const experimentSearchSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grid') }).strict(),
  z.object({ kind: z.literal('random'), trials: z.number().int().min(1).max(maxTrials), seed: z.number().int().min(0).max(2 ** 32 - 1).default(0) }).strict(),
]);
export type ExperimentSearch = z.infer<typeof experimentSearchSchema>;

export const experimentSpecSchema = z
  .object({
    /** A name for lists and exports. */
    name: z.string().min(1).max(128),
    trainer: z.enum(trainerNames),
    /** original, optimized, or both (each point and seed then runs in both modes, original first). */
    mode: z.enum(experimentModes).default('optimized'),
    seeds: z.array(z.number().int().min(0).max(2 ** 32 - 1)).min(1).max(1000),
    /** The budget of every trial. */
    budget: budgetSchema,
    dataset: z.string().min(1).max(128).default('default'),
    /** Settings every trial shares (the trainer's options, as in a run's config). */
    options: z.record(z.string(), z.unknown()).default({}),
    /** Settings that vary: a list of values (grid or random) or a range (random only), by dotted key. */
    space: z.record(settingKeySchema, z.union([z.array(settingValueSchema).min(1).max(1000), settingRangeSchema])).default({}),
    search: experimentSearchSchema.default({ kind: 'grid' }),
  })
  .strict()
  .superRefine((spec, context) => {
    checkBudgetKinds(spec, context);
    const seeds = new Set(spec.seeds);
    if (seeds.size !== spec.seeds.length) context.addIssue({ code: 'custom', path: ['seeds'], message: 'seeds must not repeat' });
    if (spec.search.kind === 'grid') {
      for (const [key, values] of Object.entries(spec.space)) {
        if (!Array.isArray(values)) context.addIssue({ code: 'custom', path: ['space', key], message: 'a grid search needs a list of values; ranges need "search": { "kind": "random" }' });
      }
    }
  });
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;

export const trialStatuses = ['pending', 'running', 'completed', 'failed', 'stopped'] as const;
export type TrialStatus = (typeof trialStatuses)[number];

export const trialRecordSchema = z.object({
  id: z.string(),
  experimentId: z.string(),
  /** Position in the experiment's trial list (the order trials run in). */
  index: z.number().int().nonnegative(),
  seed: z.number().int(),
  mode: z.enum(trainingModes),
  /** The point of the space, by dotted key. */
  params: z.record(z.string(), settingValueSchema),
  status: z.enum(trialStatuses),
  /** Times the trial was started (a trial whose worker died runs again, up to the limit). */
  attempts: z.number().int().nonnegative(),
  /** Who ran it: `local`, or a distributed worker's name. */
  worker: z.string().nullable(),
  runId: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type TrialRecord = z.infer<typeof trialRecordSchema>;

export const experimentStatuses = ['running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
export type ExperimentStatus = (typeof experimentStatuses)[number];

export const experimentRecordSchema = z.object({
  id: z.string(),
  spec: experimentSpecSchema,
  status: z.enum(experimentStatuses),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Where trials run: `local`, or the Redis queue's address without its password. */
  executor: z.string(),
  /** Trials by status. */
  counts: z.record(z.enum(trialStatuses), z.number()),
});
export type ExperimentRecord = z.infer<typeof experimentRecordSchema>;

/** One figure over a group's seeds. */
export const figureSummarySchema = z.object({ n: z.number(), mean: z.number(), median: z.number(), iqm: z.number(), std: z.number(), ci95: z.tuple([z.number(), z.number()]) });
export type FigureSummary = z.infer<typeof figureSummarySchema>;

/** A paired statistic with its 95% bootstrap interval. */
export const intervalSchema = z.object({ mean: z.number(), ci95: z.tuple([z.number(), z.number()]), n: z.number() });

/** Figures summarised per group, from each trial's run summary. */
export const experimentFigures = ['testSharpe', 'testReturnPct', 'testMaxDrawdownPct', 'testTrades', 'throughput', 'finalPolicyTestSharpe'] as const;
export type ExperimentFigure = (typeof experimentFigures)[number];

/** A learning curve over a group's seeds on a common time axis: the mean and a 95% band. */
export const bandSchema = z.object({ seconds: z.array(z.number()), mean: z.array(z.number()), low: z.array(z.number()), high: z.array(z.number()) });
export type Band = z.infer<typeof bandSchema>;

export const experimentGroupSchema = z.object({
  mode: z.enum(trainingModes),
  params: z.record(z.string(), settingValueSchema),
  /** Trials with a result in this group. */
  n: z.number(),
  figures: z.partialRecord(z.enum(experimentFigures), figureSummarySchema),
  /** Test Sharpe and throughput over wall-clock time, mean and 95% band over the group's seeds. */
  curves: z.object({ testSharpe: bandSchema.optional(), throughput: bandSchema.optional() }),
});
export type ExperimentGroup = z.infer<typeof experimentGroupSchema>;

export const experimentComparisonSchema = z.object({
  /** `optimized-vs-original` at one point, or `vs-best`: a point against the best point (same mode). */
  kind: z.enum(['optimized-vs-original', 'vs-best']),
  params: z.record(z.string(), settingValueSchema),
  mode: z.enum(trainingModes),
  /** The point compared against (vs-best). */
  against: z.record(z.string(), settingValueSchema).optional(),
  /** Throughput ratio (this / the other), paired by seed. */
  speedup: intervalSchema.nullable(),
  /** Test Sharpe difference (this - the other), paired by seed. */
  testSharpeDifference: intervalSchema.nullable(),
  /** P(this test Sharpe > the other's) over all pairs of seeds. */
  probabilityOfImprovement: z.number().nullable(),
});
export type ExperimentComparison = z.infer<typeof experimentComparisonSchema>;

/** A trial as reports show it: the record and its run's summary. */
export const trialReportSchema = trialRecordSchema.extend({ summary: z.custom<RunSummary>().nullable() });

export const experimentReportSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(experimentStatuses),
  executor: z.string(),
  spec: experimentSpecSchema,
  trials: z.array(trialReportSchema),
  groups: z.array(experimentGroupSchema),
  comparisons: z.array(experimentComparisonSchema),
  /** The point (and mode) with the highest median test Sharpe; the test split ranks finished agents, it does not train them. */
  best: z.object({ mode: z.enum(trainingModes), params: z.record(z.string(), settingValueSchema) }).nullable(),
});
export type ExperimentReport = z.infer<typeof experimentReportSchema>;

/** A trial's run configuration pieces: the modes one point and seed runs in, original first. */
export function modesOf(mode: ExperimentMode): TrainingMode[] {
  return mode === 'both' ? ['original', 'optimized'] : [mode];
}

/** Sets `value` at a dotted key in a plain options object (creating nested objects), as `--set` does. */
export function setDottedOption(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
