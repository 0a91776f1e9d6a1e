// A network as the trading evaluator drives it: inputs come from up to two feature rows plus an
// extras array (macro signal, position, cash), outputs go into a buffer. The compiled policy hands
// the rows to the program in place; the graph-walk policy assembles the input vector and walks the
// graph, as original mode does. Recurrent memory lives in a per-episode state object.
import type { CompiledProgram, InputLayout } from '../lib/compiled.ts';
import { compileGenome } from '../lib/compiler.ts';
import type { GenomeConfig } from '../lib/config.ts';
import type { Genome } from '../lib/genome.ts';
import { createNetwork, FeedForwardNetwork, type NeatNetwork } from '../lib/network.ts';

export interface Policy {
  readonly numOutputs: number;
  /** Memory for one episode (recurrent networks), or undefined. */
  newState(): unknown;
  run(primary: Float32Array, primaryOffset: number, secondary: Float32Array, secondaryOffset: number, extras: Float64Array, output: Float64Array, outputOffset: number, state: unknown): void;
  /** Memory for `count` episodes run together, or undefined. */
  newBatchState(count: number): unknown;
  /** `count` envs at once; env e's extras at extras[e * extraStride ..], outputs at output[e * outputStride ..]. */
  runBatch(
    count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, output: Float64Array, outputStride: number, state: unknown,
  ): void;
}

export class CompiledPolicy implements Policy {
  readonly numOutputs: number;
  readonly program: CompiledProgram;

  constructor(genome: Genome, config: GenomeConfig, layout: InputLayout) {
    this.program = compileGenome(genome, config, layout);
    this.numOutputs = config.numOutputs;
  }

  newState(): unknown {
    return this.program.recurrent ? this.program.createState() : undefined;
  }

  run(primary: Float32Array, primaryOffset: number, secondary: Float32Array, secondaryOffset: number, extras: Float64Array, output: Float64Array, outputOffset: number, state: unknown): void {
    this.program.activate(primary, primaryOffset, secondary, secondaryOffset, extras, output, outputOffset, state as Float64Array | undefined);
  }

  newBatchState(count: number): unknown {
    return this.program.recurrent ? this.program.createBatchState(count) : undefined;
  }

  runBatch(
    count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, output: Float64Array, outputStride: number, state: unknown,
  ): void {
    this.program.activateBatch(count, primary, primaryOffsets, secondary, secondaryOffsets, extras, extraStride, output, outputStride, state as Float64Array | undefined);
  }
}

export class GraphWalkPolicy implements Policy {
  readonly numOutputs: number;
  private readonly genome: Genome;
  private readonly config: GenomeConfig;
  private readonly layout: InputLayout;
  /** The feed-forward network; recurrent ones are built per episode as their state. */
  private readonly network: FeedForwardNetwork | undefined;

  constructor(genome: Genome, config: GenomeConfig, layout: InputLayout) {
    this.genome = genome;
    this.config = config;
    this.layout = layout;
    this.numOutputs = config.numOutputs;
    this.network = config.feedForward ? FeedForwardNetwork.create(genome, config) : undefined;
  }

  newState(): unknown {
    return this.config.feedForward ? undefined : createNetwork(this.genome, this.config);
  }

  run(primary: Float32Array, primaryOffset: number, secondary: Float32Array, secondaryOffset: number, extras: Float64Array, output: Float64Array, outputOffset: number, state: unknown): void {
    const inputs: number[] = [];
    for (let i = 0; i < this.layout.primary; i++) inputs.push(primary[primaryOffset + i]);
    for (let i = 0; i < this.layout.secondary; i++) inputs.push(secondary[secondaryOffset + i]);
    for (let i = 0; inputs.length < this.config.numInputs; i++) inputs.push(extras[i]);
    const network = (this.network ?? state) as NeatNetwork;
    const outputs = network.activate(inputs);
    for (let i = 0; i < outputs.length; i++) output[outputOffset + i] = outputs[i];
  }

  newBatchState(count: number): unknown {
    return Array.from({ length: count }, () => this.newState());
  }

  /** One env after another through the graph walk. */
  runBatch(
    count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, output: Float64Array, outputStride: number, state: unknown,
  ): void {
    for (let env = 0; env < count; env++) {
      const envExtras = extras.subarray(env * extraStride, (env + 1) * extraStride);
      this.run(primary, primaryOffsets[env], secondary, secondaryOffsets[env], envExtras, output, env * outputStride, (state as unknown[])[env]);
    }
  }
}

export function createPolicy(compiled: boolean, genome: Genome, config: GenomeConfig, layout: InputLayout): Policy {
  return compiled ? new CompiledPolicy(genome, config, layout) : new GraphWalkPolicy(genome, config, layout);
}
