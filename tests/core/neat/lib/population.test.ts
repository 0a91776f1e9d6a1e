import { describe, expect, it } from 'vitest';
import { Random } from '../../../../src/core/random.ts';
import { resolveNeatConfig } from '../../../../src/core/neat/lib/config.ts';
import { crossover } from '../../../../src/core/neat/lib/crossover.ts';
import { createGenome, genomeDistance } from '../../../../src/core/neat/lib/genome.ts';
import { InnovationTracker } from '../../../../src/core/neat/lib/innovation.ts';
import { mutateAddNode } from '../../../../src/core/neat/lib/mutation.ts';
import { CompleteExtinctionError, Population } from '../../../../src/core/neat/lib/population.ts';
import { varietyConfig } from '../helpers.ts';

describe('population', () => {
  it('keeps the population size exact and never loses the best genome (elitism + species elitism)', () => {
    const config = varietyConfig({ populationSize: 40, species: { compatibilityThreshold: 2.5, targetSpeciesCount: 0 }, stagnation: { maxStagnation: 3, speciesElitism: 1 }, reproduction: { elitism: 1 } });
    const population = Population.create(config, new Random(8));
    const fitness = new Random(9);
    for (let generation = 0; generation < 25; generation++) {
      for (const genome of population.genomes) genome.fitness = fitness.normal();
      const { best } = population.recordEvaluation();
      population.evolve();
      expect(population.genomes).toHaveLength(40);
      expect(population.genomes).toContain(best);
      const keys = population.genomes.map((genome) => genome.key);
      expect(new Set(keys).size).toBe(keys.length);
      // Every genome sits in exactly one species.
      expect(population.speciesSet.species.reduce((sum, species) => sum + species.members.length, 0)).toBe(40);
    }
  });

  it('adapts the compatibility threshold towards the target species count', () => {
    const config = varietyConfig({ populationSize: 60, species: { compatibilityThreshold: 12, targetSpeciesCount: 6, thresholdAdjustStep: 0.5, thresholdMin: 1 } });
    const population = Population.create(config, new Random(2));
    const fitness = new Random(3);
    const counts: number[] = [];
    for (let generation = 0; generation < 40; generation++) {
      const before = population.speciesSet.threshold;
      for (const genome of population.genomes) genome.fitness = fitness.normal();
      population.recordEvaluation();
      population.evolve();
      const count = population.speciesSet.species.length;
      const after = population.speciesSet.threshold;
      counts.push(count);
      if (count < 6) expect(after).toBe(Math.max(1, before - 0.5));
      else if (count > 6) expect(after).toBe(before + 0.5);
      else expect(after).toBe(before);
    }
    expect(counts[0]).toBe(1);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(6);
  });

  it('handles complete extinction by reseeding or by failing, as configured', () => {
    const base = { populationSize: 10, species: { compatibilityThreshold: 100, targetSpeciesCount: 0 }, stagnation: { maxStagnation: 1, speciesElitism: 0 } };
    for (const resetOnExtinction of [true, false]) {
      const config = varietyConfig({ ...base, resetOnExtinction });
      const population = Population.create(config, new Random(1));
      const run = () => {
        for (let generation = 0; generation < 5; generation++) {
          for (const genome of population.genomes) genome.fitness = 1; // never improves
          population.recordEvaluation();
          population.evolve();
        }
      };
      if (resetOnExtinction) {
        run();
        expect(population.genomes).toHaveLength(10);
      } else {
        expect(run).toThrow(CompleteExtinctionError);
      }
    }
  });

  it('gives the same structural mutation in one generation the same innovation numbers', () => {
    const config = resolveNeatConfig({ genome: { numInputs: 3, numOutputs: 1, initialConnection: 'full_direct' } });
    const tracker = new InnovationTracker({ nextInnovation: 0, nextNodeKey: 1 });
    const random = new Random(4);
    const a = createGenome(1, config.genome, tracker, random);
    const b = createGenome(2, config.genome, tracker, random);
    expect(a.connections.map((gene) => gene.innovation)).toEqual(b.connections.map((gene) => gene.innovation));
    // Split the same connection in both genomes in one generation.
    const onlyFirst = (genome: typeof a) => genome.connections.forEach((gene, index) => (gene.enabled = index === 0));
    onlyFirst(a);
    onlyFirst(b);
    mutateAddNode(a, config.genome, tracker, random);
    mutateAddNode(b, config.genome, tracker, random);
    expect(a.nodes.map((node) => node.key)).toEqual(b.nodes.map((node) => node.key));
    expect(a.connections.map((gene) => gene.innovation)).toEqual(b.connections.map((gene) => gene.innovation));
    // A new generation gets fresh numbers for the same mutation.
    tracker.startGeneration();
    const c = createGenome(3, config.genome, new InnovationTracker({ nextInnovation: 0, nextNodeKey: 1 }), random);
    onlyFirst(c);
    mutateAddNode(c, config.genome, tracker, random);
    expect(c.nodes.at(-1)?.key).not.toBe(a.nodes.at(-1)?.key);
  });

  it('keeps a connection\'s innovation number in later generations, until its hidden node dies out', () => {
    const tracker = new InnovationTracker({ nextInnovation: 0, nextNodeKey: 5 });
    const first = tracker.connectionInnovation(-1, 0);
    const hidden = tracker.connectionInnovation(-2, 7);
    tracker.startGeneration(new Set([0, 7]));
    expect(tracker.connectionInnovation(-1, 0)).toBe(first);
    expect(tracker.connectionInnovation(-2, 7)).toBe(hidden);
    tracker.startGeneration(new Set([0])); // node 7 is gone from every parent
    expect(tracker.connectionInnovation(-1, 0)).toBe(first);
    expect(tracker.connectionInnovation(-2, 7)).toBeGreaterThan(hidden);
    expect(tracker.connectionTable().map(([input, output]) => [input, output])).toEqual([[-1, 0], [-2, 7]]);
  });

  it('crosses over by innovation number: matching genes mix, the fitter parent\'s structure wins', () => {
    const config = resolveNeatConfig({ genome: { numInputs: 4, numOutputs: 2, initialConnection: 'full_direct' } });
    const tracker = new InnovationTracker({ nextInnovation: 0, nextNodeKey: 2 });
    const random = new Random(6);
    const fitter = createGenome(1, config.genome, tracker, random);
    const weaker = createGenome(2, config.genome, tracker, random);
    mutateAddNode(fitter, config.genome, tracker, random);
    weaker.connections.splice(0, 3);
    fitter.fitness = 2;
    weaker.fitness = 1;
    const child = crossover(3, weaker, fitter, random);
    expect(child.connections.map((gene) => gene.innovation)).toEqual(fitter.connections.map((gene) => gene.innovation));
    expect(child.nodes.map((node) => node.key)).toEqual(fitter.nodes.map((node) => node.key));
    for (const gene of child.connections) {
      const candidates = [fitter, weaker].flatMap((parent) => parent.connections.filter((other) => other.innovation === gene.innovation).map((other) => other.weight));
      expect(candidates).toContain(gene.weight);
    }
    expect(genomeDistance(child, child, config.genome)).toBe(0);
    expect(genomeDistance(fitter, weaker, config.genome)).toBeGreaterThan(0);
  });
});
