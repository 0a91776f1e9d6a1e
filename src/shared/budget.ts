// Budget arithmetic, the same for the run loop (src/core/run-loop.ts) and the host that continues a
// run with a larger budget: how much of a budget a run has spent, counted over all its sessions.
import type { Budget, BudgetKind, RunSummary } from './run.ts';

/** What a run has spent, over all its sessions: seconds of training, episodes, generations. */
export interface BudgetSpent {
  seconds: number;
  episodes: number;
  generations: number;
}

/**
 * The fraction of `budget` spent, 0..1: the largest over the kinds it sets, since a run ends at
 * whichever comes first. A kind set to 0 is spent at once. Allocation-free (the loop calls it each step).
 */
export function budgetFraction(budget: Budget, spent: BudgetSpent): number {
  let fraction = 0;
  if (budget.seconds !== undefined) fraction = Math.max(fraction, kindFraction(spent.seconds, budget.seconds));
  if (budget.episodes !== undefined) fraction = Math.max(fraction, kindFraction(spent.episodes, budget.episodes));
  if (budget.generations !== undefined) fraction = Math.max(fraction, kindFraction(spent.generations, budget.generations));
  return Math.min(1, fraction);
}

function kindFraction(spent: number, limit: number): number {
  return limit > 0 ? spent / limit : 1;
}

/** What a finished session's summary says the run has spent. */
export function spentOf(summary: Pick<RunSummary, 'seconds' | 'episodes' | 'generations'>): BudgetSpent {
  return { seconds: summary.seconds, episodes: summary.episodes, generations: summary.generations ?? 0 };
}

/** The budget's kinds that `spent` has already reached, in words (`30 of 30 generations`); empty when it has room left. */
export function reachedKinds(budget: Budget, spent: BudgetSpent): string[] {
  const reached: string[] = [];
  for (const kind of ['seconds', 'episodes', 'generations'] as const satisfies readonly BudgetKind[]) {
    const limit = budget[kind];
    if (limit !== undefined && kindFraction(spent[kind], limit) >= 1) reached.push(`${round(spent[kind])} of ${limit} ${kind}`);
  }
  return reached;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
