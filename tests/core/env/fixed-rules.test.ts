// The fixed-rule market screen: its choice and verdict from hand-written scores, the feature rule's
// actions, and the scores it computes on a small market against the env's own evaluation.
import { describe, expect, it } from 'vitest';
import { chooseOnValidation, featureRule, screenMarket, screenRuleFeatures, type RuleScore } from '../../../src/core/env/fixed-rules.ts';
import { buyAndHoldCurve, runWindow } from '../../../src/core/env/evaluate.ts';
import { ACTIONS, OBSERVATION_WIDTH } from '../../../src/core/env/observation.ts';
import { regimeMarket } from '../../fixtures/market.ts';

const score = (rule: string, validationSharpe: number, testSharpe: number): RuleScore => ({ rule, validationSharpe, testSharpe, testReturnPct: 0, testTrades: 0 });
const cash = score('cash', 0, 0);

describe('chooseOnValidation', () => {
  it('carries over when the rule ranked first on validation beats cash and buy-and-hold on test', () => {
    const screen = chooseOnValidation([cash, score('buy-and-hold', 19.2, -3.6), score('fast', 51.9, 11.1), score('slow', 44.7, 22.0)]);
    expect(screen.chosen.rule).toBe('fast'); // the test split never chooses: slow did better there
    expect(screen.verdict).toBe('carries-over');
  });

  it('reverses when that rule loses to cash or to buy-and-hold on test', () => {
    expect(chooseOnValidation([cash, score('buy-and-hold', 8.9, -18.7), score('slow', 18.1, -26.7)]).verdict).toBe('reverses');
    // positive, but below a rising buy-and-hold
    expect(chooseOnValidation([cash, score('buy-and-hold', 5, 9), score('slow', 18, 4)]).verdict).toBe('reverses');
  });

  it('says so when nothing beats cash on validation, and ties go to the rule listed first', () => {
    const screen = chooseOnValidation([cash, score('buy-and-hold', -10.4, 1.5), score('slow', -8.5, -0.5), score('also zero', 0, 9)]);
    expect(screen.chosen.rule).toBe('cash');
    expect(screen.verdict).toBe('cash-on-validation');
    expect(() => chooseOnValidation([score('slow', 1, 1)])).toThrow(/cash and buy-and-hold/);
  });
});

describe('featureRule', () => {
  it('is long while the feature is above zero and flat otherwise, and refuses an unknown feature', () => {
    const rule = featureRule('ema_cross_240_960');
    const observation = new Float32Array(OBSERVATION_WIDTH);
    observation[17] = 0.3; // ema_cross_240_960 is macro feature 17
    expect(rule(observation, 0)).toBe(ACTIONS.BUY);
    observation[17] = 0;
    expect(rule(observation, 1)).toBe(ACTIONS.SELL);
    expect(() => featureRule('ema_cross_1_2')).toThrow(/no macro feature is called "ema_cross_1_2"/);
  });
});

describe('screenMarket', () => {
  it('scores cash, buy-and-hold and each feature rule over the whole validation and test splits', () => {
    const market = regimeMarket(3000, 4);
    const screen = screenMarket(market);
    expect(screen.rules.map((rule) => rule.rule)).toEqual(['cash', 'buy-and-hold', ...screenRuleFeatures.map((name) => `long while ${name} > 0`)]);
    expect(screen.rules[0]).toEqual(score('cash', 0, 0));
    const hold = buyAndHoldCurve(market, market.splits.test).metrics;
    expect(screen.rules[1]).toMatchObject({ testSharpe: hold.sharpe, testReturnPct: hold.totalReturn * 100, testTrades: 1 });
    const slow = runWindow(market, market.splits.validation, featureRule('ema_cross_240_960')).metrics;
    expect(screen.rules[4].validationSharpe).toBe(slow.sharpe);
    expect(screen.chosen.validationSharpe).toBe(Math.max(...screen.rules.map((rule) => rule.validationSharpe)));
  });
});
