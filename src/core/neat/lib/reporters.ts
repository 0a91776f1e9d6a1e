// What a NEAT run reports: per-generation statistics of a population (fitness spread, species,
// genome sizes, timings) turned into metric samples for the host, and the champion genome as JSON
// and as a drawable graph (nodes with layers, edges with weights).
import type { MetricSample } from '../../../shared/metrics.ts';
import { activationNames, aggregationNames } from './activations.ts';
import type { GenomeConfig } from './config.ts';
import type { Genome } from './genome.ts';
import { requiredNodes } from './graph.ts';
import type { Population } from './population.ts';
import { summarizeFitness } from './stagnation.ts';

export interface SpeciesStatistics {
  key: number;
  size: number;
  /** Species fitness (per the stagnation config) of this generation. */
  fitness: number;
  /** Generations since the species was founded. */
  age: number;
  /** Generations since its fitness last improved. */
  stagnation: number;
}

export interface PopulationStatistics {
  name: string;
  generation: number;
  bestFitness: number;
  meanFitness: number;
  fitnessStd: number;
  /** Best fitness ever seen in this population. */
  bestEverFitness: number;
  species: SpeciesStatistics[];
  meanNodes: number;
  meanConnections: number;
  /** Hidden nodes and enabled connections of the generation's best genome. */
  bestSize: [number, number];
  compatibilityThreshold: number;
}

/** Statistics of an evaluated population (call after recordEvaluation, before evolve). */
export function populationStatistics(name: string, population: Population): PopulationStatistics {
  const genomes = population.genomes;
  const fitnesses = genomes.map((genome) => genome.fitness);
  const mean = fitnesses.reduce((sum, value) => sum + value, 0) / fitnesses.length;
  const variance = fitnesses.reduce((sum, value) => sum + (value - mean) ** 2, 0) / fitnesses.length;
  let best = genomes[0];
  let nodes = 0;
  let connections = 0;
  for (const genome of genomes) {
    if (genome.fitness > best.fitness) best = genome;
    const [nodeCount, connectionCount] = genome.size();
    nodes += nodeCount;
    connections += connectionCount;
  }
  const numOutputs = population.config.genome.numOutputs;
  const [bestNodes, bestConnections] = best.size();
  const speciesFitness = population.config.stagnation.speciesFitnessFunction;
  return {
    name,
    generation: population.generation,
    bestFitness: best.fitness,
    meanFitness: mean,
    fitnessStd: Math.sqrt(variance),
    bestEverFitness: population.bestGenome?.fitness ?? best.fitness,
    species: population.speciesSet.species.map((species) => ({
      key: species.key,
      size: species.members.length,
      fitness: summarizeFitness(speciesFitness, species.members.map((member) => member.fitness)),
      age: population.generation - species.created,
      stagnation: population.generation - species.lastImproved,
    })),
    meanNodes: nodes / genomes.length - numOutputs,
    meanConnections: connections / genomes.length,
    bestSize: [bestNodes - numOutputs, bestConnections],
    compatibilityThreshold: population.speciesSet.threshold,
  };
}

/** Metric samples of one population's statistics; `prefix` separates co-evolved populations. */
export function statisticsMetrics(statistics: PopulationStatistics, prefix: string, elapsedMs: number, step: number): MetricSample[] {
  const name = (base: string) => (prefix ? `${prefix}${base[0].toUpperCase()}${base.slice(1)}` : base);
  const values: Array<[string, number]> = [
    ['bestFitness', statistics.bestFitness],
    ['meanFitness', statistics.meanFitness],
    ['fitnessStd', statistics.fitnessStd],
    ['species', statistics.species.length],
    ['largestSpecies', Math.max(...statistics.species.map((species) => species.size))],
    ['meanHiddenNodes', statistics.meanNodes],
    ['meanConnections', statistics.meanConnections],
    ['compatibilityThreshold', statistics.compatibilityThreshold],
  ];
  return values.filter(([, value]) => Number.isFinite(value)).map(([base, value]) => ({ name: name(base), value, elapsedMs, step }));
}

// ---- champion export ----

export interface GenomeJson {
  key: number;
  fitness: number | null;
  objectives: number[];
  numInputs: number;
  numOutputs: number;
  nodes: Array<{ key: number; bias: number; response: number; activation: string; aggregation: string }>;
  connections: Array<{ innovation: number; input: number; output: number; weight: number; enabled: boolean }>;
}

export function genomeToJson(genome: Genome, config: GenomeConfig): GenomeJson {
  return {
    key: genome.key,
    fitness: Number.isFinite(genome.fitness) ? genome.fitness : null,
    objectives: [...genome.objectives],
    numInputs: config.numInputs,
    numOutputs: config.numOutputs,
    nodes: genome.nodes.map((node) => ({
      key: node.key, bias: node.bias, response: node.response,
      activation: activationNames[node.activation], aggregation: aggregationNames[node.aggregation],
    })),
    connections: genome.connections.map((gene) => ({ ...gene })),
  };
}

export interface GraphNode {
  id: number;
  kind: 'input' | 'hidden' | 'output';
  label: string;
  /** Column for drawing: inputs 0, outputs the last column, hidden nodes by longest path. */
  layer: number;
  activation?: string;
  bias?: number;
}

export interface GraphEdge {
  from: number;
  to: number;
  weight: number;
  enabled: boolean;
}

export interface GenomeGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  layers: number;
}

/**
 * The genome as a graph to draw. Only nodes that matter are kept: inputs with an enabled
 * connection into the network, hidden nodes that feed an output, and all outputs.
 */
export function genomeToGraph(genome: Genome, config: GenomeConfig, labels: { inputs?: string[]; outputs?: string[] } = {}): GenomeGraph {
  const required = requiredNodes(genome.connections, config.numOutputs);
  const edges = genome.connections
    .filter((gene) => required.has(gene.output) && (gene.input < 0 || required.has(gene.input)))
    .map((gene) => ({ from: gene.input, to: gene.output, weight: gene.weight, enabled: gene.enabled }));
  const usedInputs = [...new Set(edges.filter((edge) => edge.enabled && edge.from < 0).map((edge) => edge.from))].sort((a, b) => b - a);
  // Longest-path layering over enabled edges (a bounded relaxation also terminates on cycles).
  const layer = new Map<number, number>();
  for (const input of usedInputs) layer.set(input, 0);
  for (const node of required) layer.set(node, 1);
  for (let pass = 0; pass < required.size; pass++) {
    let changed = false;
    for (const edge of edges) {
      if (!edge.enabled || edge.from === edge.to) continue;
      const candidate = (layer.get(edge.from) ?? 0) + 1;
      if (candidate > (layer.get(edge.to) as number) && candidate <= required.size + 1) {
        layer.set(edge.to, candidate);
        changed = true;
      }
    }
    if (!changed) break;
  }
  let deepest = 1;
  for (const node of required) deepest = Math.max(deepest, (layer.get(node) as number) + (node < config.numOutputs ? 0 : 1));
  const nodes: GraphNode[] = usedInputs.map((input) => ({ id: input, kind: 'input', label: labels.inputs?.[-input - 1] ?? `in ${-input - 1}`, layer: 0 }));
  for (const gene of genome.nodes) {
    if (!required.has(gene.key)) continue;
    const output = gene.key < config.numOutputs;
    nodes.push({
      id: gene.key,
      kind: output ? 'output' : 'hidden',
      label: output ? labels.outputs?.[gene.key] ?? `out ${gene.key}` : `h${gene.key}`,
      layer: output ? deepest : (layer.get(gene.key) as number),
      activation: activationNames[gene.activation],
      bias: gene.bias,
    });
  }
  return { nodes, edges: edges.filter((edge) => edge.from >= 0 || usedInputs.includes(edge.from)), layers: deepest + 1 };
}
