// The NEAT trainer's settings (`RunConfig.options` when trainer is `neat`), each declared once:
// topology (co-evolution or one population), selection (fitness or NSGA-II), the evaluation
// workload, fitness weights, the optimization flags, the env and the NEAT algorithm config.
import { choice, choiceList, flag, integer, number, section, type SettingInput, type SettingValue } from './declare.ts';
import { envSettings } from './env.ts';
import { neatConfigSettings } from './neat-config.ts';

export const objectiveNames = ['return', 'drawdown', 'turnover', 'sharpe'] as const;
export type ObjectiveName = (typeof objectiveNames)[number];

/** The four optimizations that separate optimized from original mode; each can be toggled alone. */
export const neatFlagSettings = section('Optimization flags (unset: follow the mode; original all off, optimized all on).', {
  compiled: flag('Compile genomes into flat typed-array programs instead of walking the graph.'),
  genomeCache: flag('Build each network once per generation and keep it while the genome lives.'),
  batchedEnvs: flag('Step all envs of a genome together in a vector env instead of one episode at a time.'),
  threadPool: flag('Spread evaluation over a worker_threads pool.'),
});

const weight = (doc: string, fallback: number) => number(0, 1000, { doc, default: fallback });

export const neatSettings = section('NEAT run settings.', {
  topology: choice(['coevolution', 'single'], {
    doc: 'coevolution: two co-evolved populations (macro -> signal, micro -> action); single: one network on all features.',
    // single by default: with sparse initial genomes it learned on every market tried; co-evolution's
    // micro genomes are scored with a partner that changes every generation (docs/neat.md, session 8).
    default: 'single', fixedOnResume: true, form: { label: 'Topology' },
  }),
  selection: choice(['fitness', 'nsga2'], {
    doc: 'fitness: scalar fitness; nsga2: NSGA-II ranking on the objectives within the speciated population.',
    default: 'fitness', fixedOnResume: true, form: { label: 'Selection' },
  }),
  objectives: choiceList(objectiveNames, 1, { doc: 'Objectives NSGA-II maximises (drawdown and turnover enter negated).', default: ['return', 'drawdown', 'turnover'] }),
  envsPerGenome: integer(1, 256, { doc: 'Episodes each genome plays per generation.', unit: 'episodes', default: 6, form: { label: 'Envs per genome' } }),
  stepsPerEpisode: integer(2, 100_000, { doc: 'Steps per episode.', unit: 'steps', default: 150, form: { label: 'Steps per episode' } }),
  macroSignalSize: integer(1, 64, { doc: 'Outputs of the macro network, fed to the micro network as inputs.', unit: 'outputs', default: 4, fixedOnResume: true }),
  representatives: integer(1, 16, { doc: 'Best genomes of the other population each genome is paired with (fitness is the mean).', unit: 'genomes', default: 1 }),
  fitness: section('How the scalar fitness weighs the portfolio metrics.', {
    returnWeight: weight('Weight of the mean episode return (%).', 1),
    drawdownPenalty: weight('Penalty per % of maximum drawdown.', 0),
    turnoverPenalty: weight('Penalty per unit of turnover (position changes per 100 steps).', 0.05),
  }),
  evaluationInterval: integer(0, 1_000_000, { doc: 'Evaluate the champion on the validation and test splits every this many generations (0: never).', unit: 'generations', default: 10 }),
  checkpointInterval: integer(0, 1_000_000, { doc: 'Save a checkpoint every this many generations (0: only when the run ends or stops).', unit: 'generations', default: 10 }),
  threads: integer(0, 64, { doc: 'Evaluation threads when the thread pool is on (0: one per core, at most 8).', unit: 'threads', default: 0 }),
  flags: neatFlagSettings,
  env: envSettings,
  neat: neatConfigSettings,
});

export type NeatFlags = SettingValue<typeof neatFlagSettings>;
export type NeatFlagName = keyof NeatFlags;
export const neatFlagNames = Object.keys(neatFlagSettings.fields) as NeatFlagName[];
export type NeatOptions = SettingInput<typeof neatSettings>;

/**
 * A NEAT run's resolved options. The flags hold only those set explicitly: the rest follow the run's
 * mode, which the trainer applies (a run's options, like its checkpoint, do not depend on the mode).
 */
export type NeatRunOptions = Omit<SettingValue<typeof neatSettings>, 'flags'> & { flags: Partial<NeatFlags> };
