import { describe, expect, it } from 'vitest';
import { Random } from '../../../../src/core/random.ts';
import { compileGenome } from '../../../../src/core/neat/lib/compiler.ts';
import { Genome } from '../../../../src/core/neat/lib/genome.ts';
import { createNetwork } from '../../../../src/core/neat/lib/network.ts';
import { resolveNeatConfig } from '../../../../src/core/neat/lib/config.ts';
import { evolvedGenomes, varietyConfig } from '../helpers.ts';

function randomInputs(random: Random, count: number): Float32Array {
  return Float32Array.from({ length: count }, () => random.normal() * 2);
}

describe('compiled program vs graph walk', () => {
  it('agree bit for bit on evolved feed-forward genomes (all activations and aggregations)', () => {
    for (const seed of [1, 2, 3]) {
      const config = varietyConfig();
      const random = new Random(seed);
      const genomes = evolvedGenomes(seed, config, 10);
      expect(genomes.some((genome) => genome.nodes.length > config.genome.numOutputs + 1)).toBe(true);
      for (const genome of genomes) {
        const network = createNetwork(genome, config.genome);
        const program = compileGenome(genome, config.genome);
        for (let trial = 0; trial < 3; trial++) {
          const inputs = randomInputs(random, config.genome.numInputs);
          expect(program.activateArray(inputs)).toEqual(network.activate(inputs));
        }
      }
    }
  });

  it('agree bit for bit on recurrent genomes across several steps', () => {
    const config = varietyConfig({ genome: { feedForward: false } });
    const random = new Random(9);
    for (const genome of evolvedGenomes(4, config, 8)) {
      const network = createNetwork(genome, config.genome);
      const program = compileGenome(genome, config.genome);
      const state = program.createState();
      for (let step = 0; step < 4; step++) {
        const inputs = randomInputs(random, config.genome.numInputs);
        expect(program.activateArray(inputs, state)).toEqual(network.activate(inputs));
      }
    }
  });

  it('read inputs in place from two feature rows and an extras array', () => {
    const config = varietyConfig();
    const random = new Random(5);
    for (const genome of evolvedGenomes(6, config, 5)) {
      const program = compileGenome(genome, config.genome, { primary: 3, secondary: 2 });
      const network = createNetwork(genome, config.genome);
      const primary = randomInputs(random, 30);
      const secondary = randomInputs(random, 20);
      const extra = Float64Array.from(randomInputs(random, 2));
      const output = new Float64Array(5);
      program.activate(primary, 9, secondary, 4, extra, output, 2);
      const inputs = [...primary.subarray(9, 12), ...secondary.subarray(4, 6), ...extra];
      expect(Array.from(output.subarray(2))).toEqual(network.activate(inputs));
    }
  });

  it('give 0 for outputs without a path from the inputs (neat-python semantics)', () => {
    const config = resolveNeatConfig({ genome: { numInputs: 2, numOutputs: 2, activationDefault: 'sigmoid', activationOptions: ['sigmoid'] } });
    const genome = new Genome(1);
    genome.nodes = [0, 1, 2].map((key) => ({ key, bias: 0.5, response: 1, activation: 0, aggregation: 0 }));
    // input -1 -> output 0; hidden 2 (no inputs) -> output 1: output 1 is not evaluated.
    genome.connections = [
      { innovation: 0, input: -1, output: 0, weight: 2, enabled: true },
      { innovation: 1, input: 2, output: 1, weight: 1, enabled: true },
    ];
    const expected = 1 / (1 + Math.exp(-5 * (0.5 + 2 * 0.25)));
    expect(createNetwork(genome, config.genome).activate([0.25, 0])).toEqual([expected, 0]);
    expect(compileGenome(genome, config.genome).activateArray([0.25, 0])).toEqual([expected, 0]);
  });
});
