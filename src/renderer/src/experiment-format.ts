// How an experiment's figures, points and groups read in the window: one place decides each
// figure's label and unit, so tables, charts and the compare view say the same thing.
import type { ExperimentFigure, ExperimentGroup, ExperimentSpec, SettingValue } from '../../shared/experiment.ts';
import type { TrainerName } from '../../shared/run.ts';
import { palette } from './charts/chart-setup.ts';
import { formatDecimal, formatInteger } from './format.ts';

/** The throughput unit of a trainer's runs (NEAT counts generations, the others episodes). */
export function throughputUnit(trainer: TrainerName): string {
  return trainer === 'neat' ? 'generations/min' : 'episodes/min';
}

export interface FigureFormat {
  label: string;
  /** The unit in words, for table headers and axis titles. */
  unit: string;
  /** The short unit written after numbers. */
  suffix: string;
  /** The number alone. */
  number: (value: number | undefined) => string;
  /** The value with its unit. */
  format: (value: number | undefined) => string;
  /** A `[low, high]` interval with its unit. */
  interval: (interval: [number, number]) => string;
}

function figureFormatOf(label: string, unit: string, suffix: string, number: (value: number | undefined) => string): FigureFormat {
  return {
    label,
    unit,
    suffix,
    number,
    format: (value) => (number(value) === '—' ? '—' : `${number(value)} ${suffix}`),
    interval: ([low, high]) => `[${number(low)}, ${number(high)}] ${suffix}`,
  };
}

/** Label, unit and formatting of each summarised figure, for the given trainer. */
export function figureFormat(figure: ExperimentFigure, trainer: TrainerName): FigureFormat {
  const decimals = (value: number | undefined) => formatDecimal(value);
  switch (figure) {
    case 'testSharpe':
      return figureFormatOf('Test Sharpe', 'annualised Sharpe ratio', 'Sharpe', decimals);
    case 'finalPolicyTestSharpe':
      return figureFormatOf('Final weights test Sharpe', 'annualised Sharpe ratio', 'Sharpe', decimals);
    case 'testReturnPct':
      return figureFormatOf('Test return', '% of starting equity', '%', decimals);
    case 'testMaxDrawdownPct':
      return figureFormatOf('Test max drawdown', '% below the running peak', '%', decimals);
    case 'testTrades':
      return figureFormatOf('Test trades', 'position changes', 'trades', (value) => formatDecimal(value, 1));
    case 'throughput':
      return figureFormatOf('Throughput', `${throughputUnit(trainer)}, whole run`, throughputUnit(trainer), formatInteger);
  }
}

/** The figures the summary table shows, in order. */
export const summaryFigures: ExperimentFigure[] = ['testSharpe', 'testReturnPct', 'testMaxDrawdownPct', 'testTrades', 'throughput'];

/** A point of the space as `key=value, key=value`, or `no varied settings`. */
export function describePoint(params: Record<string, SettingValue>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'no varied settings' : entries.map(([key, value]) => `${key}=${formatSetting(value)}`).join(', ');
}

export function formatSetting(value: SettingValue): string {
  if (typeof value !== 'number') return String(value);
  // Random draws are long floats: four significant digits read well and still tell points apart.
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}

/** A group's legend label: its mode, and its point when the space varies anything. */
export function groupLabel(group: Pick<ExperimentGroup, 'mode' | 'params'>): string {
  return Object.keys(group.params).length === 0 ? group.mode : `${group.mode} · ${describePoint(group.params)}`;
}

export function samePoint(a: Record<string, SettingValue>, b: Record<string, SettingValue>): boolean {
  // The host builds every params object from the spec's key order, so key order is stable.
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A colour per group: the palette first, then evenly spaced hues for large sweeps. */
export function seriesColour(index: number, count: number): string {
  if (count <= palette.length) return palette[index];
  return `hsl(${Math.round((index * 360) / count)}, 65%, 50%)`;
}

/** The experiment's budget in words, with units. */
export function describeBudget(budget: ExperimentSpec['budget']): string {
  const parts = [
    budget.seconds !== undefined ? `${budget.seconds} s` : '',
    budget.episodes !== undefined ? `${formatInteger(budget.episodes)} episodes` : '',
    budget.generations !== undefined ? `${formatInteger(budget.generations)} generations` : '',
  ];
  return parts.filter(Boolean).join(' or ');
}

/** A speedup (a ratio) with its 95% interval and the pairs it rests on. */
export function formatSpeedup(speedup: { mean: number; ci95: [number, number]; n: number }): string {
  return `${formatDecimal(speedup.mean)}× [${formatDecimal(speedup.ci95[0])}×, ${formatDecimal(speedup.ci95[1])}×], n = ${formatInteger(speedup.n)} seed pairs`;
}

/** A test Sharpe difference with its sign, 95% interval and the pairs it rests on. */
export function formatSharpeDifference(difference: { mean: number; ci95: [number, number]; n: number }): string {
  const signed = (value: number) => `${value > 0 ? '+' : ''}${formatDecimal(value)}`;
  return `${signed(difference.mean)} [${signed(difference.ci95[0])}, ${signed(difference.ci95[1])}] Sharpe, n = ${formatInteger(difference.n)} seed pairs`;
}

/** `1 trial`, `2 trials`: a count with its unit. */
export function count(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatInteger(value)} ${value === 1 ? singular : plural}`;
}
