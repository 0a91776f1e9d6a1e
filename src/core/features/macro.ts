// The macro feature set: 60 features per bar describing the slow timescale (about 15 minutes to a
// day on one-minute bars): multi-horizon returns, moving-average structure, volatility regime,
// momentum oscillators, hourly block returns, ranges, volume and trend quality. Windows are in bars.

import type { FeatureDefinition } from './context.ts';
import {
  blockReturn, bollinger, efficiency, emaCross, macd, rangePosition, rangeWidth, returnOver, rsi, signedVolume,
  smaDistance, trendSlope, volatility, volatilityRatio, volumeRatio,
} from './builders.ts';

/** Bars in one macro block ("hour" on one-minute bars). */
export const MACRO_BLOCK_BARS = 60;

export const MACRO_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  ...[15, 30, 60, 120, 240, 480, 720, 1440].map(returnOver),
  ...[30, 60, 120, 240, 480, 960, 1440].map(smaDistance),
  emaCross(60, 240), emaCross(120, 480), emaCross(240, 960), emaCross(480, 1440),
  ...[60, 240, 720, 1440].map(volatility),
  volatilityRatio(60, 240), volatilityRatio(240, 1440),
  ...[60, 240, 720].map(rsi),
  macd(720, 1560, 540, 'line'), macd(720, 1560, 540, 'signal'), macd(720, 1560, 540, 'hist'),
  // The block before the latest hour and the eleven before it (the latest hour is ret_60).
  ...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((k) => blockReturn(k, MACRO_BLOCK_BARS)),
  ...[60, 240, 1440].map(rangeWidth),
  ...[60, 240, 1440].map((w) => rangePosition(w)),
  volumeRatio(60, 1440), volumeRatio(240, 1440),
  signedVolume(60), signedVolume(240),
  ...[60, 240, 960].map(efficiency),
  trendSlope(120), trendSlope(480),
  bollinger(240), bollinger(960),
]);
