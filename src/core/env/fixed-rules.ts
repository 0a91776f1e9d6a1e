// Fixed trading rules as a yardstick for a market that needs no learner: buy-and-hold, staying in
// cash, and "long while a macro feature is above zero" rules, traded over the validation and test
// splits. A learner hands the policy its validation split ranks best; the screen does the same with
// the fixed rules and asks whether that choice still beats cash and buy-and-hold on the test split.
// When it does not, the test split punishes what the validation split rewards, and a learner's
// failure there says more about the market than about the learner (docs/market-data.md).
import type { MarketData } from '../features/market-data.ts';
import { MACRO_FEATURES } from '../features/macro.ts';
import { DEFAULT_ENV_PARAMS, type EnvParams } from './params.ts';
import { ACTIONS } from './observation.ts';
import { buyAndHoldCurve, runWindow, type ObservationPolicy } from './evaluate.ts';

/** The feature rules of the screen: a fast, a medium and a slow trend signal. */
export const screenRuleFeatures = ['ret_240', 'ema_cross_60_240', 'ema_cross_240_960'] as const;

/** Long (BUY) while the named macro feature is above zero in the observation, flat (SELL) otherwise. */
export function featureRule(name: string): ObservationPolicy {
  const index = MACRO_FEATURES.findIndex((feature) => feature.name === name);
  if (index < 0) throw new RangeError(`no macro feature is called "${name}"`);
  return (observation) => (observation[index] > 0 ? ACTIONS.BUY : ACTIONS.SELL);
}

export interface RuleScore {
  /** `cash`, `buy-and-hold`, or `long while FEATURE > 0`. */
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
 * carries-over: the rule ranked first on validation beats cash and buy-and-hold on test;
 * cash-on-validation: no rule beats cash on validation, so the screen has nothing to carry over;
 * reverses: the rule ranked first on validation loses to cash or buy-and-hold on test.
 */
export type ScreenVerdict = 'carries-over' | 'cash-on-validation' | 'reverses';

export interface MarketScreen {
  rules: RuleScore[];
  /** The rule with the best validation Sharpe (the first listed wins a tie). */
  chosen: RuleScore;
  verdict: ScreenVerdict;
}

/** The screen's choice and verdict from scored rules; `rules` must include `cash` and `buy-and-hold`. */
export function chooseOnValidation(rules: RuleScore[]): MarketScreen {
  const buyAndHold = rules.find((score) => score.rule === 'buy-and-hold');
  if (!buyAndHold || !rules.some((score) => score.rule === 'cash')) throw new Error('the screen needs the cash and buy-and-hold rules');
  const chosen = rules.reduce((best, score) => (score.validationSharpe > best.validationSharpe ? score : best));
  const verdict: ScreenVerdict = chosen.rule === 'cash' ? 'cash-on-validation'
    : chosen.testSharpe > 0 && chosen.testSharpe > buyAndHold.testSharpe ? 'carries-over' : 'reverses';
  return { rules, chosen, verdict };
}

/** Scores cash, buy-and-hold and the feature rules on the market's validation and test splits. */
export function screenMarket(market: MarketData, params: EnvParams = DEFAULT_ENV_PARAMS): MarketScreen {
  const score = (rule: string, curveOn: (split: 'validation' | 'test') => ReturnType<typeof runWindow>): RuleScore => {
    const test = curveOn('test').metrics;
    return { rule, validationSharpe: curveOn('validation').metrics.sharpe, testSharpe: test.sharpe, testReturnPct: test.totalReturn * 100, testTrades: test.trades };
  };
  const rules: RuleScore[] = [
    { rule: 'cash', validationSharpe: 0, testSharpe: 0, testReturnPct: 0, testTrades: 0 },
    score('buy-and-hold', (split) => buyAndHoldCurve(market, market.splits[split], params)),
    ...screenRuleFeatures.map((name) => score(`long while ${name} > 0`, (split) => runWindow(market, market.splits[split], featureRule(name), params))),
  ];
  return chooseOnValidation(rules);
}

const verdictText: Record<ScreenVerdict, string> = {
  'carries-over': 'carries over to test',
  'cash-on-validation': 'no rule beats cash on validation',
  reverses: 'reverses on test: the test split punishes what validation rewards',
};

/** One line: which rule validation ranks first, its test Sharpe and the verdict. */
export function describeScreenVerdict(screen: MarketScreen): string {
  const { chosen, verdict } = screen;
  return `${chosen.rule} ranks first on validation (Sharpe ${chosen.validationSharpe.toFixed(2)}), test Sharpe ${chosen.testSharpe.toFixed(2)}: ${verdictText[verdict]}`;
}
