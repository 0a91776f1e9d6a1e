// A genome: node genes (sorted by key) and connection genes (sorted by innovation number), its
// construction with neat-python's initial connectivity options, copying, and the compatibility
// distance that speciation uses. Input nodes have keys -1 .. -numInputs, outputs 0 .. numOutputs-1,
// initial hidden nodes follow, and later nodes come from the innovation tracker.
import type { Random } from '../../random.ts';
import type { GenomeConfig } from './config.ts';
import {
  connectionGeneDistance, createConnectionGene, createNodeGene, nodeGeneDistance,
  type ConnectionGene, type NodeGene,
} from './genes.ts';
import type { InnovationTracker } from './innovation.ts';

export class Genome {
  readonly key: number;
  /** Hidden and output nodes, ascending key. */
  nodes: NodeGene[] = [];
  /** Connections, ascending innovation; at most one per (input, output) pair. */
  connections: ConnectionGene[] = [];
  /** Scalar fitness (NaN until evaluated). Under NSGA-II: the rank-and-crowding score. */
  fitness = Number.NaN;
  /** Raw objective values from the last evaluation (return, -drawdown, ... or just fitness). */
  objectives: number[] = [];

  constructor(key: number) {
    this.key = key;
  }

  /** An identical genome with another key (fitness is not copied). */
  copy(key = this.key): Genome {
    const copy = new Genome(key);
    copy.nodes = this.nodes.map((gene) => ({ ...gene }));
    copy.connections = this.connections.map((gene) => ({ ...gene }));
    return copy;
  }

  findNode(key: number): NodeGene | undefined {
    const index = lowerBound(this.nodes, key, (gene) => gene.key);
    const gene = this.nodes[index];
    return gene !== undefined && gene.key === key ? gene : undefined;
  }

  findConnection(input: number, output: number): ConnectionGene | undefined {
    for (const gene of this.connections) if (gene.input === input && gene.output === output) return gene;
    return undefined;
  }

  addNode(gene: NodeGene): void {
    this.nodes.splice(lowerBound(this.nodes, gene.key, (node) => node.key), 0, gene);
  }

  addConnection(gene: ConnectionGene): void {
    this.connections.splice(lowerBound(this.connections, gene.innovation, (connection) => connection.innovation), 0, gene);
  }

  /** (hidden + output nodes, enabled connections), neat-python's `size()`. */
  size(): [number, number] {
    let enabled = 0;
    for (const gene of this.connections) if (gene.enabled) enabled++;
    return [this.nodes.length, enabled];
  }
}

/** First index whose key is >= `key` in an array sorted by `keyOf`. */
export function lowerBound<T>(items: T[], key: number, keyOf: (item: T) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (keyOf(items[middle]) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function inputKeys(config: GenomeConfig): number[] {
  return Array.from({ length: config.numInputs }, (_, index) => -(index + 1));
}

export function outputKeys(config: GenomeConfig): number[] {
  return Array.from({ length: config.numOutputs }, (_, index) => index);
}

/** Node key the tracker should hand out first for this genome config. */
export function firstFreeNodeKey(config: GenomeConfig): number {
  return config.numOutputs + config.numHidden;
}

/** Pairs of neat-python's `compute_full_connections`. */
function fullConnections(genome: Genome, config: GenomeConfig, direct: boolean): Array<[number, number]> {
  const hidden = genome.nodes.filter((node) => node.key >= config.numOutputs).map((node) => node.key);
  const outputs = outputKeys(config);
  const inputs = inputKeys(config);
  const pairs: Array<[number, number]> = [];
  if (hidden.length > 0) {
    for (const input of inputs) for (const node of hidden) pairs.push([input, node]);
    for (const node of hidden) for (const output of outputs) pairs.push([node, output]);
  }
  if (direct || hidden.length === 0) {
    for (const input of inputs) for (const output of outputs) pairs.push([input, output]);
  }
  if (!config.feedForward) for (const node of genome.nodes) pairs.push([node.key, node.key]);
  return pairs;
}

/** A new genome with the configured initial structure and random attributes. */
export function createGenome(key: number, config: GenomeConfig, tracker: InnovationTracker, random: Random): Genome {
  const genome = new Genome(key);
  for (let node = 0; node < config.numOutputs + config.numHidden; node++) genome.nodes.push(createNodeGene(node, config, random));
  let pairs: Array<[number, number]> = [];
  switch (config.initialConnection) {
    case 'unconnected':
      break;
    case 'fs_neat_nohidden':
    case 'fs_neat_hidden': {
      const input = -(random.nextInt(config.numInputs) + 1);
      const targets = config.initialConnection === 'fs_neat_hidden' ? genome.nodes : genome.nodes.filter((node) => node.key < config.numOutputs);
      pairs = targets.map((node) => [input, node.key]);
      break;
    }
    case 'full_nodirect':
    case 'full_direct':
      pairs = fullConnections(genome, config, config.initialConnection === 'full_direct');
      break;
    case 'partial_nodirect':
    case 'partial_direct': {
      const all = fullConnections(genome, config, config.initialConnection === 'partial_direct');
      const order = random.shuffle(all.map((_, index) => index));
      // The random subset, kept in canonical pair order so innovation numbers do not depend on the shuffle.
      pairs = order.slice(0, Math.round(all.length * config.initialConnectionFraction)).sort((a, b) => a - b).map((index) => all[index]);
      break;
    }
  }
  for (const [input, output] of pairs) {
    genome.connections.push(createConnectionGene(tracker.connectionInnovation(input, output), input, output, config, random));
  }
  genome.connections.sort((a, b) => a.innovation - b.innovation);
  return genome;
}

/**
 * neat-python's compatibility distance, with connection genes matched by innovation number:
 * per gene kind, (weight coefficient x attribute differences + disjoint coefficient x disjoint
 * count) / size of the larger genome, summed over nodes and connections.
 */
export function genomeDistance(a: Genome, b: Genome, config: GenomeConfig): number {
  // The node and connection walks are written out twice on purpose: a shared generic walk with
  // key and distance callbacks measured reproduction + speciation at 3.7-5.4 ms instead of
  // 3.0-3.5 ms per population (npm run bench -- neat), against a 5 ms target.
  const disjointCoefficient = config.compatibilityDisjointCoefficient;
  const weightCoefficient = config.compatibilityWeightCoefficient;
  let nodeDistance = 0;
  if (a.nodes.length > 0 || b.nodes.length > 0) {
    let disjoint = 0;
    let attributes = 0;
    let i = 0;
    let j = 0;
    const nodesA = a.nodes;
    const nodesB = b.nodes;
    while (i < nodesA.length && j < nodesB.length) {
      const keyA = nodesA[i].key;
      const keyB = nodesB[j].key;
      if (keyA === keyB) attributes += nodeGeneDistance(nodesA[i++], nodesB[j++]);
      else if (keyA < keyB) { disjoint++; i++; } else { disjoint++; j++; }
    }
    disjoint += nodesA.length - i + nodesB.length - j;
    nodeDistance = (weightCoefficient * attributes + disjointCoefficient * disjoint) / Math.max(nodesA.length, nodesB.length);
  }
  let connectionDistance = 0;
  if (a.connections.length > 0 || b.connections.length > 0) {
    let disjoint = 0;
    let attributes = 0;
    let i = 0;
    let j = 0;
    const genesA = a.connections;
    const genesB = b.connections;
    while (i < genesA.length && j < genesB.length) {
      const innovationA = genesA[i].innovation;
      const innovationB = genesB[j].innovation;
      if (innovationA === innovationB) attributes += connectionGeneDistance(genesA[i++], genesB[j++]);
      else if (innovationA < innovationB) { disjoint++; i++; } else { disjoint++; j++; }
    }
    disjoint += genesA.length - i + genesB.length - j;
    connectionDistance = (weightCoefficient * attributes + disjointCoefficient * disjoint) / Math.max(genesA.length, genesB.length);
  }
  return nodeDistance + connectionDistance;
}
