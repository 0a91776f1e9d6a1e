// One NEAT trading run as a state machine of generations: the populations (macro + micro
// co-evolved, or a single one), the representatives each is evaluated against, the episode
// sampler, and counters. A generation samples episode windows from the training split, evaluates
// both populations against the other's representatives from the previous generation (two
// independent jobs, run concurrently), turns portfolio metrics into fitness (weighted sum or
// NSGA-II ranking), picks new representatives and evolves. Checkpoints capture all of it.
import { Random } from '../../random.ts';
import { decodeCheckpoint, encodeCheckpoint, restorePopulation, snapshotPopulation, CheckpointError } from '../codecs/checkpoint.ts';
import { resolveNeatConfig, type NeatConfig } from '../lib/config.ts';
import {
  EPISODE_METRIC_COUNT, METRIC_DRAWDOWN, METRIC_RETURN, METRIC_SHARPE, METRIC_TURNOVER,
  type EvaluationStrategy, type EvaluationResult, type PopulationRole,
} from './evaluation-jobs.ts';
import { encodeGenomes } from '../codecs/genome-codec.ts';
import type { Genome } from '../lib/genome.ts';
import { nsga2Rank } from '../lib/nsga2.ts';
import { checkResumeOverrides, resolveRunOptions, storableOptions, type NeatRunOptions, type ObjectiveName } from './options.ts';
import { Population } from '../lib/population.ts';
import { populationStatistics, type PopulationStatistics } from '../lib/reporters.ts';
import type { ChosenChampion } from './champion.ts';

/** Bars [start, end) of the split episodes are drawn from. */
export interface BarSpan {
  start: number;
  end: number;
}

/** Widths of the feature rows the networks read. */
export interface FeatureShape {
  macroSize: number;
  microSize: number;
}

export interface RunPopulation {
  role: PopulationRole;
  config: NeatConfig;
  population: Population;
  /** Best genomes of the last evaluated generation; the other population plays against them. */
  representatives: Genome[];
}

export interface PopulationReport {
  statistics: PopulationStatistics;
  /** The population's fitness criterion reached the threshold (never with noFitnessTermination). */
  solved: boolean;
  /** Raw metrics of the generation's best genome and means over the population. */
  bestReturnPct: number;
  bestMaxDrawdownPct: number;
  bestTurnover: number;
  meanReturnPct: number;
}

export interface GenerationReport {
  /** Index of the generation just evaluated. */
  generation: number;
  populations: PopulationReport[];
  evaluationMs: number;
  reproductionMs: number;
  speciationMs: number;
  totalMs: number;
  forwardPasses: number;
  envSteps: number;
  /** Genome-episode evaluations completed (genomes x envs x partners). */
  episodes: number;
}

/** Role, inputs and outputs of each population for a topology. */
export function populationLayout(options: NeatRunOptions, shape: FeatureShape): Array<{ role: PopulationRole; numInputs: number; numOutputs: number }> {
  if (options.topology === 'single') return [{ role: 'single', numInputs: shape.macroSize + shape.microSize + 2, numOutputs: 3 }];
  return [
    { role: 'macro', numInputs: shape.macroSize, numOutputs: options.macroSignalSize },
    { role: 'micro', numInputs: shape.microSize + options.macroSignalSize + 2, numOutputs: 3 },
  ];
}

function populationConfig(options: NeatRunOptions, numInputs: number, numOutputs: number): NeatConfig {
  return resolveNeatConfig({ genome: { numInputs, numOutputs } }, options.neat);
}

/** Random streams of a run, derived from its seed. */
const STREAM_EPISODES = 0;
const streamOfPopulation = (index: number) => index + 1;

interface CheckpointConfig {
  format: 'traindeck-neat-run';
  seed: number;
  options: NeatRunOptions;
  shape: FeatureShape;
  train: BarSpan;
}

export class NeatRun {
  readonly options: NeatRunOptions;
  readonly seed: number;
  readonly shape: FeatureShape;
  readonly train: BarSpan;
  readonly populations: RunPopulation[];
  readonly episodeRandom: Random;
  /** Completed generations. */
  generation = 0;
  forwardPasses = 0;
  envSteps = 0;
  episodes = 0;
  /** Training time over all sessions, ms (the run loop sets it before each checkpoint). */
  elapsedMs = 0;
  /** The champion chosen on validation so far (see champion.ts); undefined before the first evaluation. */
  chosen: ChosenChampion | undefined;

  private constructor(options: NeatRunOptions, seed: number, shape: FeatureShape, train: BarSpan, populations: RunPopulation[], episodeRandom: Random) {
    this.options = options;
    this.seed = seed;
    this.shape = shape;
    this.train = train;
    this.populations = populations;
    this.episodeRandom = episodeRandom;
    if (train.end - train.start < options.stepsPerEpisode + 1) {
      throw new RangeError(`the training split has ${train.end - train.start} bars; episodes of ${options.stepsPerEpisode} steps need at least ${options.stepsPerEpisode + 1}`);
    }
  }

  static create(options: NeatRunOptions, seed: number, shape: FeatureShape, train: BarSpan): NeatRun {
    const populations = populationLayout(options, shape).map(({ role, numInputs, numOutputs }, index) => {
      const config = populationConfig(options, numInputs, numOutputs);
      const population = Population.create(config, Random.derive(seed, streamOfPopulation(index)));
      // Before anything is evaluated, the lowest-key genomes stand in as representatives.
      return { role, config, population, representatives: population.genomes.slice(0, options.representatives) };
    });
    return new NeatRun(options, seed, shape, train, populations, Random.derive(seed, STREAM_EPISODES));
  }

  /**
   * Restores a run from checkpoint bytes. `requested` options (if given) may differ from the saved
   * ones only in the resume-safe subset; the saved shape and split must match the data.
   */
  static restore(bytes: Uint8Array, shape: FeatureShape, train: BarSpan, requested?: unknown): { run: NeatRun; changed: string[] } {
    const content = decodeCheckpoint(bytes);
    const saved = content.config as CheckpointConfig;
    if (saved?.format !== 'traindeck-neat-run') throw new CheckpointError('checkpoint does not hold a NEAT trading run');
    const savedOptions = resolveRunOptions(saved.options);
    const options = requested === undefined ? savedOptions : resolveRunOptions(requested);
    const changed = checkResumeOverrides(savedOptions, options);
    if (saved.shape.macroSize !== shape.macroSize || saved.shape.microSize !== shape.microSize) {
      throw new CheckpointError(`checkpoint was made with ${saved.shape.macroSize} + ${saved.shape.microSize} features, the data has ${shape.macroSize} + ${shape.microSize}`);
    }
    if (saved.train.start !== train.start || saved.train.end !== train.end) {
      throw new CheckpointError(`checkpoint was made on training bars [${saved.train.start}, ${saved.train.end}), the data's training split is [${train.start}, ${train.end}); resume on the same dataset`);
    }
    const layout = populationLayout(options, shape);
    if (content.populations.length !== layout.length) throw new CheckpointError(`checkpoint holds ${content.populations.length} populations, the topology needs ${layout.length}`);
    const populations = layout.map(({ role, numInputs, numOutputs }, index) => {
      const state = content.populations[index];
      if (state.name !== role) throw new CheckpointError(`checkpoint population ${index} is "${state.name}", expected "${role}"`);
      const config = populationConfig(options, numInputs, numOutputs);
      return { role, config, population: restorePopulation(state, config), representatives: state.lists.representatives ?? [] };
    });
    const run = new NeatRun(options, saved.seed, shape, train, populations, Random.fromState(content.randoms[STREAM_EPISODES]));
    run.generation = content.generation;
    run.forwardPasses = Number(content.meta.forwardPasses ?? 0);
    run.envSteps = Number(content.meta.envSteps ?? 0);
    run.episodes = Number(content.meta.episodes ?? 0);
    run.elapsedMs = Number(content.meta.elapsedMs ?? 0);
    // Checkpoints written before champions were chosen on validation have no "champion" lists.
    const chosen = content.populations.map((state) => state.lists.champion?.[0]);
    if (content.meta.championGeneration !== undefined && chosen.every((genome) => genome !== undefined)) {
      run.chosen = {
        genomes: Object.fromEntries(layout.map(({ role }, index) => [role, chosen[index]])),
        generation: Number(content.meta.championGeneration),
        validationSharpe: Number(content.meta.championValidationSharpe),
      };
    }
    return { run, changed };
  }

  checkpoint(): Uint8Array {
    const config: CheckpointConfig = { format: 'traindeck-neat-run', seed: this.seed, options: storableOptions(this.options), shape: this.shape, train: this.train };
    return encodeCheckpoint({
      config,
      generation: this.generation,
      randoms: [this.episodeRandom.getState()],
      meta: {
        forwardPasses: this.forwardPasses, envSteps: this.envSteps, episodes: this.episodes,
        elapsedMs: this.elapsedMs,
        ...(this.chosen ? { championGeneration: this.chosen.generation, championValidationSharpe: this.chosen.validationSharpe } : {}),
      },
      populations: this.populations.map((entry) => {
        const champion = this.chosen?.genomes[entry.role];
        return snapshotPopulation(entry.role, entry.population, { representatives: entry.representatives, ...(champion ? { champion: [champion] } : {}) });
      }),
    });
  }

  /** First bars of this generation's episodes, uniform over the training split. */
  sampleEpisodeStarts(): Int32Array {
    const span = this.train.end - this.train.start - this.options.stepsPerEpisode;
    return Int32Array.from({ length: this.options.envsPerGenome }, () => this.train.start + this.episodeRandom.nextInt(span));
  }

  /** The other population's representatives (none for a single population). */
  private partnersOf(index: number): Genome[] {
    return this.populations.length === 1 ? [] : this.populations[1 - index].representatives;
  }

  async runGeneration(strategy: EvaluationStrategy, now: () => number): Promise<GenerationReport> {
    const started = now();
    const episodeStarts = this.sampleEpisodeStarts();
    const results = await Promise.all(this.populations.map((entry, index) => strategy.evaluate({
      role: entry.role,
      genomes: encodeGenomes(entry.population.genomes),
      partners: encodeGenomes(this.partnersOf(index)),
      episodeStarts,
      steps: this.options.stepsPerEpisode,
    })));
    const evaluated = now();
    const reports = this.populations.map((entry, index) => this.assignFitness(entry, results[index]));
    let reproductionMs = 0;
    let speciationMs = 0;
    for (const entry of this.populations) {
      const record = entry.population.evolve(now);
      reproductionMs += record.reproductionMs;
      speciationMs += record.speciationMs;
    }
    const generation = this.generation++;
    let forwardPasses = 0;
    let envSteps = 0;
    let episodes = 0;
    this.populations.forEach((entry, index) => {
      forwardPasses += results[index].forwardPasses;
      envSteps += results[index].envSteps;
      episodes += entry.population.genomes.length * episodeStarts.length * Math.max(1, this.partnersOf(index).length);
    });
    this.forwardPasses += forwardPasses;
    this.envSteps += envSteps;
    this.episodes += episodes;
    return { generation, populations: reports, evaluationMs: evaluated - started, reproductionMs, speciationMs, totalMs: now() - started, forwardPasses, envSteps, episodes };
  }

  /** Fitness (weighted sum or NSGA-II score), objectives, evaluation record and new representatives. */
  private assignFitness(entry: RunPopulation, result: EvaluationResult): PopulationReport {
    const genomes = entry.population.genomes;
    const { returnWeight, drawdownPenalty, turnoverPenalty } = this.options.fitness;
    const objectiveIndex: Record<ObjectiveName, [number, number]> = {
      return: [METRIC_RETURN, 1], drawdown: [METRIC_DRAWDOWN, -1], turnover: [METRIC_TURNOVER, -1], sharpe: [METRIC_SHARPE, 1],
    };
    const objectives = this.options.objectives;
    const objectiveValues = new Float64Array(genomes.length * objectives.length);
    let meanReturn = 0;
    genomes.forEach((genome, index) => {
      const row = index * EPISODE_METRIC_COUNT;
      const metrics = result.metrics;
      meanReturn += metrics[row + METRIC_RETURN] / genomes.length;
      genome.fitness = returnWeight * metrics[row + METRIC_RETURN] - drawdownPenalty * metrics[row + METRIC_DRAWDOWN] - turnoverPenalty * metrics[row + METRIC_TURNOVER];
      genome.objectives = objectives.map((name) => objectiveIndex[name][1] * metrics[row + objectiveIndex[name][0]]);
      genome.objectives.forEach((value, m) => (objectiveValues[index * objectives.length + m] = value));
    });
    if (this.options.selection === 'nsga2') {
      const { score } = nsga2Rank(objectiveValues, genomes.length, objectives.length);
      genomes.forEach((genome, index) => (genome.fitness = score[index]));
    }
    const { solved } = entry.population.recordEvaluation();
    const ranked = genomes.map((genome, index) => ({ genome, index })).sort((a, b) => b.genome.fitness - a.genome.fitness || a.genome.key - b.genome.key);
    entry.representatives = ranked.slice(0, this.options.representatives).map(({ genome }) => genome);
    const bestRow = ranked[0].index * EPISODE_METRIC_COUNT;
    return {
      statistics: populationStatistics(entry.role, entry.population),
      solved,
      bestReturnPct: result.metrics[bestRow + METRIC_RETURN],
      bestMaxDrawdownPct: result.metrics[bestRow + METRIC_DRAWDOWN],
      bestTurnover: result.metrics[bestRow + METRIC_TURNOVER],
      meanReturnPct: meanReturn,
    };
  }
}
