// The micro feature set: 60 features per bar describing the fast timescale (the last minutes on
// one-minute bars): the last 20 one-bar returns, short-horizon returns and volatility, fast
// oscillators, bar shapes, short moving-average distances, volume bursts and a fast MACD.

import type { FeatureDefinition } from './context.ts';
import {
  averageTrueRange, barRangeLag, bollinger, closeLocationLag, drawdown, efficiency, emaCross, emaDistance, macd,
  rangePosition, returnLag, returnOver, rsi, signedVolume, stochasticD, volatility, volumeRatio,
} from './builders.ts';

export const MICRO_FEATURES: readonly FeatureDefinition[] = Object.freeze([
  ...Array.from({ length: 20 }, (_, k) => returnLag(k)),
  ...[2, 3, 5, 10, 15, 30].map(returnOver),
  ...[5, 10, 20, 30].map(volatility),
  ...[7, 14, 30].map(rsi),
  ...[0, 1, 2, 3, 4].map(barRangeLag),
  ...[0, 1, 2].map(closeLocationLag),
  ...[5, 10, 20, 30].map(emaDistance),
  emaCross(5, 20), emaCross(10, 30),
  bollinger(20),
  rangePosition(14, 'stochastic_k_14'), stochasticD(14, 3),
  volumeRatio(1, 20), volumeRatio(5, 30), signedVolume(10),
  efficiency(10), efficiency(30),
  averageTrueRange(14),
  macd(12, 26, 9, 'line'), macd(12, 26, 9, 'signal'), macd(12, 26, 9, 'hist'),
  drawdown(30),
]);
