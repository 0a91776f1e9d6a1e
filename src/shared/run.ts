// What a run is, as every process sees it: its configuration, its status, and the records the
// host keeps for it. Schemas validate these wherever they cross a process boundary.
import { z } from 'zod';
import { summaryExtraSchema } from './figures/declare.ts';
import { trainerOptionsSchemas } from './settings/trainers.ts';

export const trainerNames = ['baseline', 'rl', 'neat'] as const;
export type TrainerName = (typeof trainerNames)[number];

export const trainingModes = ['original', 'optimized'] as const;
export type TrainingMode = (typeof trainingModes)[number];

/** Longest wall-clock budget, in seconds (a week). */
export const maxBudgetSeconds = 7 * 24 * 3600;
/** Largest episode or generation budget. */
export const maxBudgetCount = 1_000_000_000;

/** Limits of a run; it ends at whichever comes first. At least one must be set. */
export const budgetSchema = z
  .object({
    /** Wall-clock seconds of training. */
    seconds: z.number().positive().max(maxBudgetSeconds).optional(),
    /** Completed episodes (every trainer; for NEAT, genome evaluations of full episodes). */
    episodes: z.number().int().positive().max(maxBudgetCount).optional(),
    /** Completed generations (NEAT only). */
    generations: z.number().int().positive().max(maxBudgetCount).optional(),
  })
  .strict()
  .refine((budget) => budget.seconds !== undefined || budget.episodes !== undefined || budget.generations !== undefined, {
    message: 'a budget needs seconds, episodes or generations',
  });
export type Budget = z.infer<typeof budgetSchema>;
export type BudgetKind = keyof Budget;

/** The budgets each trainer counts; one it would ignore is refused rather than run forever. */
export const budgetKindsByTrainer: Record<TrainerName, readonly BudgetKind[]> = {
  baseline: ['seconds', 'episodes'],
  rl: ['seconds', 'episodes'],
  neat: ['seconds', 'generations', 'episodes'],
};

/** Deepest nesting trainer options may have (the deepest real setting is 3 levels down). */
export const maxOptionsDepth = 16;
const reservedOptionKeys = new Set(['__proto__', 'prototype', 'constructor']);
const optionKeySchema = z.string().refine((key) => !reservedOptionKeys.has(key), { message: 'not an option name' });

/**
 * Refuses options nested absurdly deep (recursive validators would overflow the stack and answer
 * `internal`) and keys that would reach an object's prototype. Walks iteratively for that reason.
 */
function checkOptionsShape(options: Record<string, unknown>, context: z.RefinementCtx): void {
  const pending: Array<{ value: unknown; path: string[] }> = [{ value: options, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (path.length > maxOptionsDepth) {
      context.addIssue({ code: 'custom', path: path.slice(0, maxOptionsDepth + 1), message: `options are nested deeper than ${maxOptionsDepth} levels` });
      return;
    }
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (reservedOptionKeys.has(key)) context.addIssue({ code: 'custom', path: [...path, key], message: `"${key}" is not an option name` });
      else pending.push({ value: child, path: [...path, key] });
    }
  }
}

/** What every run's configuration holds besides its trainer and options. */
const runConfigCommonFields = {
  /** Original (readable baseline) or optimized training path. */
  mode: z.enum(trainingModes),
  /** Seed of every random choice the run makes. */
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  /** When to stop. */
  budget: budgetSchema,
  /** Dataset name in the dataset store; `default` is the embedded market. */
  dataset: z.string().min(1).max(128).default('default'),
  /** Runs started together for a side-by-side comparison share a group id. */
  compareGroup: z.string().max(64).optional(),
};

/**
 * Trainer-specific settings, checked against the trainer's declaration (src/shared/settings): every
 * bad key is named with its allowed range. The shape check first refuses absurd nesting and
 * prototype keys; options keep only what was given (the trainer fills defaults for the mode).
 */
function optionsFor<T extends TrainerName>(trainer: T) {
  return z.record(optionKeySchema, z.unknown()).superRefine(checkOptionsShape).pipe(trainerOptionsSchemas[trainer]).default({});
}

/** The configuration of a run of `trainer` with the given fields besides trainer and options. */
function trainerRunConfig<T extends TrainerName, F extends z.ZodRawShape>(trainer: T, fields: F) {
  return z.object({ trainer: z.literal(trainer), ...fields, options: optionsFor(trainer) }).strict();
}

/** Run configurations keyed on the trainer, with `fields` besides trainer and options (the full set, or a subset). */
export function runConfigUnion<F extends z.ZodRawShape>(fields: F) {
  return z.discriminatedUnion('trainer', [trainerRunConfig('baseline', fields), trainerRunConfig('rl', fields), trainerRunConfig('neat', fields)]);
}

/** A run's configuration, one variant per trainer, without its cross-field checks (for schemas derived from it). */
export const runConfigFieldsSchema = runConfigUnion(runConfigCommonFields);

/** The fields of a comparison or an ablation: a run's configuration without mode and compare group. */
export const comparisonFieldsSchema = runConfigUnion({ seed: runConfigCommonFields.seed, budget: budgetSchema, dataset: runConfigCommonFields.dataset });

/** Refuses a budget the trainer would ignore (e.g. generations for RL, which would never end). */
export function checkBudgetKinds(config: { trainer: TrainerName; budget: Budget }, context: z.RefinementCtx): void {
  const counted = budgetKindsByTrainer[config.trainer];
  for (const kind of Object.keys(config.budget) as BudgetKind[]) {
    if (config.budget[kind] !== undefined && !counted.includes(kind)) {
      context.addIssue({ code: 'custom', path: ['budget', kind], message: `the ${config.trainer} trainer does not count ${kind}; its budget takes ${counted.join(' or ')}` });
    }
  }
}

export const runConfigSchema = runConfigFieldsSchema.superRefine(checkBudgetKinds);

/** A budget for a run of `trainer` (a run continued with a new budget): only the kinds the trainer counts. */
export const trainerBudgetSchema = z.object({ trainer: z.enum(trainerNames), budget: budgetSchema }).superRefine(checkBudgetKinds);
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export const runStatuses = ['queued', 'starting', 'running', 'stopping', 'stopped', 'completed', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Statuses after which a run never changes again. */
export const finishedStatuses: readonly RunStatus[] = ['stopped', 'completed', 'failed', 'interrupted'];

/**
 * The one result every run hands the user, the same for every trainer: the policy it reports,
 * exports and resumes with, evaluated on the test split, beside the baselines on the same span.
 * The test split never chooses the policy.
 */
export const policyResultSchema = z.object({
  /** Which policy this is and how it was chosen, in words, e.g. `best validation Sharpe (update 300), sampled actions`. */
  policy: z.string().max(200),
  /** Annualised Sharpe ratio of the policy on the test split. */
  testSharpe: z.number(),
  /** Total return on the test split, in %. */
  testReturnPct: z.number(),
  /** Maximum drawdown on the test split, in %. */
  testMaxDrawdownPct: z.number(),
  /** Position changes on the test split. */
  testTrades: z.number(),
  /** Buy-and-hold's annualised Sharpe on the same span. */
  buyAndHoldTestSharpe: z.number(),
  /** A uniformly random policy's annualised Sharpe on the same span. */
  randomTestSharpe: z.number(),
  /** The last weights' test Sharpe, when they are not the reported policy (RL early stopping). */
  finalPolicyTestSharpe: z.number().optional(),
});
export type PolicyResult = z.infer<typeof policyResultSchema>;

export const runSummarySchema = z.object({
  /** Wall-clock seconds the trainer ran, over all the run's sessions (a resume adds to them). */
  seconds: z.number(),
  /** Completed episodes over all sessions (for NEAT: genome evaluations of full episodes). */
  episodes: z.number(),
  /** Completed episodes per minute over the whole run: episodes / seconds. */
  episodesPerMin: z.number(),
  /** Completed generations over all sessions (NEAT; absent for trainers without generations). */
  generations: z.number().optional(),
  /** Final equity of the evaluated policy on the test split, in quote currency. */
  finalEquity: z.number().optional(),
  /** The policy the run hands the user, on the test split; absent when the run never evaluated. */
  result: policyResultSchema.optional(),
  /**
   * The trainer's own figures, declared per trainer in `figures/` (doc and unit of each) and read
   * typed through `rlFigures(summary)` and its siblings. An open record here, so runs stored before
   * a figure changed still parse.
   */
  extra: summaryExtraSchema.default({}),
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
