import { describe, expect, it } from 'vitest';
import { resolveNeatConfig } from '../../../../src/core/neat/lib/config.ts';
import { Genome } from '../../../../src/core/neat/lib/genome.ts';
import { genomeToGraph, genomeToJson } from '../../../../src/core/neat/lib/reporters.ts';

describe('champion export', () => {
  const config = resolveNeatConfig({ genome: { numInputs: 4, numOutputs: 2 } });
  const genome = new Genome(7);
  genome.fitness = 1.5;
  genome.nodes = [0, 1, 5].map((key) => ({ key, bias: 0.25, response: 1, activation: 1, aggregation: 0 }));
  genome.connections = [
    { innovation: 1, input: -1, output: 5, weight: 0.5, enabled: true },
    { innovation: 2, input: 5, output: 0, weight: -1, enabled: true },
    { innovation: 3, input: -3, output: 1, weight: 2, enabled: false },
    { innovation: 4, input: -2, output: 0, weight: 1, enabled: true },
  ];

  it('writes the genome as JSON with named activations', () => {
    const json = genomeToJson(genome, config.genome);
    expect(json).toMatchObject({ key: 7, fitness: 1.5, numInputs: 4, numOutputs: 2 });
    expect(json.nodes[2]).toEqual({ key: 5, bias: 0.25, response: 1, activation: 'tanh', aggregation: 'sum' });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('draws used inputs, hidden nodes and outputs in layers', () => {
    const graph = genomeToGraph(genome, config.genome, { inputs: ['a', 'b', 'c', 'd'], outputs: ['up', 'down'] });
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 5]); // inputs c, d unused (c only disabled)
    expect(byId.get(-1)).toMatchObject({ kind: 'input', label: 'a', layer: 0 });
    expect(byId.get(5)).toMatchObject({ kind: 'hidden', layer: 1 });
    expect(byId.get(0)).toMatchObject({ kind: 'output', label: 'up', layer: 2 });
    expect(graph.layers).toBe(3);
    expect(graph.edges).toContainEqual({ from: 5, to: 0, weight: -1, enabled: true });
  });
});
