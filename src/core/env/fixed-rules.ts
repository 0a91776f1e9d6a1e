// Fixed trading rules as a yardstick for a market that needs no learner: buy-and-hold, staying in
// cash, and for every macro feature "long while it is above zero" and "long while it is below zero",
// traded over the validation and test splits. A learner hands the policy its validation split ranks
// best; the screen does the same with the fixed rules and asks whether that choice still beats cash
// and buy-and-hold on the test split. It also reports the best any rule does on the test split (a
// description of the market, never a choice): when no rule earns there, a long-only learner that
// fails says more about the market than about itself (docs/market-data.md).
import type { MarketData } from '../features/market-data.ts';
import { MACRO_FEATURES } from '../features/macro.ts';
import { DEFAULT_ENV_PARAMS, type EnvParams } from './params.ts';
import { ACTIONS, OBSERVATION_WIDTH } from './observation.ts';
import { buyAndHoldCurve, runWindowBatch, type ObservationPolicy } from './evaluate.ts';
import type { BarRange } from '../features/splits.ts';
import type { PortfolioMetrics } from '../metrics/portfolio.ts';

/** +1: long while the feature is above zero; -1: long while it is below zero. */
export type RuleSign = 1 | -1;

/** One feature rule per macro feature and sign, in feature order, the above-zero rule first. */
export const screenRules: readonly { feature: string; index: number; sign: RuleSign }[] = Object.freeze(
  MACRO_FEATURES.flatMap((feature, index) => [{ feature: feature.name, index, sign: 1 as const }, { feature: feature.name, index, sign: -1 as const }]),
);

/** The rule's name as the screen lists it. */
export function featureRuleName(feature: string, sign: RuleSign = 1): string {
  return `long while ${feature} ${sign > 0 ? '>' : '<'} 0`;
}

/** A feature rule's action for one value of its feature: long (BUY) on the sign's side of zero, flat (SELL) otherwise. */
function ruleAction(sign: RuleSign, value: number): number {
  return sign * value > 0 ? ACTIONS.BUY : ACTIONS.SELL;
}

/** Long while the named macro feature is above zero (sign 1) or below it (sign -1), flat otherwise. */
export function featureRule(name: string, sign: RuleSign = 1): ObservationPolicy {
  const index = MACRO_FEATURES.findIndex((feature) => feature.name === name);
  if (index < 0) throw new RangeError(`no macro feature is called "${name}"`);
  return (observation) => ruleAction(sign, observation[index]);
}

export interface RuleScore {
  /** `cash`, `buy-and-hold`, or `long while FEATURE > 0` (or `< 0`). */
  rule: string;
  /** Annualised Sharpe over the whole validation split. */
  validationSharpe: number;
  /** Annualised Sharpe over the whole test split. */
  testSharpe: number;
  /** Return over the test split, in %. */
  testReturnPct: number;
  /** Position changes over the test split. */
  testTrades: number;
}

/**
 * nothing-earns-on-test: no rule beats both cash and buy-and-hold on test (issue #11's bar for a learner);
 * cash-on-validation: no rule beats cash on validation, so the screen has nothing to carry over;
 * carries-over: the rule ranked first on validation beats cash and buy-and-hold on test;
 * reverses: the rule ranked first on validation loses to cash or buy-and-hold on test, though some rule earns there.
 */
export type ScreenVerdict = 'nothing-earns-on-test' | 'cash-on-validation' | 'carries-over' | 'reverses';

export interface MarketScreen {
  /** Cash, buy-and-hold, then the feature rules in `screenRules` order. */
  rules: RuleScore[];
  /** The rule with the best validation Sharpe (the first listed wins a tie). */
  chosen: RuleScore;
  /** The rule other than cash with the best test Sharpe: what the test split allows a fixed rule, never a choice. */
  bestOnTest: RuleScore;
  /** Feature rules whose test Sharpe is above 0 and above buy-and-hold's. */
  earningOnTest: number;
  verdict: ScreenVerdict;
}

const beatsOnTest = (score: RuleScore, buyAndHold: RuleScore): boolean => score.testSharpe > 0 && score.testSharpe > buyAndHold.testSharpe;

/** The screen from scored rules (validation's choice, the best on test, the verdict); `rules` must include `cash` and `buy-and-hold`. */
export function screenFromScores(rules: RuleScore[]): MarketScreen {
  const buyAndHold = rules.find((score) => score.rule === 'buy-and-hold');
  if (!buyAndHold || !rules.some((score) => score.rule === 'cash')) throw new Error('the screen needs the cash and buy-and-hold rules');
  const chosen = rules.reduce((best, score) => (score.validationSharpe > best.validationSharpe ? score : best));
  const bestOnTest = rules.filter((score) => score.rule !== 'cash').reduce((best, score) => (score.testSharpe > best.testSharpe ? score : best));
  const earningOnTest = rules.filter((score) => beatsOnTest(score, buyAndHold)).length;
  const verdict: ScreenVerdict = earningOnTest === 0 ? 'nothing-earns-on-test'
    : chosen.rule === 'cash' ? 'cash-on-validation'
      : beatsOnTest(chosen, buyAndHold) ? 'carries-over' : 'reverses';
  return { rules, chosen, bestOnTest, earningOnTest, verdict };
}

/** Every feature rule over one split at once (the vector env, one member per rule). */
function featureRuleMetrics(market: MarketData, range: BarRange, params: EnvParams) {
  return runWindowBatch(market, range, screenRules.length, (observations, actions) => {
    screenRules.forEach(({ index, sign }, member) => {
      actions[member] = ruleAction(sign, observations[member * OBSERVATION_WIDTH + index]);
    });
  }, params).map((curve) => curve.metrics);
}

/** A rule's score from its metrics over the whole validation and test splits. */
function scoreOf(rule: string, validation: PortfolioMetrics, test: PortfolioMetrics): RuleScore {
  return { rule, validationSharpe: validation.sharpe, testSharpe: test.sharpe, testReturnPct: test.totalReturn * 100, testTrades: test.trades };
}

/** Scores cash, buy-and-hold and every feature rule on the market's validation and test splits. */
export function screenMarket(market: MarketData, params: EnvParams = DEFAULT_ENV_PARAMS): MarketScreen {
  const validation = featureRuleMetrics(market, market.splits.validation, params);
  const test = featureRuleMetrics(market, market.splits.test, params);
  const hold = (split: 'validation' | 'test') => buyAndHoldCurve(market, market.splits[split], params).metrics;
  return screenFromScores([
    { rule: 'cash', validationSharpe: 0, testSharpe: 0, testReturnPct: 0, testTrades: 0 },
    scoreOf('buy-and-hold', hold('validation'), hold('test')),
    ...screenRules.map(({ feature, sign }, member) => scoreOf(featureRuleName(feature, sign), validation[member], test[member])),
  ]);
}

const verdictText: Record<ScreenVerdict, string> = {
  'nothing-earns-on-test': 'no fixed rule beats both cash and buy-and-hold on test, so a learner that fails there may have chosen correctly on what it could see',
  'cash-on-validation': 'no rule beats cash on validation',
  'carries-over': 'carries over to test',
  reverses: 'reverses on test: the test split punishes what validation rewards',
};

/** One line: which rule validation ranks first, its test Sharpe, the best on test, and the verdict. */
export function describeScreenVerdict(screen: MarketScreen): string {
  const { chosen, bestOnTest, earningOnTest, rules, verdict } = screen;
  return `${chosen.rule} ranks first on validation (Sharpe ${chosen.validationSharpe.toFixed(2)}), test Sharpe ${chosen.testSharpe.toFixed(2)}; `
    + `best on test ${bestOnTest.rule} (${bestOnTest.testSharpe.toFixed(2)}), ${earningOnTest} of ${rules.length - 2} feature rules beat cash and buy-and-hold on test: ${verdictText[verdict]}`;
}

/** The screen without its per-rule list, for reports that keep many screens: counts and the rules that decide. */
export function screenHeadline(screen: MarketScreen) {
  const { rules, ...decided } = screen;
  return { ...decided, buyAndHold: rules.find((score) => score.rule === 'buy-and-hold'), featureRuleCount: rules.length - 2 };
}
