// Stagnation (neat-python's DefaultStagnation): a species whose fitness has not beaten its best
// for maxStagnation generations is removed, except the `speciesElitism` best species. On top of
// neat-python, the species holding the population's best genome is also protected whenever
// speciesElitism > 0, so with genome elitism the best genome is never lost.
import type { NeatConfig, StagnationConfig } from './config.ts';
import type { Genome } from './genome.ts';
import type { Species, SpeciesSet } from './species.ts';

export interface StagnationVerdict {
  species: Species;
  stagnant: boolean;
}

export function summarizeFitness(kind: StagnationConfig['speciesFitnessFunction'] | 'max' | 'min' | 'mean', values: number[]): number {
  if (values.length === 0) return Number.NaN;
  switch (kind) {
    case 'max': return Math.max(...values);
    case 'min': return Math.min(...values);
    case 'mean': return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'median': {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
  }
}

/** Updates each species' fitness record and says which are stagnant, least fit first. */
export function updateStagnation(speciesSet: SpeciesSet, generation: number, config: NeatConfig, best: Genome | undefined): StagnationVerdict[] {
  const { speciesFitnessFunction, maxStagnation, speciesElitism } = config.stagnation;
  for (const species of speciesSet.species) {
    species.fitness = summarizeFitness(speciesFitnessFunction, species.members.map((member) => member.fitness));
    species.adjustedFitness = Number.NaN;
    if (species.fitness > species.bestFitness) {
      species.bestFitness = species.fitness;
      species.lastImproved = generation;
    }
  }
  const ordered = [...speciesSet.species].sort((a, b) => a.fitness - b.fitness || a.key - b.key);
  const bestSpecies = best ? speciesSet.speciesOf(best.key) : undefined;
  const verdicts: StagnationVerdict[] = [];
  let nonStagnant = ordered.length;
  ordered.forEach((species, index) => {
    let stagnant = false;
    if (nonStagnant > speciesElitism) stagnant = generation - species.lastImproved >= maxStagnation;
    if (ordered.length - index <= speciesElitism) stagnant = false;
    if (speciesElitism > 0 && species === bestSpecies) stagnant = false;
    if (stagnant) nonStagnant--;
    verdicts.push({ species, stagnant });
  });
  return verdicts;
}
