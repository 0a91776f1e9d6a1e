// Resuming a run under a new budget: a stopped or interrupted run with another budget, and a
// completed run continued with a larger one (as neat-python users do with a checkpoint). The budget
// counts everything the run has already spent, so one that is already spent is refused here, with
// what was spent, instead of starting a worker that would end at once.
import { ApiError, describeIssues } from '../shared/ipc/envelope.ts';
import { budgetFraction, reachedKinds, spentOf } from '../shared/budget.ts';
import { budgetKindsByTrainer, trainerBudgetSchema, type Budget, type RunRecord } from '../shared/run.ts';
import type { RunPatch } from './store/types.ts';

/** The change to the run's record a resume under `budget` makes (none without one); throws an ApiError when it may not. */
export function continuationPatch(record: RunRecord, budget: Budget | undefined): Pick<RunPatch, 'budget' | 'progress'> {
  const kinds = budgetKindsByTrainer[record.config.trainer].join(', ');
  if (budget === undefined) {
    if (record.status === 'completed') {
      throw new ApiError('conflict', `Run "${record.id}" completed its budget; resume it with a larger budget (${kinds}) to train it further, or start a new run`);
    }
    return {};
  }
  const parsed = trainerBudgetSchema.safeParse({ trainer: record.config.trainer, budget });
  if (!parsed.success) throw new ApiError('bad-request', 'Invalid budget', describeIssues(parsed.error));
  const valid = parsed.data.budget;
  if (record.summary === undefined) return { budget: valid };
  const spent = spentOf(record.summary);
  const reached = reachedKinds(valid, spent);
  if (reached.length > 0) {
    throw new ApiError('conflict', `Run "${record.id}" has already spent ${reached.join(' and ')}; give it a larger budget (${kinds}) to train it further`);
  }
  return { budget: valid, progress: budgetFraction(valid, spent) };
}
