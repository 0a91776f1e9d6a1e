// An experiment's trials from its spec: the points of the space (every combination for a grid, N
// seeded draws for a random search), times the seeds, times the modes. Pure and deterministic: the
// same spec always gives the same trials in the same order, so a restarted coordinator and every
// worker agree on what trial N is.
import { maxTrials, modesOf, setDottedOption, type ExperimentSpec, type SettingRange, type SettingValue } from '../../shared/experiment.ts';
import type { RunConfig, TrainingMode } from '../../shared/run.ts';
import { Random } from '../random.ts';

export interface TrialPlan {
  index: number;
  /** Which point of the space (shared by its seeds and modes). */
  point: number;
  seed: number;
  mode: TrainingMode;
  params: Record<string, SettingValue>;
}

/** Points of the space in a fixed order: the grid's odometer (first key slowest), or the random draws. */
export function spacePoints(spec: Pick<ExperimentSpec, 'space' | 'search'>): Array<Record<string, SettingValue>> {
  const entries = Object.entries(spec.space);
  if (spec.search.kind === 'random') {
    const random = new Random(spec.search.seed);
    return Array.from({ length: spec.search.trials }, () => Object.fromEntries(entries.map(([key, values]) => [key, draw(random, values)])));
  }
  let points: Array<Record<string, SettingValue>> = [{}];
  for (const [key, values] of entries) {
    const list = values as SettingValue[]; // the spec schema refuses ranges in a grid
    points = points.flatMap((point) => list.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

function draw(random: Random, values: SettingValue[] | SettingRange): SettingValue {
  if (Array.isArray(values)) return values[random.nextInt(values.length)];
  const { min, max, log, integer } = values;
  const value = log ? Math.exp(random.uniform(Math.log(min), Math.log(max))) : random.uniform(min, max);
  return integer ? Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(value))) : value;
}

/** Every trial: point by point, seed by seed, and for mode `both` the original right before the optimized. */
export function planTrials(spec: ExperimentSpec): TrialPlan[] {
  const points = spacePoints(spec);
  const modes = modesOf(spec.mode);
  const count = points.length * spec.seeds.length * modes.length;
  if (count > maxTrials) throw new RangeError(`the experiment expands to ${count} trials; at most ${maxTrials} are allowed (fewer values, seeds or random trials)`);
  const trials: TrialPlan[] = [];
  points.forEach((params, point) => {
    for (const seed of spec.seeds) for (const mode of modes) trials.push({ index: trials.length, point, seed, mode, params });
  });
  return trials;
}

/** The run configuration of one trial: the spec's shared options with the point's settings on top. */
export function trialRunConfig(spec: ExperimentSpec, trial: Pick<TrialPlan, 'seed' | 'mode' | 'params'>, compareGroup?: string): RunConfig {
  const options = structuredClone(spec.options);
  for (const [key, value] of Object.entries(trial.params)) setDottedOption(options, key, value);
  return { trainer: spec.trainer, mode: trial.mode, seed: trial.seed, budget: spec.budget, dataset: spec.dataset, options, ...(compareGroup ? { compareGroup } : {}) };
}
