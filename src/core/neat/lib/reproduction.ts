// Reproduction (neat-python's DefaultReproduction): stagnant species are dropped, the others share
// the offspring in proportion to their adjusted (shared) fitness, each keeps its `elitism` best
// genomes unchanged, and the rest are children of two parents drawn from the species' best
// `survivalThreshold` fraction, crossed over and mutated. Unlike neat-python, the spawn counts
// are trimmed to sum to the population size exactly whenever minSpeciesSize allows.
import type { Random } from '../../random.ts';
import type { NeatConfig } from './config.ts';
import { crossover } from './crossover.ts';
import { createGenome, type Genome } from './genome.ts';
import type { InnovationTracker } from './innovation.ts';
import { mutateGenome } from './mutation.ts';
import type { SpeciesSet } from './species.ts';
import { updateStagnation } from './stagnation.ts';

export interface ReproductionEvents {
  /** Species removed as stagnant this generation. */
  stagnantSpecies: number[];
}

/** neat-python's `compute_spawn`: move each species halfway towards its fitness share. */
export function computeSpawn(adjustedFitness: number[], previousSizes: number[], populationSize: number, minSpeciesSize: number): number[] {
  const total = adjustedFitness.reduce((sum, value) => sum + value, 0);
  const amounts = adjustedFitness.map((fitness, index) => {
    const target = total > 0 ? Math.max(minSpeciesSize, (fitness / total) * populationSize) : minSpeciesSize;
    const previous = previousSizes[index];
    const difference = (target - previous) * 0.5;
    const change = roundHalfEven(difference);
    if (Math.abs(change) > 0) return previous + change;
    if (difference > 0) return previous + 1;
    if (difference < 0) return previous - 1;
    return previous;
  });
  const totalSpawn = amounts.reduce((sum, value) => sum + value, 0);
  const norm = populationSize / totalSpawn;
  return amounts.map((amount) => Math.max(minSpeciesSize, roundHalfEven(amount * norm)));
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Adjusts spawn counts one at a time until they sum to the population size (or cannot). */
function matchPopulationSize(amounts: number[], adjustedFitness: number[], populationSize: number, minSpeciesSize: number): void {
  let total = amounts.reduce((sum, value) => sum + value, 0);
  while (total > populationSize) {
    let largest = -1;
    for (let i = 0; i < amounts.length; i++) {
      if (amounts[i] > minSpeciesSize && (largest < 0 || amounts[i] > amounts[largest])) largest = i;
    }
    if (largest < 0) break;
    amounts[largest]--;
    total--;
  }
  while (total < populationSize && amounts.length > 0) {
    let fittest = 0;
    for (let i = 1; i < amounts.length; i++) if (adjustedFitness[i] > adjustedFitness[fittest]) fittest = i;
    amounts[fittest]++;
    total++;
  }
}

export class Reproduction {
  /** Key of the next genome created. */
  nextGenomeKey: number;

  constructor(nextGenomeKey = 1) {
    this.nextGenomeKey = nextGenomeKey;
  }

  /** `count` fresh genomes (initial population or reseeding after extinction). */
  createNew(config: NeatConfig, count: number, tracker: InnovationTracker, random: Random): Genome[] {
    return Array.from({ length: count }, () => createGenome(this.nextGenomeKey++, config.genome, tracker, random));
  }

  /**
   * The next generation from the evaluated, speciated current one. Returns an empty list on
   * complete extinction (every species stagnant). `best` is the current generation's best genome.
   */
  reproduce(config: NeatConfig, speciesSet: SpeciesSet, generation: number, tracker: InnovationTracker, random: Random, best: Genome | undefined, events?: ReproductionEvents): Genome[] {
    const liveNodes = new Set<number>();
    for (const species of speciesSet.species) for (const member of species.members) for (const node of member.nodes) liveNodes.add(node.key);
    tracker.startGeneration(liveNodes);
    const remaining = [];
    const allFitnesses: number[] = [];
    for (const { species, stagnant } of updateStagnation(speciesSet, generation, config, best)) {
      if (stagnant) {
        events?.stagnantSpecies.push(species.key);
        continue;
      }
      for (const member of species.members) allFitnesses.push(member.fitness);
      remaining.push(species);
    }
    if (remaining.length === 0) {
      speciesSet.species = [];
      return [];
    }
    const minFitness = Math.min(...allFitnesses);
    const fitnessRange = Math.max(1, Math.max(...allFitnesses) - minFitness);
    for (const species of remaining) {
      const meanFitness = species.members.reduce((sum, member) => sum + member.fitness, 0) / species.members.length;
      species.adjustedFitness = (meanFitness - minFitness) / fitnessRange;
    }
    const { elitism, survivalThreshold } = config.reproduction;
    const minSpeciesSize = Math.max(config.reproduction.minSpeciesSize, elitism);
    const adjusted = remaining.map((species) => species.adjustedFitness);
    const spawnAmounts = computeSpawn(adjusted, remaining.map((species) => species.members.length), config.populationSize, minSpeciesSize);
    matchPopulationSize(spawnAmounts, adjusted, config.populationSize, minSpeciesSize);

    const next: Genome[] = [];
    remaining.forEach((species, index) => {
      let spawn = Math.max(spawnAmounts[index], elitism);
      const ranked = [...species.members].sort((a, b) => b.fitness - a.fitness || a.key - b.key);
      for (const elite of ranked.slice(0, elitism)) {
        next.push(elite);
        spawn--;
      }
      if (spawn <= 0) return;
      const parents = ranked.slice(0, Math.max(2, Math.ceil(survivalThreshold * ranked.length)));
      for (; spawn > 0; spawn--) {
        const first = parents[random.nextInt(parents.length)];
        const second = parents[random.nextInt(parents.length)];
        const child = crossover(this.nextGenomeKey++, first, second, random);
        mutateGenome(child, config.genome, tracker, random);
        next.push(child);
      }
    });
    speciesSet.species = remaining.sort((a, b) => a.key - b.key);
    return next.sort((a, b) => a.key - b.key);
  }
}
