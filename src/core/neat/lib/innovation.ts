// Global innovation numbers and node keys of one population. The same structural mutation made
// by several genomes within one generation (adding the same connection, splitting the same
// connection) receives the same innovation numbers and node key, so crossover and the
// compatibility distance line those genes up. A connection between the same two nodes keeps its
// innovation number in later generations too (as neat-python's matching by node pair would), so
// a re-added connection lines up with its earlier copies; that table forgets pairs whose hidden
// node has died out of the population. Splits are remembered for one generation only: splitting
// a connection again later creates a new node. Counters and the pair table go into checkpoints.

/** Counters that survive a generation; all a checkpoint needs. */
export interface InnovationState {
  nextInnovation: number;
  nextNodeKey: number;
}

export interface SplitInnovation {
  nodeKey: number;
  /** Innovation of the connection input -> new node. */
  inputInnovation: number;
  /** Innovation of the connection new node -> output. */
  outputInnovation: number;
}

/** Input keys are >= -2^20; connection pair keys pack (input, output) into one safe integer. */
const INPUT_OFFSET = 1 << 20;
const OUTPUT_SPAN = 2 ** 31;

function pairKey(input: number, output: number): number {
  return (input + INPUT_OFFSET) * OUTPUT_SPAN + output;
}

/** One remembered connection: input node, output node, innovation number. */
export type ConnectionInnovation = [input: number, output: number, innovation: number];

function unpackPair(key: number): [number, number] {
  const output = key % OUTPUT_SPAN;
  return [(key - output) / OUTPUT_SPAN - INPUT_OFFSET, output];
}

export class InnovationTracker {
  nextInnovation: number;
  nextNodeKey: number;
  /** Innovation number by connection pair, in innovation order. */
  private readonly connectionInnovations = new Map<number, number>();
  private readonly splitsThisGeneration = new Map<number, SplitInnovation>();

  constructor(state: InnovationState, connections: readonly ConnectionInnovation[] = []) {
    this.nextInnovation = state.nextInnovation;
    this.nextNodeKey = state.nextNodeKey;
    for (const [input, output, innovation] of [...connections].sort((a, b) => a[2] - b[2])) this.connectionInnovations.set(pairKey(input, output), innovation);
  }

  /**
   * Called at each generation's reproduction with the parents: forgets this generation's splits and
   * the pairs whose hidden node no parent has (no descendant can hold that node again).
   */
  startGeneration(liveNodes?: ReadonlySet<number>): void {
    this.splitsThisGeneration.clear();
    if (!liveNodes) return;
    for (const key of this.connectionInnovations.keys()) {
      const [input, output] = unpackPair(key);
      if ((input >= 0 && !liveNodes.has(input)) || !liveNodes.has(output)) this.connectionInnovations.delete(key);
    }
  }

  /** The remembered connection pairs, ascending innovation (for checkpoints). */
  connectionTable(): ConnectionInnovation[] {
    return [...this.connectionInnovations].map(([key, innovation]) => [...unpackPair(key), innovation] as ConnectionInnovation).sort((a, b) => a[2] - b[2]);
  }

  getState(): InnovationState {
    return { nextInnovation: this.nextInnovation, nextNodeKey: this.nextNodeKey };
  }

  /** Innovation number of the connection input -> output. */
  connectionInnovation(input: number, output: number): number {
    const key = pairKey(input, output);
    let innovation = this.connectionInnovations.get(key);
    if (innovation === undefined) {
      innovation = this.nextInnovation++;
      this.connectionInnovations.set(key, innovation);
    }
    return innovation;
  }

  /** Node key and innovations for splitting the connection `innovation` (input -> output). */
  splitConnection(innovation: number, input: number, output: number): SplitInnovation {
    let split = this.splitsThisGeneration.get(innovation);
    if (split === undefined) {
      split = this.freshSplit(input, output);
      this.splitsThisGeneration.set(innovation, split);
    }
    return split;
  }

  /** A split with a node key nobody has used (when a genome already holds the shared one). */
  freshSplit(input: number, output: number): SplitInnovation {
    const nodeKey = this.nextNodeKey++;
    return {
      nodeKey,
      inputInnovation: this.connectionInnovation(input, nodeKey),
      outputInnovation: this.connectionInnovation(nodeKey, output),
    };
  }
}
