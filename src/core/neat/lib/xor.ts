// The XOR task with neat-python's canonical fitness (4 minus the squared error over the four
// cases), used as the engine's sanity check in tests and in the benchmark.
import { Random } from '../../random.ts';
import { compileGenome } from './compiler.ts';
import { xorConfig, type NeatConfig, type NeatConfigInput } from './config.ts';
import type { Genome } from './genome.ts';
import { createNetwork } from './network.ts';
import { Population } from './population.ts';

export const xorInputs: ReadonlyArray<readonly [number, number]> = [[0, 0], [0, 1], [1, 0], [1, 1]];
export const xorOutputs: readonly number[] = [0, 1, 1, 0];

/** Sets each genome's fitness; `compiled` picks the compiled program over the graph walk. */
export function evaluateXor(genomes: Genome[], config: NeatConfig, compiled: boolean): void {
  for (const genome of genomes) {
    const network = compiled ? compileGenome(genome, config.genome) : createNetwork(genome, config.genome);
    let fitness = 4;
    xorInputs.forEach((inputs, index) => {
      const output = compiled ? (network as ReturnType<typeof compileGenome>).activateArray(inputs) : (network as ReturnType<typeof createNetwork>).activate(inputs);
      fitness -= (output[0] - xorOutputs[index]) ** 2;
    });
    genome.fitness = fitness;
  }
}

export interface XorResult {
  seed: number;
  solved: boolean;
  /** Generations evaluated until the threshold was reached (or the cap). */
  generations: number;
  bestFitness: number;
  /** Hidden nodes and enabled connections of the winner. */
  size: [number, number];
}

/** Evolves XOR from `seed` for at most `maxGenerations` generations. */
export async function solveXor(seed: number, maxGenerations = 300, overrides: NeatConfigInput = {}, compiled = true): Promise<XorResult> {
  const config = xorConfig(overrides);
  const population = Population.create(config, new Random(seed));
  const result = await population.run((genomes) => evaluateXor(genomes, config, compiled), maxGenerations);
  const [nodes, connections] = result.best.size();
  return { seed, solved: result.solved, generations: result.generations, bestFitness: result.best.fitness, size: [nodes - config.genome.numOutputs, connections] };
}
