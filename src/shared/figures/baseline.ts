// The baseline trainer's figures in its run summary (`summary.extra`), each declared once: the
// random policy and buy-and-hold on the test split.
import { z } from 'zod';
import { figure, figureSet, type FiguresOf, type SummaryWithFigures } from './declare.ts';

export const baselineSummaryFigures = figureSet('The baseline trainer: the random policy and buy-and-hold on the test split (null before the first evaluation).', {
  testSharpe: figure(z.number().nullable(), "The random policy's Sharpe on the test split.", 'annualised'),
  testMaxDrawdownPct: figure(z.number().nullable(), "The random policy's maximum drawdown on the test split.", '%'),
  testTrades: figure(z.number().nullable(), "The random policy's position changes on the test split.", 'trades'),
  buyAndHoldFinalEquity: figure(z.number().nullable(), "Buy-and-hold's final equity on the test split.", 'quote currency'),
  buyAndHoldSharpe: figure(z.number().nullable(), "Buy-and-hold's Sharpe on the test split.", 'annualised'),
});

export type BaselineSummaryFigures = FiguresOf<typeof baselineSummaryFigures>;

/** A baseline run's figures, typed; those it lacks are undefined. */
export const baselineFigures: (summary: SummaryWithFigures) => Partial<BaselineSummaryFigures> = baselineSummaryFigures.read;
