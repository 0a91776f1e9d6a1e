// Golden values for NEAT's compatibility distance (neat-python's): per gene kind,
// (c_w · attribute differences of matching genes + c_d · disjoint and excess genes) / size of the
// larger genome, summed over nodes and connections; worked out by hand below on two small genomes,
// and the speciation threshold it feeds.
import { describe, expect, it } from 'vitest';
import { resolveNeatConfig } from '../../../../src/core/neat/lib/config.ts';
import { genomeDistance } from '../../../../src/core/neat/lib/genome.ts';
import { SpeciesSet } from '../../../../src/core/neat/lib/species.ts';
import { connectionGene, handGenome, nodeGene } from '../helpers.ts';

// Node genes (key: bias, response, activation):
//   A: 0 (0.5, 1, sigmoid), 1 (−0.5, 1, sigmoid), 3 (0, 1, sigmoid)
//   B: 0 (0.25, 1.5, tanh), 1 (−0.5, 1, sigmoid), 4 (1, 1, sigmoid)
// matching 0: |0.5 − 0.25| + |1 − 1.5| + 1 (activation differs) = 1.75; matching 1: 0
// disjoint: 3 (A) and 4 (B) = 2; larger genome: 3 nodes
// Connection genes (innovation: weight, enabled):
//   A: 1 (1, on), 2 (−0.5, on), 4 (2, on), 6 (0.25, on)
//   B: 1 (0.5, on), 2 (−0.5, off), 3 (1, on), 7 (−1, on), 8 (0.75, on)
// matching 1: |1 − 0.5| = 0.5; matching 2: 0 + 1 (enabled differs) = 1; sum 1.5
// disjoint 4, 6 (A) and 3 (B); excess 7, 8 (B): 5 in all; larger genome: 5 connections
const a = handGenome(1, [nodeGene(0, 0.5), nodeGene(1, -0.5), nodeGene(3, 0)], [
  connectionGene(1, 1), connectionGene(2, -0.5), connectionGene(4, 2), connectionGene(6, 0.25),
]);
const b = handGenome(2, [nodeGene(0, 0.25, 1.5, 'tanh'), nodeGene(1, -0.5), nodeGene(4, 1)], [
  connectionGene(1, 0.5), connectionGene(2, -0.5, false), connectionGene(3, 1), connectionGene(7, -1), connectionGene(8, 0.75),
]);

function genomeConfig(disjoint: number, weight: number) {
  return resolveNeatConfig({ genome: { compatibilityDisjointCoefficient: disjoint, compatibilityWeightCoefficient: weight } }).genome;
}

describe('golden values: NEAT compatibility distance', () => {
  it('with the default coefficients (c_d = 1, c_w = 0.5)', () => {
    // nodes:       (0.5·1.75 + 1·2) / 3 = 2.875 / 3 = 0.9583333
    // connections: (0.5·1.5  + 1·5) / 5 = 5.75 / 5  = 1.15
    // distance = 0.9583333 + 1.15 = 2.1083333
    expect(genomeDistance(a, b, genomeConfig(1, 0.5))).toBeCloseTo(2.1083333, 6);
  });

  it('weighs disjoint genes and attribute differences by their own coefficients', () => {
    // c_d = 2, c_w = 0.25:
    // nodes:       (0.25·1.75 + 2·2) / 3 = 4.4375 / 3 = 1.4791667
    // connections: (0.25·1.5  + 2·5) / 5 = 10.375 / 5 = 2.075
    // distance = 3.5541667
    expect(genomeDistance(a, b, genomeConfig(2, 0.25))).toBeCloseTo(3.5541667, 6);
    // c_d = 0 leaves only the matching genes: 0.5·1.75 / 3 + 0.5·1.5 / 5 = 0.2916667 + 0.15 = 0.4416667
    expect(genomeDistance(a, b, genomeConfig(0, 0.5))).toBeCloseTo(0.4416667, 6);
  });

  it('is symmetric and 0 from a genome to itself', () => {
    const config = genomeConfig(1, 0.5);
    expect(genomeDistance(b, a, config)).toBeCloseTo(2.1083333, 6);
    expect(genomeDistance(a, a, config)).toBe(0);
  });

  it('decides the species: B joins A below the threshold and founds its own above it', () => {
    // distance 2.1083333 with the default coefficients
    for (const [threshold, species] of [[2.2, 1], [2.1, 2]] as const) {
      const config = resolveNeatConfig({ species: { compatibilityThreshold: threshold, targetSpeciesCount: 0 } });
      const set = new SpeciesSet(config);
      set.speciate([a, b], 0, config);
      expect(set.species).toHaveLength(species);
    }
  });
});
