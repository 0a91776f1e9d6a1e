// Which policy an RL run hands the user: its final weights, or the copy that scored best on the
// validation split (early stopping). The best of many noisy validation scores is biased upward (it
// is the maximum of the run's ~10-130 evaluations), so the copy is handed only when it beats the
// final weights on validation by more than one standard error of a Sharpe ratio on that split: a
// one-standard-error rule in the spirit of Breiman et al. (CART), preferring the most-trained
// policy among those the validation data cannot tell apart. That rule compares trading policies:
// final weights that never trade on validation have collapsed to cash (not learning, issue #11), so
// a copy that earned there is handed instead. The test split never chooses.
import { sharpeStandardError } from '../metrics/portfolio.ts';
import { barsPerYear } from '../market/stats.ts';

/** A policy candidate: the update it was taken at and its validation Sharpe. */
export interface ValidationScore {
  update: number;
  validationSharpe: number;
}

export interface HandedPolicy {
  /** True: the final weights; false: the best-on-validation copy. */
  final: boolean;
  /** How it was chosen, in words (the result's `policy`). */
  description: string;
}

/** The final weights' score, with how often they traded on validation. */
export interface FinalValidationScore extends ValidationScore {
  validationTrades: number;
}

/**
 * `final` is the final weights' score (the run's last evaluation), `best` the best-on-validation
 * copy (undefined: none kept), `validationSteps` the validation split's length in bars.
 */
export function chooseHandedPolicy(final: FinalValidationScore, best: ValidationScore | undefined, validationSteps: number, barIntervalMs: number): HandedPolicy {
  if (!best || best.update === final.update) {
    return { final: true, description: `final weights (update ${final.update}), also the best on validation, sampled actions` };
  }
  // a positive Sharpe means the copy held a position: it traded
  if (final.validationTrades === 0 && best.validationSharpe > 0) {
    return { final: false, description: `best validation Sharpe (update ${best.update} of ${final.update}: ${fixed(best.validationSharpe)}; final weights never trade on validation), sampled actions` };
  }
  const margin = sharpeStandardError(best.validationSharpe, validationSteps, barsPerYear(barIntervalMs));
  const lead = best.validationSharpe - final.validationSharpe;
  // short enough for the result's `policy` (at most 200 characters) at any update count and score
  return lead > margin
    ? { final: false, description: `best validation Sharpe (update ${best.update} of ${final.update}: ${fixed(best.validationSharpe)}; final weights ${fixed(final.validationSharpe)}, more than one standard error (${fixed(margin)}) lower), sampled actions` }
    : { final: true, description: `final weights (update ${final.update}; validation Sharpe ${fixed(final.validationSharpe)}, within one standard error (${fixed(margin)}) of the best, ${fixed(best.validationSharpe)} at update ${best.update}), sampled actions` };
}

function fixed(value: number): string {
  return value.toFixed(2);
}
