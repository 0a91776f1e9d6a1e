// The policy an RL run hands the user: the final weights unless the best-on-validation copy beat
// them on validation by more than one standard error of the Sharpe ratio, or they never trade there
// (values by hand).
import { describe, expect, it } from 'vitest';
import { chooseHandedPolicy } from '../../../src/core/rl/handed-policy.ts';
import { policyResultSchema } from '../../../src/shared/run.ts';

const minute = 60_000;
// 18,000 one-minute bars of validation: steps per year 365.25 x 1440 = 525,960, so one standard
// error is sqrt(525,960 / 18,000) = 5.4056 (times sqrt(1 + SR_step^2 / 2) = 1.0000475 for SR 10:
// SR_step = 10 / 725.23 = 0.013789) = 5.4058.

describe('chooseHandedPolicy', () => {
  it('hands the final weights when the best copy leads by less than one standard error', () => {
    const handed = chooseHandedPolicy({ update: 826, validationSharpe: 6, validationTrades: 40 }, { update: 300, validationSharpe: 10 }, 18_000, minute);
    expect(handed.final).toBe(true);
    expect(handed.description).toBe('final weights (update 826; validation Sharpe 6.00, within one standard error (5.41) of the best, 10.00 at update 300), sampled actions');
  });

  it('hands the best copy when it leads by more than one standard error', () => {
    const handed = chooseHandedPolicy({ update: 826, validationSharpe: 4.5, validationTrades: 40 }, { update: 300, validationSharpe: 10 }, 18_000, minute);
    expect(handed.final).toBe(false);
    expect(handed.description).toBe('best validation Sharpe (update 300 of 826: 10.00; final weights 4.50, more than one standard error (5.41) lower), sampled actions');
  });

  it('decides at the standard error itself (5.4056): a lead of 5.40 hands the final weights, 5.41 the copy', () => {
    expect(chooseHandedPolicy({ update: 9, validationSharpe: 10 - 5.4, validationTrades: 40 }, { update: 3, validationSharpe: 10 }, 18_000, minute).final).toBe(true);
    expect(chooseHandedPolicy({ update: 9, validationSharpe: 10 - 5.41, validationTrades: 40 }, { update: 3, validationSharpe: 10 }, 18_000, minute).final).toBe(false);
  });

  it('narrows with a longer validation split (4 x the bars: half the standard error)', () => {
    expect(chooseHandedPolicy({ update: 9, validationSharpe: 6, validationTrades: 40 }, { update: 3, validationSharpe: 10 }, 72_000, minute).final).toBe(false);
  });

  it('hands the final weights when they are the best copy or there is none', () => {
    expect(chooseHandedPolicy({ update: 40, validationSharpe: 3, validationTrades: 40 }, { update: 40, validationSharpe: 3 }, 18_000, minute))
      .toEqual({ final: true, description: 'final weights (update 40), also the best on validation, sampled actions' });
    expect(chooseHandedPolicy({ update: 40, validationSharpe: 3, validationTrades: 40 }, undefined, 18_000, minute).final).toBe(true);
  });

  it('hands the copy when the final weights never trade on validation, however close their Sharpe of 0 is', () => {
    // 0.00 against 4.98 is within one standard error (5.41), but a policy that stays in cash is not a trading policy
    const handed = chooseHandedPolicy({ update: 813, validationSharpe: 0, validationTrades: 0 }, { update: 400, validationSharpe: 4.98 }, 18_000, minute);
    expect(handed).toEqual({ final: false, description: 'best validation Sharpe (update 400 of 813: 4.98; final weights never trade on validation), sampled actions' });
    // one trade is trading: the standard-error rule decides
    expect(chooseHandedPolicy({ update: 813, validationSharpe: 0, validationTrades: 1 }, { update: 400, validationSharpe: 4.98 }, 18_000, minute).final).toBe(true);
    // a copy that did not earn either (no positive Sharpe) is no better
    expect(chooseHandedPolicy({ update: 813, validationSharpe: 0, validationTrades: 0 }, { update: 400, validationSharpe: 0 }, 18_000, minute).final).toBe(true);
  });

  it('describes itself within the result schema at any size (a 218-character text once failed a run)', () => {
    for (const [finalSharpe, bestSharpe] of [[-123_456.78, 987_654.32], [-1.5, 1e9]]) {
      for (const handed of [
        chooseHandedPolicy({ update: 123_456_789, validationSharpe: finalSharpe, validationTrades: 40 }, { update: 98_765_432, validationSharpe: bestSharpe }, 18_000, minute),
        chooseHandedPolicy({ update: 123_456_789, validationSharpe: bestSharpe - 1, validationTrades: 40 }, { update: 98_765_432, validationSharpe: bestSharpe }, 18_000, minute),
        chooseHandedPolicy({ update: 123_456_789, validationSharpe: 0, validationTrades: 0 }, { update: 98_765_432, validationSharpe: bestSharpe }, 18_000, minute),
      ]) {
        const result = { policy: handed.description, testSharpe: 1, testReturnPct: 1, testMaxDrawdownPct: 1, testTrades: 1, buyAndHoldTestSharpe: 0, randomTestSharpe: -300 };
        expect(policyResultSchema.safeParse(result).success, handed.description).toBe(true);
      }
    }
  });
});
