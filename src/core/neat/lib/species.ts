// Species and speciation by compatibility distance (neat-python's DefaultSpeciesSet): each
// existing species keeps the genome closest to its old representative as the new one, then every
// other genome joins the closest species within the threshold or founds a new species. With
// `targetSpeciesCount` set, the threshold moves one step per generation towards that count.
// Everything iterates in ascending key order, so speciation is deterministic.
import type { NeatConfig } from './config.ts';
import { genomeDistance, type Genome } from './genome.ts';

export class Species {
  readonly key: number;
  /** Generation the species was founded. */
  readonly created: number;
  /** Last generation its fitness beat its previous best. */
  lastImproved: number;
  representative: Genome;
  /** Members, ascending genome key. */
  members: Genome[] = [];
  /** Species fitness of the latest generation (NaN before the first stagnation update). */
  fitness = Number.NaN;
  /** Fitness-sharing share from the latest reproduction (NaN before). */
  adjustedFitness = Number.NaN;
  /** Best species fitness seen so far (the maximum of neat-python's fitness history). */
  bestFitness = Number.NEGATIVE_INFINITY;

  constructor(key: number, created: number, representative: Genome) {
    this.key = key;
    this.created = created;
    this.lastImproved = created;
    this.representative = representative;
  }
}

export class SpeciesSet {
  /** Species, ascending key. */
  species: Species[] = [];
  nextSpeciesKey = 1;
  /** Current compatibility threshold (moves when a target species count is set). */
  threshold: number;
  private readonly genomeToSpecies = new Map<number, Species>();

  constructor(config: NeatConfig) {
    this.threshold = config.species.compatibilityThreshold;
  }

  speciesOf(genomeKey: number): Species | undefined {
    return this.genomeToSpecies.get(genomeKey);
  }

  /** Assigns every genome of `population` (ascending key) to a species. */
  speciate(population: readonly Genome[], generation: number, config: NeatConfig): void {
    const genomeConfig = config.genome;
    const unspeciated = [...population].sort((a, b) => a.key - b.key);
    const taken = new Set<number>();
    const kept: Species[] = [];
    for (const species of this.species) {
      let best: Genome | undefined;
      let bestDistance = Infinity;
      for (const genome of unspeciated) {
        if (taken.has(genome.key)) continue;
        const distance = genomeDistance(species.representative, genome, genomeConfig);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = genome;
        }
      }
      if (best === undefined) continue; // more species than genomes: the species ends
      taken.add(best.key);
      species.representative = best;
      species.members = [best];
      kept.push(species);
    }
    for (const genome of unspeciated) {
      if (taken.has(genome.key)) continue;
      let home: Species | undefined;
      let homeDistance = Infinity;
      for (const species of kept) {
        const distance = genomeDistance(species.representative, genome, genomeConfig);
        if (distance < this.threshold && distance < homeDistance) {
          homeDistance = distance;
          home = species;
        }
      }
      if (home) home.members.push(genome);
      else {
        const founded = new Species(this.nextSpeciesKey++, generation, genome);
        founded.members = [genome];
        kept.push(founded);
      }
    }
    this.species = kept;
    this.genomeToSpecies.clear();
    for (const species of kept) {
      species.members.sort((a, b) => a.key - b.key);
      for (const member of species.members) this.genomeToSpecies.set(member.key, species);
    }
    this.adaptThreshold(config);
  }

  private adaptThreshold(config: NeatConfig): void {
    const { targetSpeciesCount, thresholdAdjustStep, thresholdMin, thresholdMax } = config.species;
    if (targetSpeciesCount <= 0) return;
    if (this.species.length < targetSpeciesCount) this.threshold = Math.max(thresholdMin, this.threshold - thresholdAdjustStep);
    else if (this.species.length > targetSpeciesCount) this.threshold = Math.min(thresholdMax, this.threshold + thresholdAdjustStep);
  }

  /** Rebuilds the genome -> species index after members were set directly (checkpoint restore). */
  reindex(): void {
    this.genomeToSpecies.clear();
    for (const species of this.species) for (const member of species.members) this.genomeToSpecies.set(member.key, species);
  }
}
