// One evolving population (neat-python's Population): genomes, species, innovation tracker,
// reproduction counters and the evolution RNG. A generation is: assign fitnesses (the caller's
// evaluator), `recordEvaluation` (best genome, termination test), then `evolve` (stagnation,
// reproduction, extinction handling, speciation). `run` chains these for simple tasks like XOR.
import { Random } from '../../random.ts';
import type { NeatConfig } from './config.ts';
import { firstFreeNodeKey, type Genome } from './genome.ts';
import { InnovationTracker } from './innovation.ts';
import { Reproduction } from './reproduction.ts';
import { SpeciesSet } from './species.ts';
import { summarizeFitness } from './stagnation.ts';

export class CompleteExtinctionError extends Error {
  constructor(generation: number) {
    super(`every species went stagnant at generation ${generation} (complete extinction); set resetOnExtinction to reseed instead`);
    this.name = 'CompleteExtinctionError';
  }
}

export interface EvaluationRecord {
  /** The generation's best genome (the live object). */
  best: Genome;
  /** True when the fitness criterion reached the threshold. */
  solved: boolean;
}

export interface EvolutionRecord {
  /** True when every species went stagnant this generation. */
  extinct: boolean;
  /** Keys of species removed as stagnant. */
  stagnantSpecies: number[];
  /** Milliseconds spent in reproduction (incl. stagnation) and in speciation. */
  reproductionMs: number;
  speciationMs: number;
}

export class Population {
  readonly config: NeatConfig;
  genomes: Genome[];
  readonly speciesSet: SpeciesSet;
  readonly tracker: InnovationTracker;
  readonly reproduction: Reproduction;
  readonly random: Random;
  /** Index of the current (not yet evolved) generation. */
  generation = 0;
  /** Copy of the fittest genome seen so far, with its fitness at the time. */
  bestGenome: Genome | undefined;

  private constructor(config: NeatConfig, parts: { genomes: Genome[]; speciesSet: SpeciesSet; tracker: InnovationTracker; reproduction: Reproduction; random: Random }) {
    this.config = config;
    this.genomes = parts.genomes;
    this.speciesSet = parts.speciesSet;
    this.tracker = parts.tracker;
    this.reproduction = parts.reproduction;
    this.random = parts.random;
  }

  /** A fresh population, speciated, drawing every random choice from `random`. */
  static create(config: NeatConfig, random: Random): Population {
    const tracker = new InnovationTracker({ nextInnovation: 0, nextNodeKey: firstFreeNodeKey(config.genome) });
    const reproduction = new Reproduction(1);
    const speciesSet = new SpeciesSet(config);
    const genomes = reproduction.createNew(config, config.populationSize, tracker, random);
    speciesSet.speciate(genomes, 0, config);
    discardCachedNormal(random);
    return new Population(config, { genomes, speciesSet, tracker, reproduction, random });
  }

  /** A population from restored parts (checkpoint). */
  static restore(config: NeatConfig, parts: { genomes: Genome[]; speciesSet: SpeciesSet; tracker: InnovationTracker; reproduction: Reproduction; random: Random; generation: number; bestGenome?: Genome }): Population {
    const population = new Population(config, parts);
    population.generation = parts.generation;
    population.bestGenome = parts.bestGenome;
    return population;
  }

  /** Call once every genome has a fitness: tracks the best genome and tests the threshold. */
  recordEvaluation(): EvaluationRecord {
    let best: Genome | undefined;
    for (const genome of this.genomes) {
      if (!Number.isFinite(genome.fitness)) throw new Error(`genome ${genome.key} has fitness ${genome.fitness} after evaluation; fitness must be a finite number`);
      if (best === undefined || genome.fitness > best.fitness) best = genome;
    }
    if (best === undefined) throw new Error('population is empty');
    if (this.bestGenome === undefined || best.fitness > this.bestGenome.fitness) {
      this.bestGenome = best.copy();
      this.bestGenome.fitness = best.fitness;
      this.bestGenome.objectives = [...best.objectives];
    }
    const criterion = summarizeFitness(this.config.fitnessCriterion, this.genomes.map((genome) => genome.fitness));
    return { best, solved: !this.config.noFitnessTermination && criterion >= this.config.fitnessThreshold };
  }

  /** Builds the next generation from the evaluated current one. */
  evolve(now: () => number = () => performance.now()): EvolutionRecord {
    const started = now();
    const events = { stagnantSpecies: [] as number[] };
    const best = this.genomes.reduce<Genome | undefined>((top, genome) => (top === undefined || genome.fitness > top.fitness ? genome : top), undefined);
    let next = this.reproduction.reproduce(this.config, this.speciesSet, this.generation, this.tracker, this.random, best, events);
    const extinct = this.speciesSet.species.length === 0;
    if (extinct) {
      if (!this.config.resetOnExtinction) throw new CompleteExtinctionError(this.generation);
      next = this.reproduction.createNew(this.config, this.config.populationSize, this.tracker, this.random);
    }
    const reproduced = now();
    this.genomes = next;
    this.speciesSet.speciate(next, this.generation + 1, this.config);
    this.generation++;
    // Box-Muller caches a second normal deviate that RandomState does not hold; dropping it at
    // every generation boundary makes a resumed run draw exactly what the uninterrupted one does.
    discardCachedNormal(this.random);
    return { extinct, stagnantSpecies: events.stagnantSpecies, reproductionMs: reproduced - started, speciationMs: now() - reproduced };
  }

  /**
   * Runs up to `maxGenerations` generations with a fitness function that sets `fitness` on every
   * genome; stops early when the threshold is reached. Returns the generations evaluated.
   */
  async run(evaluate: (genomes: Genome[], generation: number) => void | Promise<void>, maxGenerations: number): Promise<{ generations: number; solved: boolean; best: Genome }> {
    for (let evaluated = 1; ; evaluated++) {
      await evaluate(this.genomes, this.generation);
      const { best, solved } = this.recordEvaluation();
      if (solved || evaluated >= maxGenerations) return { generations: evaluated, solved, best };
      this.evolve();
    }
  }
}

export function discardCachedNormal(random: Random): void {
  random.setState(random.getState());
}
