// Golden values for NEAT crossover: which gene, and which attribute of a matching gene, the child
// takes from which parent. The draws are scripted (a Random whose nextFloat returns listed
// numbers), so each inherited attribute is known by hand: a draw below 0.5 takes the fitter
// parent's value, otherwise the other parent's. Disjoint and excess genes come from the fitter
// parent only, and draw nothing.
import { describe, expect, it } from 'vitest';
import { crossover } from '../../../../src/core/neat/lib/crossover.ts';
import { Random } from '../../../../src/core/random.ts';
import { activationIndex, aggregationIndex } from '../../../../src/core/neat/lib/activations.ts';
import { connectionGene, handGenome, nodeGene } from '../helpers.ts';

/** A Random whose nextFloat returns the listed draws in order, and fails when they run out. */
class ScriptedRandom extends Random {
  private readonly draws: number[];

  constructor(draws: number[]) {
    super(0);
    this.draws = [...draws];
  }

  override nextFloat(): number {
    const draw = this.draws.shift();
    if (draw === undefined) throw new Error('crossover drew more numbers than scripted');
    return draw;
  }

  get remaining(): number {
    return this.draws.length;
  }
}

// Fitter parent F (fitness 2) and other parent O (fitness 1).
// Connections (innovation: weight, enabled):
//   F: 1 (1, on),  2 (2, on),                4 (4, off), 5 (5, on)
//   O: 1 (−1, off),            3 (−3, on),   4 (−4, on),              6 (−6, on)
// Nodes (key: bias, response, activation, aggregation):
//   F: 0 (0.5, 1, sigmoid, sum), 1 (1.5, 2, sigmoid, sum), 5 (2.5, 1, sigmoid, sum)
//   O: 0 (−0.5, 3, tanh, max),   1 (−1.5, 4, relu, min),   6 (−2.5, 1, sigmoid, sum)
function parents() {
  const fitter = handGenome(1,
    [nodeGene(0, 0.5, 1), nodeGene(1, 1.5, 2), nodeGene(5, 2.5)],
    [connectionGene(1, 1), connectionGene(2, 2), connectionGene(4, 4, false), connectionGene(5, 5)],
    2);
  const other = handGenome(2,
    [nodeGene(0, -0.5, 3, 'tanh', 'max'), nodeGene(1, -1.5, 4, 'relu', 'min'), nodeGene(6, -2.5)],
    [connectionGene(1, -1, false), connectionGene(3, -3), connectionGene(4, -4), connectionGene(6, -6)],
    1);
  return { fitter, other };
}

// Draws, in the order crossover makes them: connections by innovation (weight, enabled), then
// nodes by key (bias, response, activation, aggregation); only matching genes draw.
//   connection 1: 0.1 → weight 1 (F),        0.9 → enabled off (O)
//   connection 4: 0.7 → weight −4 (O),       0.3 → enabled off (F)
//   node 0:       0.2 → bias 0.5 (F),        0.8 → response 3 (O),  0.4 → sigmoid (F), 0.6 → max (O)
//   node 1:       0.9 → bias −1.5 (O),       0.1 → response 2 (F),  0.9 → relu (O),    0.1 → sum (F)
const DRAWS = [0.1, 0.9, 0.7, 0.3, 0.2, 0.8, 0.4, 0.6, 0.9, 0.1, 0.9, 0.1];

describe('golden values: NEAT crossover', () => {
  it('matching genes mix attribute by attribute; disjoint and excess genes come from the fitter parent', () => {
    const { fitter, other } = parents();
    const random = new ScriptedRandom(DRAWS);
    const child = crossover(9, other, fitter, random); // argument order does not matter: fitness does
    expect(child.key).toBe(9);
    expect(child.connections).toEqual([
      { innovation: 1, input: -1, output: 0, weight: 1, enabled: false },
      { innovation: 2, input: -1, output: 0, weight: 2, enabled: true }, // F's disjoint gene, copied
      { innovation: 4, input: -1, output: 0, weight: -4, enabled: false },
      { innovation: 5, input: -1, output: 0, weight: 5, enabled: true }, // F's excess gene, copied
    ]); // O's 3 and 6 are left out
    expect(child.nodes).toEqual([
      { key: 0, bias: 0.5, response: 3, activation: activationIndex('sigmoid'), aggregation: aggregationIndex('max') },
      { key: 1, bias: -1.5, response: 2, activation: activationIndex('relu'), aggregation: aggregationIndex('sum') },
      { key: 5, bias: 2.5, response: 1, activation: activationIndex('sigmoid'), aggregation: aggregationIndex('sum') }, // F only
    ]); // O's node 6 is left out
    expect(random.remaining).toBe(0); // 2 draws per matching connection, 4 per matching node, none else
  });

  it('on equal fitness the second parent counts as the fitter one', () => {
    const { fitter, other } = parents();
    other.fitness = 2; // now F and O tie
    // O is the second argument, so O's structure wins: connections 1, 3, 4, 6 and nodes 0, 1, 6.
    // Draws below 0.5 now take O's values: all 0.1 takes O's attribute for every matching gene.
    const child = crossover(9, fitter, other, new ScriptedRandom(Array<number>(12).fill(0.1)));
    expect(child.connections.map((gene) => [gene.innovation, gene.weight, gene.enabled])).toEqual([[1, -1, false], [3, -3, true], [4, -4, true], [6, -6, true]]);
    expect(child.nodes.map((gene) => [gene.key, gene.bias, gene.response])).toEqual([[0, -0.5, 3], [1, -1.5, 4], [6, -2.5, 1]]);
  });

  it('copies genes: changing the child leaves the parents alone', () => {
    const { fitter, other } = parents();
    const child = crossover(9, fitter, other, new ScriptedRandom(DRAWS));
    child.connections[1].weight = 99;
    child.nodes[2].bias = 99;
    expect(fitter.connections[1].weight).toBe(2);
    expect(fitter.nodes[2].bias).toBe(2.5);
  });
});
