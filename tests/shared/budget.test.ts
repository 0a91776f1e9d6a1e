// Budget arithmetic shared by the run loop and the host: the fraction spent over all sessions, and
// which kinds a run has already reached (a continued run needs a budget with room left).
import { describe, expect, it } from 'vitest';
import { budgetFraction, reachedKinds, spentOf } from '../../src/shared/budget.ts';

describe('budget', () => {
  const spent = { seconds: 30, episodes: 500, generations: 30 };

  it('is the largest fraction over the kinds the budget sets, at most 1', () => {
    expect(budgetFraction({ seconds: 60 }, spent)).toBe(0.5);
    expect(budgetFraction({ seconds: 60, generations: 40 }, spent)).toBe(0.75);
    expect(budgetFraction({ episodes: 250 }, spent)).toBe(1);
    expect(budgetFraction({ seconds: 0 }, spent)).toBe(1);
  });

  it('names the kinds already reached', () => {
    expect(reachedKinds({ generations: 30 }, spent)).toEqual(['30 of 30 generations']);
    expect(reachedKinds({ generations: 60, seconds: 20 }, spent)).toEqual(['30 of 20 seconds']);
    expect(reachedKinds({ generations: 60 }, spent)).toEqual([]);
  });

  it('reads what a summary says was spent; no generations for trainers without them', () => {
    expect(spentOf({ seconds: 12.5, episodes: 40 })).toEqual({ seconds: 12.5, episodes: 40, generations: 0 });
    expect(spentOf({ seconds: 1, episodes: 2, generations: 3 })).toEqual({ seconds: 1, episodes: 2, generations: 3 });
  });
});
