// The fixed-rule market screen: its choice and verdict from hand-written scores, the feature rule's
// actions, and the scores it computes on a small market against the env's own evaluation.
import { describe, expect, it } from 'vitest';
import { screenFromScores, featureRule, featureRuleName, screenHeadline, screenMarket, screenRules, type RuleScore } from '../../../src/core/env/fixed-rules.ts';
import { MACRO_FEATURES } from '../../../src/core/features/macro.ts';
import { buyAndHoldCurve, runWindow } from '../../../src/core/env/evaluate.ts';
import { ACTIONS, OBSERVATION_WIDTH } from '../../../src/core/env/observation.ts';
import { regimeMarket } from '../../fixtures/market.ts';

const score = (rule: string, validationSharpe: number, testSharpe: number): RuleScore => ({ rule, validationSharpe, testSharpe, testReturnPct: 0, testTrades: 0 });
const cash = score('cash', 0, 0);

describe('screenFromScores', () => {
  it('carries over when the rule ranked first on validation beats cash and buy-and-hold on test', () => {
    const screen = screenFromScores([cash, score('buy-and-hold', 19.2, -3.6), score('fast', 51.9, 11.1), score('slow', 44.7, 22.0)]);
    expect(screen.chosen.rule).toBe('fast'); // the test split never chooses: slow did better there
    expect(screen.bestOnTest.rule).toBe('slow'); // it only describes what the test split allows
    expect(screen.earningOnTest).toBe(2);
    expect(screen.verdict).toBe('carries-over');
  });

  it('reverses when that rule loses to cash or to buy-and-hold on test while another rule earns there', () => {
    expect(screenFromScores([cash, score('buy-and-hold', 8.9, -18.7), score('slow', 18.1, -26.7), score('contrarian', -3, 2)]).verdict).toBe('reverses');
    // positive, but below a rising buy-and-hold that another rule beats
    expect(screenFromScores([cash, score('buy-and-hold', 5, 9), score('slow', 18, 4), score('fast', 2, 10)]).verdict).toBe('reverses');
  });

  it('says nothing earns on test when no rule beats both cash and buy-and-hold there, whatever validation ranks first', () => {
    const falling = screenFromScores([cash, score('buy-and-hold', 8.9, -18.7), score('slow', 18.1, -26.7), score('contrarian', -4.8, -1.1)]);
    expect(falling.earningOnTest).toBe(0);
    expect(falling.bestOnTest.rule).toBe('contrarian'); // cash is not a rule to find
    expect(falling.verdict).toBe('nothing-earns-on-test');
    // a rising test split that no rule beats: buy-and-hold earns, but the bar is above it
    expect(screenFromScores([cash, score('buy-and-hold', 5, 9), score('slow', 18, 4)]).verdict).toBe('nothing-earns-on-test');
  });

  it('says so when nothing beats cash on validation, and ties go to the rule listed first', () => {
    const screen = screenFromScores([cash, score('buy-and-hold', -10.4, 1.5), score('slow', -8.5, -0.5), score('also zero', 0, 9)]);
    expect(screen.chosen.rule).toBe('cash');
    expect(screen.verdict).toBe('cash-on-validation');
    expect(() => screenFromScores([score('slow', 1, 1)])).toThrow(/cash and buy-and-hold/);
  });
});

describe('featureRule', () => {
  it('is long while the feature is above zero (or below, with sign -1) and flat otherwise, and refuses an unknown feature', () => {
    const above = featureRule('ema_cross_240_960');
    const below = featureRule('ema_cross_240_960', -1);
    const observation = new Float32Array(OBSERVATION_WIDTH);
    observation[17] = 0.3; // ema_cross_240_960 is macro feature 17
    expect([above(observation, 0), below(observation, 0)]).toEqual([ACTIONS.BUY, ACTIONS.SELL]);
    observation[17] = -0.3;
    expect([above(observation, 1), below(observation, 1)]).toEqual([ACTIONS.SELL, ACTIONS.BUY]);
    observation[17] = 0;
    expect([above(observation, 2), below(observation, 2)]).toEqual([ACTIONS.SELL, ACTIONS.SELL]);
    expect(() => featureRule('ema_cross_1_2')).toThrow(/no macro feature is called "ema_cross_1_2"/);
  });
});

describe('screenMarket', () => {
  const market = regimeMarket(3000, 4);
  const screen = screenMarket(market);

  it('scores cash, buy-and-hold and both rules of every macro feature over the whole validation and test splits', () => {
    expect(screenRules).toHaveLength(2 * MACRO_FEATURES.length);
    expect(screen.rules.map((rule) => rule.rule)).toEqual(['cash', 'buy-and-hold', ...MACRO_FEATURES.flatMap((f) => [`long while ${f.name} > 0`, `long while ${f.name} < 0`])]);
    expect(screen.rules[0]).toEqual(score('cash', 0, 0));
    const hold = buyAndHoldCurve(market, market.splits.test).metrics;
    expect(screen.rules[1]).toMatchObject({ testSharpe: hold.sharpe, testReturnPct: hold.totalReturn * 100, testTrades: 1 });
  });

  it('gives each feature rule what the scalar env gives it alone (the batch is only faster)', () => {
    for (const [name, sign] of [['ema_cross_240_960', 1], ['ret_60', -1], [MACRO_FEATURES[0].name, 1]] as const) {
      const row = screen.rules.find((rule) => rule.rule === featureRuleName(name, sign))!;
      const validation = runWindow(market, market.splits.validation, featureRule(name, sign)).metrics;
      const test = runWindow(market, market.splits.test, featureRule(name, sign)).metrics;
      expect(row.validationSharpe).toBeCloseTo(validation.sharpe, 9);
      expect(row).toMatchObject({ testTrades: test.trades });
      expect(row.testSharpe).toBeCloseTo(test.sharpe, 9);
      expect(row.testReturnPct).toBeCloseTo(test.totalReturn * 100, 9);
    }
    expect(screen.chosen.validationSharpe).toBe(Math.max(...screen.rules.map((rule) => rule.validationSharpe)));
    expect(screen.bestOnTest.testSharpe).toBe(Math.max(...screen.rules.slice(1).map((rule) => rule.testSharpe)));
  });

  it('has a headline without the per-rule list', () => {
    const headline = screenHeadline(screen);
    expect(headline).not.toHaveProperty('rules');
    expect(headline).toMatchObject({ featureRuleCount: screenRules.length, buyAndHold: screen.rules[1], chosen: screen.chosen, verdict: screen.verdict });
  });
});
