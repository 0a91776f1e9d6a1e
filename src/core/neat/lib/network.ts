// The original-mode network: built from a genome into a list of node evaluations and activated
// one input vector at a time by walking the graph with a map of node values, like neat-python's
// FeedForwardNetwork and RecurrentNetwork. Readable and allocation-happy on purpose; the compiled
// program (compiled.ts) must agree with it exactly.
import { activate, aggregate } from './activations.ts';
import type { GenomeConfig } from './config.ts';
import type { Genome } from './genome.ts';
import { compareSources, feedForwardOrder, recurrentNodes, requiredNodes } from './graph.ts';

interface NodeEvaluation {
  key: number;
  activation: number;
  aggregation: number;
  bias: number;
  response: number;
  /** Incoming (source key, weight) pairs in the canonical summation order. */
  links: Array<[number, number]>;
}

export interface NeatNetwork {
  /** Output values for one input vector (length numInputs). */
  activate(inputs: ArrayLike<number>): number[];
  /** Forgets recurrent state (no-op for feed-forward networks). */
  reset(): void;
}

function nodeEvaluations(genome: Genome, order: number[]): NodeEvaluation[] {
  return order.map((key) => {
    const gene = genome.findNode(key);
    if (!gene) throw new Error(`genome ${genome.key} has a connection to node ${key} but no node gene for it`);
    const links = genome.connections
      .filter((connection) => connection.enabled && connection.output === key)
      .sort((a, b) => compareSources(a.input, b.input))
      .map((connection): [number, number] => [connection.input, connection.weight]);
    return { key, activation: gene.activation, aggregation: gene.aggregation, bias: gene.bias, response: gene.response, links };
  });
}

export class FeedForwardNetwork implements NeatNetwork {
  private readonly numInputs: number;
  private readonly numOutputs: number;
  private readonly evaluations: NodeEvaluation[];

  private constructor(numInputs: number, numOutputs: number, evaluations: NodeEvaluation[]) {
    this.numInputs = numInputs;
    this.numOutputs = numOutputs;
    this.evaluations = evaluations;
  }

  static create(genome: Genome, config: GenomeConfig): FeedForwardNetwork {
    const required = requiredNodes(genome.connections, config.numOutputs);
    return new FeedForwardNetwork(config.numInputs, config.numOutputs, nodeEvaluations(genome, feedForwardOrder(genome.connections, required)));
  }

  activate(inputs: ArrayLike<number>): number[] {
    if (inputs.length !== this.numInputs) throw new RangeError(`expected ${this.numInputs} inputs, got ${inputs.length}`);
    const values = new Map<number, number>();
    for (let index = 0; index < this.numInputs; index++) values.set(-(index + 1), inputs[index]);
    for (let output = 0; output < this.numOutputs; output++) values.set(output, 0); // unless evaluated
    for (const node of this.evaluations) {
      const nodeInputs = node.links.map(([source, weight]) => (values.get(source) as number) * weight);
      const aggregated = aggregate(node.aggregation, nodeInputs, nodeInputs.length);
      values.set(node.key, activate(node.activation, node.bias + node.response * aggregated));
    }
    return Array.from({ length: this.numOutputs }, (_, output) => values.get(output) as number);
  }

  reset(): void {}
}

export class RecurrentNetwork implements NeatNetwork {
  private readonly numInputs: number;
  private readonly numOutputs: number;
  private readonly evaluations: NodeEvaluation[];
  /** Node values of the previous activation. */
  private previous = new Map<number, number>();

  private constructor(numInputs: number, numOutputs: number, evaluations: NodeEvaluation[]) {
    this.numInputs = numInputs;
    this.numOutputs = numOutputs;
    this.evaluations = evaluations;
  }

  static create(genome: Genome, config: GenomeConfig): RecurrentNetwork {
    const required = requiredNodes(genome.connections, config.numOutputs);
    return new RecurrentNetwork(config.numInputs, config.numOutputs, nodeEvaluations(genome, recurrentNodes(genome.connections, required)));
  }

  /** Every node reads its sources' values from the previous activation (inputs: the current ones). */
  activate(inputs: ArrayLike<number>): number[] {
    if (inputs.length !== this.numInputs) throw new RangeError(`expected ${this.numInputs} inputs, got ${inputs.length}`);
    const read = (source: number) => (source < 0 ? inputs[-source - 1] : this.previous.get(source) ?? 0);
    const next = new Map<number, number>();
    for (const node of this.evaluations) {
      const nodeInputs = node.links.map(([source, weight]) => read(source) * weight);
      const aggregated = aggregate(node.aggregation, nodeInputs, nodeInputs.length);
      next.set(node.key, activate(node.activation, node.bias + node.response * aggregated));
    }
    this.previous = next;
    return Array.from({ length: this.numOutputs }, (_, output) => next.get(output) ?? 0);
  }

  reset(): void {
    this.previous = new Map();
  }
}

/** The graph-walk network for a genome, feed-forward or recurrent per its config. */
export function createNetwork(genome: Genome, config: GenomeConfig): NeatNetwork {
  return config.feedForward ? FeedForwardNetwork.create(genome, config) : RecurrentNetwork.create(genome, config);
}
