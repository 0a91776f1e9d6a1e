// Test helpers: populations evolved under random fitness, which give varied genomes (hidden
// nodes, disabled connections, mixed activations and aggregations) for property tests, and genes
// and genomes written out by hand for the golden-value tests.
import { Random } from '../../../src/core/random.ts';
import { resolveNeatConfig, type NeatConfig, type NeatConfigInput } from '../../../src/core/neat/lib/config.ts';
import { activationIndex, aggregationIndex, type ActivationName, type AggregationName } from '../../../src/core/neat/lib/activations.ts';
import type { ConnectionGene, NodeGene } from '../../../src/core/neat/lib/genes.ts';
import { Genome } from '../../../src/core/neat/lib/genome.ts';
import { Population } from '../../../src/core/neat/lib/population.ts';

export function varietyConfig(overrides: NeatConfigInput = {}): NeatConfig {
  return resolveNeatConfig({
    populationSize: 30,
    genome: {
      numInputs: 7, numOutputs: 3, numHidden: 1, initialConnection: 'partial_direct', initialConnectionFraction: 0.6,
      activationDefault: 'random', activationOptions: ['sigmoid', 'tanh', 'relu', 'identity', 'gauss', 'sin', 'clamped', 'abs'], activationMutateRate: 0.3,
      aggregationDefault: 'sum', aggregationOptions: ['sum', 'product', 'max', 'min', 'maxabs', 'median', 'mean'], aggregationMutateRate: 0.2,
      response: { initMean: 1, initStdev: 0.3, mutateRate: 0.2, mutatePower: 0.2, replaceRate: 0.05 },
      nodeAddProb: 0.5, connAddProb: 0.7, nodeDeleteProb: 0.1, connDeleteProb: 0.2, enabledMutateRate: 0.1,
      ...overrides.genome,
    },
    ...Object.fromEntries(Object.entries(overrides).filter(([key]) => key !== 'genome')),
  });
}

/** Genomes from `generations` generations of evolution under random fitness. */
export function evolvedGenomes(seed: number, config: NeatConfig, generations = 8): Genome[] {
  const fitnessRandom = new Random(seed + 1000);
  const population = Population.create(config, new Random(seed));
  const collected: Genome[] = [];
  for (let generation = 0; generation < generations; generation++) {
    for (const genome of population.genomes) genome.fitness = fitnessRandom.normal();
    population.recordEvaluation();
    collected.push(...population.genomes);
    population.evolve();
  }
  return collected;
}

/** A node gene written out by hand: sigmoid and sum unless named. */
export function nodeGene(key: number, bias: number, response = 1, activation: ActivationName = 'sigmoid', aggregation: AggregationName = 'sum'): NodeGene {
  return { key, bias, response, activation: activationIndex(activation), aggregation: aggregationIndex(aggregation) };
}

/** A connection gene written out by hand (the input and output do not enter distance or crossover). */
export function connectionGene(innovation: number, weight: number, enabled = true): ConnectionGene {
  return { innovation, input: -1, output: 0, weight, enabled };
}

/** A genome from hand-written genes, with a fitness. */
export function handGenome(key: number, nodes: NodeGene[], connections: ConnectionGene[], fitness = Number.NaN): Genome {
  const genome = new Genome(key);
  genome.nodes = nodes;
  genome.connections = connections;
  genome.fitness = fitness;
  return genome;
}
