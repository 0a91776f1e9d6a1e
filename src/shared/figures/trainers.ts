// Every trainer's summary figures declaration, by trainer name.
import type { TrainerName } from '../run.ts';
import { baselineSummaryFigures } from './baseline.ts';
import type { FigureSet, FigureShape } from './declare.ts';
import { neatSummaryFigures } from './neat.ts';
import { rlSummaryFigures } from './rl.ts';

export const trainerSummaryFigures = {
  baseline: baselineSummaryFigures,
  rl: rlSummaryFigures,
  neat: neatSummaryFigures,
} as const satisfies Record<TrainerName, FigureSet<FigureShape>>;
