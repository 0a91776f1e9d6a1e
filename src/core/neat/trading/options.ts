// Options of a NEAT trading run (`RunConfig.options` when trainer is `neat`), resolved against the
// one declaration in src/shared/settings/neat.ts (topology, selection, workload, fitness weights,
// flags, env and the NEAT config, each with its doc, range and default). The settings a resumed
// run may not change are declared there too (`fixedOnResume`).
import type { TrainingMode } from '../../../shared/run.ts';
import { defaultsOf } from '../../../shared/settings/declare.ts';
import { changedSettings, resolveSettings, resumeConflicts, SettingsError } from '../../../shared/settings/resolve.ts';
import { neatSettings, type NeatFlags, type NeatRunOptions } from '../../../shared/settings/neat.ts';
import type { EnvParams } from '../../env/params.ts';
import { createEnvParams } from '../../env/create-params.ts';
import type { NeatConfig } from '../lib/config.ts';

export { neatFlagNames, objectiveNames, type NeatFlags, type NeatRunOptions, type ObjectiveName } from '../../../shared/settings/neat.ts';

export const originalFlags: NeatFlags = defaultsOf(neatSettings.fields.flags, 'original');
export const optimizedFlags: NeatFlags = defaultsOf(neatSettings.fields.flags, 'optimized');

/** The defaults; `flags` is empty: unset flags follow the run's mode. */
export const defaultRunOptions: NeatRunOptions = defaultsOf(neatSettings);

/**
 * The NEAT-std benchmark workload, pinned: co-evolution, two populations of 50 half-connected
 * genomes, 6 envs x 150 steps, and the fitness weights it was defined with (drawdown penalty 0.5).
 * The run defaults have since changed so that NEAT learns to trade (one sparse network, no drawdown
 * penalty); benchmarks pass these options, not `{}`.
 */
export const neatStdWorkloadOptions = {
  topology: 'coevolution', selection: 'fitness', envsPerGenome: 6, stepsPerEpisode: 150, macroSignalSize: 4, representatives: 1,
  fitness: { returnWeight: 1, drawdownPenalty: 0.5, turnoverPenalty: 0.05 },
  neat: { populationSize: 50, genome: { initialConnectionFraction: 0.5 } },
} as const;

/**
 * The NEAT-moo benchmark workload, pinned like NEAT-std: one population of 167 half-connected
 * genomes ranked by NSGA-II on return, drawdown and turnover, 6 envs x 150 steps.
 */
export const neatMooWorkloadOptions = {
  topology: 'single', selection: 'nsga2', objectives: ['return', 'drawdown', 'turnover'], envsPerGenome: 6, stepsPerEpisode: 150,
  neat: { populationSize: 167, genome: { initialConnectionFraction: 0.5 } },
} as const;

/** Validates `RunConfig.options` for the NEAT trainer and fills defaults from `base`; throws a SettingsError naming every bad key. */
export function resolveRunOptions(input: unknown = {}, base: NeatRunOptions = defaultRunOptions): NeatRunOptions {
  // Explicitly set flags only, on top of the base's: unset ones follow the mode.
  return resolveSettings(neatSettings, input, base, { what: 'NEAT options' });
}

/** The env parameters of a run: its env options with episodes of stepsPerEpisode steps. */
export function envParamsOf(options: NeatRunOptions): EnvParams {
  return createEnvParams({ ...options.env, episodeLength: options.stepsPerEpisode });
}

/** The options as a user would write them: without the genome shape, which the topology sets. */
export function storableOptions(options: NeatRunOptions): NeatRunOptions {
  const copy = structuredClone(options);
  const genome = copy.neat.genome as Partial<NeatConfig['genome']>;
  delete genome.numInputs;
  delete genome.numOutputs;
  return copy;
}

/** The flags in force for a run mode, with explicit overrides applied. */
export function effectiveFlags(mode: TrainingMode, overrides: Partial<NeatFlags>): NeatFlags {
  return { ...defaultsOf(neatSettings.fields.flags, mode), ...overrides };
}

/**
 * Checks resumed options against the checkpoint's: only settings not declared `fixedOnResume` may
 * differ. Returns the differing paths; throws a SettingsError naming each fixed one that changed.
 */
export function checkResumeOverrides(saved: NeatRunOptions, requested: NeatRunOptions): string[] {
  const conflicts = resumeConflicts(neatSettings, saved, requested);
  if (conflicts.length > 0) throw new SettingsError('resume options', conflicts.map((conflict) => `${conflict}; see "On resume" in docs/neat.md`));
  return changedSettings(neatSettings, saved, requested);
}
