// Trading-env parameters (immutable, typed, validated), the action codes and the observation layout
// shared by the scalar and the vector env, and the slice of MarketData an env reads.

import type { MarketData } from '../features/market-data.ts';

/** Action codes. */
export const ACTIONS = { HOLD: 0, BUY: 1, SELL: 2 } as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];
export const ACTION_NAMES = ['HOLD', 'BUY', 'SELL'] as const;
export const ACTION_COUNT = 3;

/** Observation layout: macro(60), micro(60), position, cash fraction. */
export const MACRO_SIZE = 60;
export const MICRO_SIZE = 60;
export const POSITION_INDEX = MACRO_SIZE + MICRO_SIZE;
export const CASH_INDEX = POSITION_INDEX + 1;
export const OBSERVATION_SIZE = CASH_INDEX + 1;

export type PositionMode = 'long-only' | 'long-short';
export type PositionSizing = 'all-in' | 'fractional';

export interface EnvParams {
  /** Steps per training episode (T), an integer in [1, 1e6]. */
  readonly episodeLength: number;
  /** Capital at the start of each episode, and the denominator of the reward, in (0, 1e12]. */
  readonly startCapital: number;
  /** Taker fee as a fraction of traded notional (0.001 = 0.1%), in [0, 0.1]. */
  readonly takerFee: number;
  /** Slippage in basis points: buys fill this much above the close, sells below, in [0, 1000]. */
  readonly slippageBps: number;
  /** Reward subtracted on every step whose action changes the position, in [0, 100]. */
  readonly tradePenalty: number;
  /** `long-only` (spot) or `long-short`. */
  readonly positionMode: PositionMode;
  /** `all-in`: BUY goes fully long, SELL goes flat (or fully short). `fractional`: steps of tradeFraction. */
  readonly positionSizing: PositionSizing;
  /** Exposure change per BUY or SELL under fractional sizing: 1/k for an integer k in [1, 100]. */
  readonly tradeFraction: number;
}

export const DEFAULT_ENV_PARAMS: EnvParams = Object.freeze({
  episodeLength: 150,
  startCapital: 10_000,
  takerFee: 0.001,
  slippageBps: 0,
  tradePenalty: 0.01,
  positionMode: 'long-only',
  positionSizing: 'all-in',
  tradeFraction: 0.25,
});

/** A complete, validated, frozen parameter set from partial overrides. */
export function createEnvParams(overrides: Partial<EnvParams> = {}): EnvParams {
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_ENV_PARAMS)) throw new RangeError(`unknown env parameter ${key} (known: ${Object.keys(DEFAULT_ENV_PARAMS).join(', ')})`);
  }
  const params: EnvParams = { ...DEFAULT_ENV_PARAMS, ...overrides };
  const check = (key: keyof EnvParams, ok: boolean, range: string): void => {
    if (!ok) throw new RangeError(`env parameter ${key} must be ${range}, got ${String(params[key])}`);
  };
  check('episodeLength', Number.isInteger(params.episodeLength) && params.episodeLength >= 1 && params.episodeLength <= 1_000_000, 'an integer in [1, 1000000]');
  check('startCapital', params.startCapital > 0 && params.startCapital <= 1e12, 'in (0, 1e12]');
  check('takerFee', params.takerFee >= 0 && params.takerFee <= 0.1, 'in [0, 0.1]');
  check('slippageBps', params.slippageBps >= 0 && params.slippageBps <= 1000, 'in [0, 1000]');
  check('tradePenalty', params.tradePenalty >= 0 && params.tradePenalty <= 100, 'in [0, 100]');
  check('positionMode', params.positionMode === 'long-only' || params.positionMode === 'long-short', "'long-only' or 'long-short'");
  check('positionSizing', params.positionSizing === 'all-in' || params.positionSizing === 'fractional', "'all-in' or 'fractional'");
  const steps = 1 / params.tradeFraction;
  check('tradeFraction', params.tradeFraction > 0 && params.tradeFraction <= 1 && Math.abs(steps - Math.round(steps)) < 1e-9 && Math.round(steps) <= 100, '1/k for an integer k in [1, 100]');
  return Object.freeze(params);
}

/** Highest position level: exposure is level / maxLevel. */
export function maxPositionLevel(params: EnvParams): number {
  return params.positionSizing === 'all-in' ? 1 : Math.round(1 / params.tradeFraction);
}

/** Lowest position level (0 long-only, -maxLevel long-short). */
export function minPositionLevel(params: EnvParams): number {
  return params.positionMode === 'long-only' ? 0 : -maxPositionLevel(params);
}

/**
 * Writes which actions change the position at `level` (1) and which would be no-ops there (0):
 * HOLD always counts, BUY only below the highest level, SELL only above the lowest. A policy that
 * masks the no-ops has one way to keep a position and one way to change it, so its entropy is the
 * entropy of its trading decision (three actions left two no-op twins to spread over).
 */
export function writeActionMask(level: number, params: EnvParams, target: Uint8Array, offset: number): void {
  target[offset + ACTIONS.HOLD] = 1;
  target[offset + ACTIONS.BUY] = level < maxPositionLevel(params) ? 1 : 0;
  target[offset + ACTIONS.SELL] = level > minPositionLevel(params) ? 1 : 0;
}

/** The part of MarketData an env reads. */
export type EnvMarket = Pick<MarketData, 'rows' | 'close' | 'macro' | 'micro' | 'macroSize' | 'microSize'>;

/** Throws unless the market has the observation layout the envs assume. */
export function checkEnvMarket(market: EnvMarket): void {
  if (market.macroSize !== MACRO_SIZE || market.microSize !== MICRO_SIZE) {
    throw new RangeError(`envs need ${MACRO_SIZE} macro and ${MICRO_SIZE} micro features, got ${market.macroSize} and ${market.microSize}`);
  }
  if (market.macro.length < market.rows * MACRO_SIZE || market.micro.length < market.rows * MICRO_SIZE || market.close.length < market.rows) {
    throw new RangeError(`market arrays are shorter than its ${market.rows} rows`);
  }
}
