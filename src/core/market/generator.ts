// The synthetic market behind the embedded default dataset: a seeded regime-switching process with
// persistent trending and mean-reverting regimes, GARCH(1,1) volatility clustering and rare jumps.
// Trends last hundreds of bars and carry a drift several times the per-bar noise over an hour, so a
// policy that reads the macro features can beat buy-and-hold; docs/market-data.md explains the rest.

import { Random } from '../random.ts';
import { createSeries, type OhlcvSeries } from './series.ts';

/** Regime codes stored per bar by the generator. */
export const MARKET_REGIMES = { bull: 0, bear: 1, meanReverting: 2 } as const;
export type MarketRegime = (typeof MARKET_REGIMES)[keyof typeof MARKET_REGIMES];

export interface RegimeMarketParams {
  /** RNG seed; the embedded dataset uses 20240101. */
  readonly seed: number;
  /** Number of bars, >= 2. */
  readonly bars: number;
  /** Open time of the first bar, epoch ms UTC. */
  readonly startTimeMs: number;
  /** Bar interval, ms (> 0). */
  readonly intervalMs: number;
  /** First open price (> 0). */
  readonly startPrice: number;
  /** Mean drift per bar of a trend regime, as a log return (> 0); bear trends use its negative. */
  readonly trendDrift: number;
  /** Each trend draws its drift uniformly in [1 - spread, 1 + spread] x trendDrift, spread in [0, 1). */
  readonly trendDriftSpread: number;
  /** Mean length of a trend regime, bars. */
  readonly trendMeanBars: number;
  /** Mean length of a mean-reverting regime, bars. */
  readonly meanRevertingMeanBars: number;
  /** Shortest regime, bars; lengths are this plus an exponential tail. */
  readonly minRegimeBars: number;
  /** Pull per bar of log price toward the level where a mean-reverting regime began, in (0, 1). */
  readonly meanReversionRate: number;
  /** Probability that a regime is followed by a trend rather than a mean-reverting regime. */
  readonly trendProbability: number;
  /** Strength of the pull of trend direction toward the start price (keeps 200k bars in a sane range). */
  readonly anchorPull: number;
  /** Unconditional volatility per bar (std of the log return) of the GARCH process. */
  readonly volatility: number;
  /** GARCH(1,1) weight of the last squared shock (alpha). */
  readonly garchAlpha: number;
  /** GARCH(1,1) weight of the last variance (beta); alpha + beta < 1. */
  readonly garchBeta: number;
  /** Volatility multiplier inside mean-reverting regimes. */
  readonly meanRevertingVolatilityScale: number;
  /** Probability of a jump on each bar. */
  readonly jumpProbability: number;
  /** Std of a jump, as a log return. */
  readonly jumpSize: number;
  /** Median volume per bar in quiet conditions. */
  readonly baseVolume: number;
}

/** The parameters of the embedded default dataset (200,000 one-minute bars from 2024-01-01). */
export const DEFAULT_MARKET_PARAMS: RegimeMarketParams = Object.freeze({
  seed: 20240101,
  bars: 200_000,
  startTimeMs: Date.UTC(2024, 0, 1),
  intervalMs: 60_000,
  startPrice: 30_000,
  trendDrift: 0.0001,
  trendDriftSpread: 0.5,
  trendMeanBars: 720,
  meanRevertingMeanBars: 480,
  minRegimeBars: 240,
  meanReversionRate: 0.02,
  trendProbability: 0.6,
  anchorPull: 2,
  volatility: 0.0007,
  garchAlpha: 0.06,
  garchBeta: 0.92,
  meanRevertingVolatilityScale: 0.8,
  jumpProbability: 0.0003,
  jumpSize: 0.008,
  baseVolume: 50,
});

export interface RegimeMarket {
  /** Bars whose prices and volumes are Float32-representable (the embedded file stores Float32). */
  readonly series: OhlcvSeries;
  /** Regime of each bar (MARKET_REGIMES codes), for diagnostics and tests. */
  readonly regimes: Uint8Array;
}

/** Checks parameters, naming the bad key and its allowed range. */
export function validateMarketParams(params: RegimeMarketParams): void {
  const check = (key: keyof RegimeMarketParams, ok: boolean, range: string): void => {
    if (!ok) throw new RangeError(`market parameter ${key} must be ${range}, got ${params[key]}`);
  };
  check('seed', Number.isInteger(params.seed) && params.seed >= 0 && params.seed < 2 ** 32, 'an integer in [0, 2^32)');
  check('bars', Number.isInteger(params.bars) && params.bars >= 2 && params.bars <= 50_000_000, 'an integer in [2, 5e7]');
  check('startTimeMs', Number.isFinite(params.startTimeMs), 'finite');
  check('intervalMs', params.intervalMs > 0, '> 0');
  check('startPrice', params.startPrice > 0 && params.startPrice < 1e30, 'in (0, 1e30)');
  check('trendDrift', params.trendDrift > 0 && params.trendDrift < 0.1, 'in (0, 0.1)');
  check('trendDriftSpread', params.trendDriftSpread >= 0 && params.trendDriftSpread < 1, 'in [0, 1)');
  check('trendMeanBars', params.trendMeanBars >= params.minRegimeBars, '>= minRegimeBars');
  check('meanRevertingMeanBars', params.meanRevertingMeanBars >= params.minRegimeBars, '>= minRegimeBars');
  check('minRegimeBars', Number.isInteger(params.minRegimeBars) && params.minRegimeBars >= 1, 'an integer >= 1');
  check('meanReversionRate', params.meanReversionRate > 0 && params.meanReversionRate < 1, 'in (0, 1)');
  check('trendProbability', params.trendProbability >= 0 && params.trendProbability <= 1, 'in [0, 1]');
  check('anchorPull', params.anchorPull >= 0, '>= 0');
  check('volatility', params.volatility > 0 && params.volatility < 0.5, 'in (0, 0.5)');
  check('garchAlpha', params.garchAlpha >= 0, '>= 0');
  check('garchBeta', params.garchBeta >= 0 && params.garchAlpha + params.garchBeta < 1, '>= 0 with garchAlpha + garchBeta < 1');
  check('meanRevertingVolatilityScale', params.meanRevertingVolatilityScale > 0, '> 0');
  check('jumpProbability', params.jumpProbability >= 0 && params.jumpProbability <= 1, 'in [0, 1]');
  check('jumpSize', params.jumpSize >= 0 && params.jumpSize < 1, 'in [0, 1)');
  check('baseVolume', params.baseVolume > 0, '> 0');
}

/** Generates the market. The same parameters always give the same bars, bit for bit. */
export function generateRegimeMarket(overrides: Partial<RegimeMarketParams> = {}): RegimeMarket {
  const params: RegimeMarketParams = { ...DEFAULT_MARKET_PARAMS, ...overrides };
  validateMarketParams(params);
  const random = new Random(params.seed);
  const series = createSeries(params.bars);
  const regimes = new Uint8Array(params.bars);
  const anchorLog = Math.log(params.startPrice);
  const garchOmega = params.volatility * params.volatility * (1 - params.garchAlpha - params.garchBeta);
  let variance = params.volatility * params.volatility;
  let lastShock = 0;
  let price = Math.fround(params.startPrice);

  let regime: MarketRegime = MARKET_REGIMES.meanReverting;
  let regimeBarsLeft = 0;
  let drift = 0;
  let meanLevel = Math.log(price);
  for (let t = 0; t < params.bars; t++) {
    if (regimeBarsLeft === 0) {
      // Choose the next regime. Trend direction leans back toward the start price so the series stays bounded.
      const logPrice = Math.log(price);
      if (random.nextFloat() < params.trendProbability) {
        const bullProbability = 1 / (1 + Math.exp(params.anchorPull * (logPrice - anchorLog)));
        regime = random.nextFloat() < bullProbability ? MARKET_REGIMES.bull : MARKET_REGIMES.bear;
        const magnitude = params.trendDrift * random.uniform(1 - params.trendDriftSpread, 1 + params.trendDriftSpread);
        drift = regime === MARKET_REGIMES.bull ? magnitude : -magnitude;
        regimeBarsLeft = regimeLength(random, params.minRegimeBars, params.trendMeanBars);
      } else {
        regime = MARKET_REGIMES.meanReverting;
        drift = 0;
        meanLevel = logPrice;
        regimeBarsLeft = regimeLength(random, params.minRegimeBars, params.meanRevertingMeanBars);
      }
    }
    regimeBarsLeft--;
    regimes[t] = regime;

    variance = garchOmega + params.garchAlpha * lastShock * lastShock + params.garchBeta * variance;
    const scale = regime === MARKET_REGIMES.meanReverting ? params.meanRevertingVolatilityScale : 1;
    const sigma = Math.sqrt(variance) * scale;
    let shock = sigma * random.normal();
    if (random.nextFloat() < params.jumpProbability) shock += params.jumpSize * random.normal();
    lastShock = shock / scale; // jumps feed the variance, so volatility clusters after them

    const open = price;
    const pull = regime === MARKET_REGIMES.meanReverting ? -params.meanReversionRate * (Math.log(open) - meanLevel) : drift;
    const logReturn = pull + shock;
    const close = Math.fround(open * Math.exp(logReturn));
    const upperWick = Math.abs(random.normal()) * sigma * 0.5;
    const lowerWick = Math.abs(random.normal()) * sigma * 0.5;
    const high = Math.fround(Math.max(open, close) * Math.exp(upperWick));
    const low = Math.fround(Math.min(open, close) * Math.exp(-lowerWick));
    const activity = 1 + 2 * Math.min(5, Math.abs(logReturn) / params.volatility);
    const regimeActivity = regime === MARKET_REGIMES.meanReverting ? 0.8 : 1.2;
    const volume = Math.fround(params.baseVolume * regimeActivity * activity * Math.exp(0.4 * random.normal()));

    series.timestamps[t] = params.startTimeMs + t * params.intervalMs;
    series.open[t] = open;
    series.high[t] = high;
    series.low[t] = low;
    series.close[t] = close;
    series.volume[t] = volume;
    price = close;
  }
  return { series, regimes };
}

/** A regime length: the minimum plus an exponential tail with the requested mean. */
function regimeLength(random: Random, minimum: number, mean: number): number {
  const tail = mean - minimum;
  return minimum + Math.floor(-Math.log(1 - random.nextFloat()) * tail);
}
