// What a run is, as every process sees it: its configuration, its status, and the records the
// host keeps for it. Schemas validate these wherever they cross a process boundary.
import { z } from 'zod';

export const trainerNames = ['baseline', 'rl', 'neat'] as const;
export type TrainerName = (typeof trainerNames)[number];

export const trainingModes = ['original', 'optimized'] as const;
export type TrainingMode = (typeof trainingModes)[number];

/** Limits of a run; it ends at whichever comes first. At least one must be set. */
export const budgetSchema = z
  .object({
    /** Wall-clock seconds of training. */
    seconds: z.number().positive().max(7 * 24 * 3600).optional(),
    /** Completed episodes (RL, baseline). */
    episodes: z.number().int().positive().optional(),
    /** Completed generations (NEAT). */
    generations: z.number().int().positive().optional(),
  })
  .strict()
  .refine((budget) => budget.seconds !== undefined || budget.episodes !== undefined || budget.generations !== undefined, {
    message: 'a budget needs seconds, episodes or generations',
  });
export type Budget = z.infer<typeof budgetSchema>;

export const runConfigSchema = z
  .object({
    /** Which trainer runs. */
    trainer: z.enum(trainerNames),
    /** Original (readable baseline) or optimized training path. */
    mode: z.enum(trainingModes),
    /** Seed of every random choice the run makes. */
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    /** When to stop. */
    budget: budgetSchema,
    /** Dataset name in the dataset store; `default` is the embedded market. */
    dataset: z.string().min(1).max(128).default('default'),
    /** Trainer-specific settings, validated by the trainer itself (it names the bad key). */
    options: z.record(z.string(), z.unknown()).default({}),
    /** Runs started together for a side-by-side comparison share a group id. */
    compareGroup: z.string().max(64).optional(),
  })
  .strict();
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export const runStatuses = ['queued', 'starting', 'running', 'stopping', 'stopped', 'completed', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Statuses after which a run never changes again. */
export const finishedStatuses: readonly RunStatus[] = ['stopped', 'completed', 'failed', 'interrupted'];

export const runSummarySchema = z.object({
  /** Wall-clock seconds the trainer ran. */
  seconds: z.number(),
  /** Completed episodes (for NEAT: genome evaluations of full episodes). */
  episodes: z.number(),
  /** Completed episodes per minute over the whole run. */
  episodesPerMin: z.number(),
  /** Final equity of the evaluated policy on the test split, in quote currency. */
  finalEquity: z.number().optional(),
  /** Further trainer-specific figures (units in the name, e.g. `generationsPerMin`). */
  extra: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).default({}),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runRecordSchema = z.object({
  id: z.string(),
  config: runConfigSchema,
  status: z.enum(runStatuses),
  /** Epoch ms. */
  createdAt: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** Why the run failed, in words a user can act on. */
  error: z.string().optional(),
  summary: runSummarySchema.optional(),
  /** Compute backend and device the trainer reported, e.g. `js` on `cpu`. */
  backend: z.string().optional(),
  device: z.string().optional(),
  /** Latest progress towards the budget, 0..1. */
  progress: z.number().min(0).max(1).default(0),
  progressMessage: z.string().optional(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;
