// The NEAT trainer's figures in its run summary (`summary.extra`), each declared once: counts and
// throughput over all the run's sessions, and the chosen champion on the test split.
import { z } from 'zod';
import { neatSettings } from '../settings/neat.ts';
import { figure, figureSet, type FiguresOf, type SummaryWithFigures } from './declare.ts';

export const neatSummaryFigures = figureSet('The NEAT trainer: over all sessions; test figures are the chosen champion (null before it is chosen).', {
  generations: figure(z.number(), 'Generations completed over all sessions.', 'generations'),
  generationsPerMin: figure(z.number(), 'Generations per minute over the whole run.', 'generations/min'),
  forwardPassesPerSec: figure(z.number(), 'Network forward passes per second over the whole run.', 'passes/s'),
  bestFitness: figure(z.number().nullable(), 'Best fitness any genome reached.', 'fitness'),
  testReturnPct: figure(z.number().nullable(), "The chosen champion's total return on the test split.", '%'),
  testSharpe: figure(z.number().nullable(), "The chosen champion's Sharpe on the test split.", 'annualised'),
  testMaxDrawdownPct: figure(z.number().nullable(), "The chosen champion's maximum drawdown on the test split.", '%'),
  testTrades: figure(z.number().nullable(), "The chosen champion's position changes on the test split.", 'trades'),
  buyAndHoldTestReturnPct: figure(z.number().nullable(), "Buy-and-hold's total return on the test split.", '%'),
  championGeneration: figure(z.number().nullable(), 'Generation of the chosen champion (best validation Sharpe among generation champions).', 'generation'),
  championValidationSharpe: figure(z.number().nullable(), "The chosen champion's Sharpe on the validation split.", 'annualised'),
  lastChampionTestSharpe: figure(z.number().nullable(), "The last generation's champion's Sharpe on the test split.", 'annualised'),
  threads: figure(z.number(), 'Threads that evaluated genomes.', 'threads'),
  flags: figure(z.string(), 'Optimization flags that took effect, joined by + (`none` when none did).'),
  solved: figure(z.boolean(), 'The run ended by itself before its budget: a genome reached the fitness threshold.'),
  topology: figure(z.string(), neatSettings.fields.topology.doc),
  selection: figure(z.string(), neatSettings.fields.selection.doc),
});

export type NeatSummaryFigures = FiguresOf<typeof neatSummaryFigures>;

/** A NEAT run's figures, typed; those it lacks are undefined. */
export const neatFigures: (summary: SummaryWithFigures) => Partial<NeatSummaryFigures> = neatSummaryFigures.read;
