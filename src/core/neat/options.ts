// Options of a NEAT trading run (`RunConfig.options` when trainer is `neat`): topology
// (co-evolution or single population), selection (fitness or NSGA-II), the evaluation workload,
// fitness weights, the optimization flags and the NEAT config. Validated like the NEAT config; the
// keys that may change when a run is resumed are listed in `resumeSafeOptionPaths`.
import { createEnvParams, DEFAULT_ENV_PARAMS, type EnvParams } from '../env/params.ts';
import { ConfigError, resolveSection, type SectionSpec } from './config-schema.ts';
import { defaultNeatConfig, neatConfigSpec, resolveNeatConfig, type NeatConfig } from './config.ts';

export const objectiveNames = ['return', 'drawdown', 'turnover', 'sharpe'] as const;
export type ObjectiveName = (typeof objectiveNames)[number];

/** The four optimizations that separate optimized from original mode; each can be toggled alone. */
export interface OptimizationFlags {
  /** Compile genomes into flat typed-array programs instead of walking the graph. */
  compiled: boolean;
  /** Build each genome's network once per generation (and keep it while the genome lives). */
  genomeCache: boolean;
  /** Step all envs of a genome together in a vector env instead of one episode at a time. */
  batchedEnvs: boolean;
  /** Spread evaluation over a worker_threads pool. */
  threadPool: boolean;
}
export const flagNames = ['compiled', 'genomeCache', 'batchedEnvs', 'threadPool'] as const satisfies ReadonlyArray<keyof OptimizationFlags>;

export const originalFlags: OptimizationFlags = { compiled: false, genomeCache: false, batchedEnvs: false, threadPool: false };
export const optimizedFlags: OptimizationFlags = { compiled: true, genomeCache: true, batchedEnvs: true, threadPool: true };

export interface FitnessWeights {
  /** Weight of the mean episode return (%). */
  returnWeight: number;
  /** Penalty per % of maximum drawdown. */
  drawdownPenalty: number;
  /** Penalty per unit of turnover (position changes per 100 steps). */
  turnoverPenalty: number;
}

export interface NeatRunOptions {
  /** Two co-evolved populations (macro -> signal, micro -> action) or one network on all features. */
  topology: 'coevolution' | 'single';
  /** Scalar fitness, or NSGA-II ranking on `objectives` within the speciated population. */
  selection: 'fitness' | 'nsga2';
  /** Objectives NSGA-II maximises (drawdown and turnover enter negated). */
  objectives: ObjectiveName[];
  /** Episodes each genome plays per generation. */
  envsPerGenome: number;
  /** Steps per episode. */
  stepsPerEpisode: number;
  /** Outputs of the macro network, fed to the micro network as inputs. */
  macroSignalSize: number;
  /** Best genomes of the other population each genome is paired with (fitness is the mean). */
  representatives: number;
  /** How the scalar fitness weighs the portfolio metrics. */
  fitness: FitnessWeights;
  /** Evaluate the champion on the validation and test splits every this many generations (0: never). */
  evaluationInterval: number;
  /** Save a checkpoint every this many generations (0: only when the run ends or stops). */
  checkpointInterval: number;
  /** Evaluation threads when the thread pool is on (0: one per core, at most 8). */
  threads: number;
  /** Optimization flags; unset ones follow the run mode (original: all off, optimized: all on). */
  flags: Partial<OptimizationFlags>;
  /** Trading env settings (the episode length is stepsPerEpisode). */
  env: EnvOptions;
  /** NEAT algorithm settings shared by the populations (inputs and outputs are set by topology). */
  neat: NeatConfig;
}

/** The env parameters a NEAT run may set (see src/core/env/params.ts). */
export type EnvOptions = Omit<EnvParams, 'episodeLength'>;

export const defaultRunOptions: NeatRunOptions = {
  topology: 'coevolution',
  selection: 'fitness',
  objectives: ['return', 'drawdown', 'turnover'],
  envsPerGenome: 6,
  stepsPerEpisode: 150,
  macroSignalSize: 4,
  representatives: 1,
  fitness: { returnWeight: 1, drawdownPenalty: 0, turnoverPenalty: 0.05 },
  evaluationInterval: 10,
  checkpointInterval: 10,
  threads: 0,
  flags: {},
  env: {
    startCapital: DEFAULT_ENV_PARAMS.startCapital, takerFee: DEFAULT_ENV_PARAMS.takerFee, slippageBps: DEFAULT_ENV_PARAMS.slippageBps,
    tradePenalty: DEFAULT_ENV_PARAMS.tradePenalty, positionMode: DEFAULT_ENV_PARAMS.positionMode, positionSizing: DEFAULT_ENV_PARAMS.positionSizing,
    tradeFraction: DEFAULT_ENV_PARAMS.tradeFraction,
  },
  neat: defaultNeatConfig,
};

/**
 * The NEAT-std benchmark workload, pinned: co-evolution, two populations of 50, 6 envs x 150 steps,
 * and the fitness weights it was defined with (drawdown penalty 0.5, the default until the run
 * defaults changed so that NEAT learns to trade). Benchmarks pass these options, not `{}`.
 */
export const neatStdWorkloadOptions = {
  topology: 'coevolution', selection: 'fitness', envsPerGenome: 6, stepsPerEpisode: 150, macroSignalSize: 4, representatives: 1,
  fitness: { returnWeight: 1, drawdownPenalty: 0.5, turnoverPenalty: 0.05 },
  neat: { populationSize: 50 },
} as const;

const flagSpec = (doc: string) => ({ kind: 'boolean', doc }) as const;

export const runOptionsSpec: SectionSpec = {
  kind: 'section',
  doc: 'NEAT run options.',
  fields: {
    topology: { kind: 'choice', doc: 'coevolution: macro and micro populations; single: one network on all features.', options: ['coevolution', 'single'] },
    selection: { kind: 'choice', doc: 'fitness: scalar fitness; nsga2: NSGA-II on the objectives.', options: ['fitness', 'nsga2'] },
    objectives: { kind: 'choices', doc: 'Objectives NSGA-II maximises (drawdown and turnover negated).', options: objectiveNames, minLength: 1 },
    envsPerGenome: { kind: 'number', doc: 'Episodes each genome plays per generation.', min: 1, max: 256, integer: true },
    stepsPerEpisode: { kind: 'number', doc: 'Steps per episode.', min: 2, max: 100_000, integer: true },
    macroSignalSize: { kind: 'number', doc: 'Macro network outputs fed to the micro network.', min: 1, max: 64, integer: true },
    representatives: { kind: 'number', doc: 'Partners from the other population per genome.', min: 1, max: 16, integer: true },
    fitness: {
      kind: 'section',
      doc: 'Scalar fitness weights.',
      fields: {
        returnWeight: { kind: 'number', doc: 'Weight of the mean episode return (%).', min: 0, max: 1000 },
        drawdownPenalty: { kind: 'number', doc: 'Penalty per % of maximum drawdown.', min: 0, max: 1000 },
        turnoverPenalty: { kind: 'number', doc: 'Penalty per position change per 100 steps.', min: 0, max: 1000 },
      },
    },
    evaluationInterval: { kind: 'number', doc: 'Champion evaluation on validation and test every N generations (0: never).', min: 0, max: 1_000_000, integer: true },
    checkpointInterval: { kind: 'number', doc: 'Checkpoint every N generations (0: only at the end or on stop).', min: 0, max: 1_000_000, integer: true },
    threads: { kind: 'number', doc: 'Evaluation threads with the thread pool (0: one per core, at most 8).', min: 0, max: 64, integer: true },
    flags: {
      kind: 'section',
      doc: 'Optimization flags (unset: follow the mode).',
      fields: {
        compiled: flagSpec('Compile genomes into flat programs.'),
        genomeCache: flagSpec('Build each network once per generation and keep it while the genome lives.'),
        batchedEnvs: flagSpec('Step all envs of a genome together.'),
        threadPool: flagSpec('Evaluate on a worker_threads pool.'),
      },
    },
    env: {
      kind: 'section',
      doc: 'Trading env settings.',
      fields: {
        startCapital: { kind: 'number', doc: 'Capital at the start of each episode.', min: 0, max: 1e12, exclusiveMin: true },
        takerFee: { kind: 'number', doc: 'Taker fee as a fraction of traded notional (0.001 = 0.1%).', min: 0, max: 0.1 },
        slippageBps: { kind: 'number', doc: 'Slippage in basis points.', min: 0, max: 1000 },
        tradePenalty: { kind: 'number', doc: 'Reward subtracted on every position change.', min: 0, max: 100 },
        positionMode: { kind: 'choice', doc: 'long-only (spot) or long-short.', options: ['long-only', 'long-short'] },
        positionSizing: { kind: 'choice', doc: 'all-in, or fractional steps of tradeFraction.', options: ['all-in', 'fractional'] },
        tradeFraction: { kind: 'number', doc: 'Exposure step under fractional sizing (1/k).', min: 0.01, max: 1 },
      },
    },
    neat: neatConfigSpec,
  },
};

/**
 * Option paths a resumed run may change: they steer mutation, selection, reporting and speed but
 * not the shape of what the checkpoint holds. Anything else must match the checkpoint.
 */
export const resumeSafeOptionPaths: readonly string[] = [
  'fitness', 'evaluationInterval', 'checkpointInterval', 'threads', 'flags', 'objectives', 'representatives', 'envsPerGenome', 'stepsPerEpisode', 'env',
  'neat.fitnessThreshold', 'neat.noFitnessTermination', 'neat.resetOnExtinction', 'neat.populationSize', 'neat.fitnessCriterion',
  'neat.species', 'neat.stagnation', 'neat.reproduction',
  'neat.genome.activationOptions', 'neat.genome.activationMutateRate', 'neat.genome.aggregationOptions', 'neat.genome.aggregationMutateRate',
  'neat.genome.bias', 'neat.genome.response', 'neat.genome.weight', 'neat.genome.enabledMutateRate', 'neat.genome.enabledRateToTrueAdd',
  'neat.genome.enabledRateToFalseAdd', 'neat.genome.compatibilityDisjointCoefficient', 'neat.genome.compatibilityWeightCoefficient',
  'neat.genome.connAddProb', 'neat.genome.connDeleteProb', 'neat.genome.nodeAddProb', 'neat.genome.nodeDeleteProb',
  'neat.genome.singleStructuralMutation', 'neat.genome.structuralMutationSurer', 'neat.genome.activationDefault', 'neat.genome.aggregationDefault',
];

/** Validates `RunConfig.options` for the NEAT trainer and fills defaults; throws ConfigError naming bad keys. */
export function resolveRunOptions(input: unknown = {}, base: NeatRunOptions = defaultRunOptions): NeatRunOptions {
  const issues: string[] = [];
  const genomeInput = valueAt(input, 'neat.genome');
  for (const key of ['numInputs', 'numOutputs'] as const) {
    if (genomeInput && typeof genomeInput === 'object' && key in genomeInput) {
      issues.push(`neat.genome.${key}: set by the topology (features, macroSignalSize and the three actions); remove it from the options`);
    }
  }
  const resolved = resolveSection(runOptionsSpec, base as unknown as Record<string, unknown>, input, '', issues) as unknown as NeatRunOptions;
  if (issues.length > 0) throw new ConfigError('NEAT options', issues);
  // Explicitly set flags only; unset ones follow the mode.
  const flagsInput = (typeof input === 'object' && input !== null ? (input as Record<string, unknown>).flags : undefined) as Record<string, boolean> | undefined;
  resolved.flags = { ...base.flags, ...(flagsInput ?? {}) };
  resolved.neat = resolveNeatConfig(resolved.neat, defaultNeatConfig, 'neat');
  try {
    envParamsOf(resolved);
  } catch (error) {
    throw new ConfigError('NEAT options', [`env: ${(error as Error).message}`]);
  }
  return resolved;
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
export function effectiveFlags(mode: 'original' | 'optimized', overrides: Partial<OptimizationFlags>): OptimizationFlags {
  return { ...(mode === 'original' ? originalFlags : optimizedFlags), ...overrides };
}

function valueAt(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
}

function leafPaths(object: unknown, prefix = ''): string[] {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return [prefix];
  return Object.entries(object as Record<string, unknown>).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

/**
 * Checks resumed options against the checkpoint's: every differing value must lie under a path
 * in `resumeSafeOptionPaths`. Returns the differing paths; throws ConfigError for unsafe ones.
 */
export function checkResumeOverrides(saved: NeatRunOptions, requested: NeatRunOptions): string[] {
  const changed = [...new Set([...leafPaths(saved), ...leafPaths(requested)])].filter(
    (path) => JSON.stringify(valueAt(saved, path)) !== JSON.stringify(valueAt(requested, path)),
  );
  const isSafe = (path: string) => resumeSafeOptionPaths.some((safe) => path === safe || path.startsWith(`${safe}.`));
  const unsafe = changed.filter((path) => !isSafe(path));
  if (unsafe.length > 0) {
    throw new ConfigError('resume options', unsafe.map((path) => `${path}: cannot change when resuming (checkpoint has ${JSON.stringify(valueAt(saved, path))}, requested ${JSON.stringify(valueAt(requested, path))}); see resumeSafeOptionPaths in docs/neat.md`));
  }
  return changed;
}
