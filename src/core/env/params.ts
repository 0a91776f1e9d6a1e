// Trading-env parameters (immutable, typed) shared by the scalar and the vector env, and the slice of
// MarketData an env reads. The observation layout and the action codes are in observation.ts;
// parameters are validated in create-params.ts, apart from this file, so that the threads that only
// step envs with parameters checked already (NEAT evaluation) do not load zod (~18 MB an isolate).

import type { MarketData } from '../features/market-data.ts';
import { envSettings } from '../../shared/settings/env.ts';
import { defaultsOf, type SettingValue } from '../../shared/settings/declare.ts';
import { ACTIONS, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT } from './observation.ts';

type EnvSettings = SettingValue<typeof envSettings>;

export type PositionMode = EnvSettings['positionMode'];
export type PositionSizing = EnvSettings['positionSizing'];

/** The env's parameters: the env settings (src/shared/settings/env.ts) and the episode length. */
export interface EnvParams extends Readonly<EnvSettings> {
  /** Steps per training episode (T), an integer in [1, 1e6]; each trainer sets it from its own setting. */
  readonly episodeLength: number;
}

export const DEFAULT_ENV_PARAMS: EnvParams = Object.freeze({ episodeLength: 150, ...defaultsOf(envSettings) });

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
  if (market.macroSize !== MACRO_FEATURE_COUNT || market.microSize !== MICRO_FEATURE_COUNT) {
    throw new RangeError(`envs need ${MACRO_FEATURE_COUNT} macro and ${MICRO_FEATURE_COUNT} micro features, got ${market.macroSize} and ${market.microSize}`);
  }
  if (market.macro.length < market.rows * MACRO_FEATURE_COUNT || market.micro.length < market.rows * MICRO_FEATURE_COUNT || market.close.length < market.rows) {
    throw new RangeError(`market arrays are shorter than its ${market.rows} rows`);
  }
}
