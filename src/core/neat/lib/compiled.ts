// The optimized-mode network: a flat program (built by compiler.ts). Evaluated nodes are in
// topological order; each node's incoming edges sit in typed arrays split into four segments by
// where the source value lives (primary feature row, secondary feature row, extra inputs, earlier
// nodes), so activation reads features in place (no input copy) and allocates nothing. Edges keep
// the graph walk's canonical summation order, so results are bit-identical to network.ts.
import { activate, activateRow, aggregate, SUM_AGGREGATION } from './activations.ts';

/**
 * Where a network's inputs come from: the first `primary` inputs from one feature row, the next
 * `secondary` from another, the remaining `numInputs - primary - secondary` from an extras array.
 */
export interface InputLayout {
  primary: number;
  secondary: number;
}

/** Edge segments per node: primary row, secondary row, extras, earlier nodes. */
export const SEGMENTS = 4;
const EMPTY_FLOAT32 = new Float32Array(0);

export class CompiledProgram {
  readonly numInputs: number;
  readonly numOutputs: number;
  /** Evaluated (hidden and output) nodes. */
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly recurrent: boolean;
  private readonly activation: Uint8Array;
  private readonly aggregation: Uint8Array;
  private readonly bias: Float32Array;
  private readonly response: Float32Array;
  /** Node n's segment s spans edges [edgeStart[4n + s], edgeStart[4n + s + 1]). */
  private readonly edgeStart: Int32Array;
  /** Column in the feature row, index in extras, or node slot, per segment. */
  private readonly edgeSource: Int32Array;
  private readonly edgeWeight: Float32Array;
  private readonly outputSlot: Int32Array;
  private readonly allSum: boolean;
  /** Node values of the current activation. */
  private readonly values: Float64Array;
  /** Weighted inputs of one node, for aggregations other than sum. */
  private readonly gathered: Float64Array;
  /** Node-major values of a batch (activateBatch) and the per-env sums. */
  private batchValues = new Float64Array(0);
  private batchSums = new Float64Array(0);
  /** One env's recurrent state while a batch goes env by env. */
  private readonly envState: Float64Array;

  constructor(parts: {
    numInputs: number; numOutputs: number; recurrent: boolean; activation: Uint8Array; aggregation: Uint8Array;
    bias: Float32Array; response: Float32Array; edgeStart: Int32Array; edgeSource: Int32Array; edgeWeight: Float32Array; outputSlot: Int32Array;
  }) {
    this.numInputs = parts.numInputs;
    this.numOutputs = parts.numOutputs;
    this.recurrent = parts.recurrent;
    this.activation = parts.activation;
    this.aggregation = parts.aggregation;
    this.bias = parts.bias;
    this.response = parts.response;
    this.edgeStart = parts.edgeStart;
    this.edgeSource = parts.edgeSource;
    this.edgeWeight = parts.edgeWeight;
    this.outputSlot = parts.outputSlot;
    this.nodeCount = parts.activation.length;
    this.edgeCount = parts.edgeWeight.length;
    this.allSum = parts.aggregation.every((aggregation) => aggregation === SUM_AGGREGATION);
    // One slot past the nodes always holds 0: unevaluated sources and unconnected outputs read it.
    this.values = new Float64Array(this.nodeCount + 1);
    let widest = 0;
    for (let node = 0; node < this.nodeCount; node++) widest = Math.max(widest, parts.edgeStart[SEGMENTS * node + SEGMENTS] - parts.edgeStart[SEGMENTS * node]);
    this.gathered = new Float64Array(widest);
    this.envState = new Float64Array(this.nodeCount + 1);
  }

  /** Per-episode memory of a recurrent program (node values of the previous step). */
  createState(): Float64Array {
    return new Float64Array(this.nodeCount + 1);
  }

  /**
   * Computes the outputs for one step into output[outputOffset ..]. Inputs are read in place from
   * primary[primaryOffset ..], secondary[secondaryOffset ..] and extra[0 ..]. Recurrent programs
   * need `state` from createState(), which they read and update.
   */
  activate(
    primary: Float32Array, primaryOffset: number, secondary: Float32Array, secondaryOffset: number, extra: Float64Array,
    output: Float64Array, outputOffset: number, state?: Float64Array,
  ): void {
    const values = this.values;
    const previous = this.recurrent ? (state as Float64Array) : values;
    if (this.allSum) {
      const edgeStart = this.edgeStart;
      const edgeSource = this.edgeSource;
      const edgeWeight = this.edgeWeight;
      for (let node = 0, base = 0; node < this.nodeCount; node++, base += SEGMENTS) {
        let sum = 0;
        let edge = edgeStart[base];
        for (let end = edgeStart[base + 1]; edge < end; edge++) sum += edgeWeight[edge] * primary[primaryOffset + edgeSource[edge]];
        for (let end = edgeStart[base + 2]; edge < end; edge++) sum += edgeWeight[edge] * secondary[secondaryOffset + edgeSource[edge]];
        for (let end = edgeStart[base + 3]; edge < end; edge++) sum += edgeWeight[edge] * extra[edgeSource[edge]];
        for (let end = edgeStart[base + 4]; edge < end; edge++) sum += edgeWeight[edge] * previous[edgeSource[edge]];
        values[node] = activate(this.activation[node], this.bias[node] + this.response[node] * sum);
      }
    } else {
      this.activateGeneral(primary, primaryOffset, secondary, secondaryOffset, extra, previous);
    }
    if (this.recurrent) (state as Float64Array).set(values);
    const outputSlot = this.outputSlot;
    for (let index = 0; index < outputSlot.length; index++) output[outputOffset + index] = values[outputSlot[index]];
  }

  private activateGeneral(primary: Float32Array, primaryOffset: number, secondary: Float32Array, secondaryOffset: number, extra: Float64Array, previous: Float64Array): void {
    const { edgeStart, edgeSource, edgeWeight, gathered, values } = this;
    for (let node = 0, base = 0; node < this.nodeCount; node++, base += SEGMENTS) {
      let count = 0;
      let edge = edgeStart[base];
      for (let end = edgeStart[base + 1]; edge < end; edge++) gathered[count++] = edgeWeight[edge] * primary[primaryOffset + edgeSource[edge]];
      for (let end = edgeStart[base + 2]; edge < end; edge++) gathered[count++] = edgeWeight[edge] * secondary[secondaryOffset + edgeSource[edge]];
      for (let end = edgeStart[base + 3]; edge < end; edge++) gathered[count++] = edgeWeight[edge] * extra[edgeSource[edge]];
      for (let end = edgeStart[base + 4]; edge < end; edge++) gathered[count++] = edgeWeight[edge] * previous[edgeSource[edge]];
      values[node] = activate(this.activation[node], this.bias[node] + this.response[node] * aggregate(this.aggregation[node], gathered, count));
    }
  }

  /**
   * Activates the program for `count` envs at once (batched mode): env e reads its rows at
   * primaryOffsets[e] / secondaryOffsets[e] and its extras at extras[e * extraStride ..], and gets
   * its outputs at output[e * outputStride ..]. The loops run edge by edge with the envs innermost,
   * so each weight is loaded once and the per-env sums are independent; each env's sum still adds
   * the same terms in the same order as `activate`, so the results are identical.
   */
  activateBatch(
    count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, output: Float64Array, outputStride: number, state?: Float64Array,
  ): void {
    if (!this.allSum) {
      this.activateBatchByEnv(count, primary, primaryOffsets, secondary, secondaryOffsets, extras, extraStride, output, outputStride, state);
      return;
    }
    const values = this.batchBuffer(count);
    const previous = this.recurrent ? (state as Float64Array) : values;
    const sums = this.batchSums;
    const { activation, bias, response } = this;
    for (let node = 0, base = 0; node < this.nodeCount; node++, base += SEGMENTS) {
      // Envs four, two or one at a time, with their sums in locals (registers).
      let env = 0;
      for (; env + 4 <= count; env += 4) this.sumFour(base, env, count, primary, primaryOffsets, secondary, secondaryOffsets, extras, extraStride, previous, sums);
      for (; env + 2 <= count; env += 2) this.sumTwo(base, env, count, primary, primaryOffsets, secondary, secondaryOffsets, extras, extraStride, previous, sums);
      if (env < count) this.sumOne(base, env, count, primary, primaryOffsets, secondary, secondaryOffsets, extras, extraStride, previous, sums);
      activateRow(activation[node], bias[node], response[node], sums, count, values, node * count);
    }
    if (this.recurrent) (state as Float64Array).set(values);
    const outputSlot = this.outputSlot;
    for (let index = 0; index < outputSlot.length; index++) {
      const offset = outputSlot[index] * count;
      for (let env = 0; env < count; env++) output[env * outputStride + index] = values[offset + env];
    }
  }

  private sumFour(
    base: number, env: number, count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, previous: Float64Array, sums: Float64Array,
  ): void {
    const { edgeStart, edgeSource, edgeWeight } = this;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let edge = edgeStart[base];
    let end = edgeStart[base + 1];
    if (edge < end) {
      const o0 = primaryOffsets[env], o1 = primaryOffsets[env + 1], o2 = primaryOffsets[env + 2], o3 = primaryOffsets[env + 3];
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * primary[o0 + source];
        s1 += weight * primary[o1 + source];
        s2 += weight * primary[o2 + source];
        s3 += weight * primary[o3 + source];
      }
    }
    end = edgeStart[base + 2];
    if (edge < end) {
      const o0 = secondaryOffsets[env], o1 = secondaryOffsets[env + 1], o2 = secondaryOffsets[env + 2], o3 = secondaryOffsets[env + 3];
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * secondary[o0 + source];
        s1 += weight * secondary[o1 + source];
        s2 += weight * secondary[o2 + source];
        s3 += weight * secondary[o3 + source];
      }
    }
    end = edgeStart[base + 3];
    if (edge < end) {
      const o0 = env * extraStride, o1 = o0 + extraStride, o2 = o1 + extraStride, o3 = o2 + extraStride;
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * extras[o0 + source];
        s1 += weight * extras[o1 + source];
        s2 += weight * extras[o2 + source];
        s3 += weight * extras[o3 + source];
      }
    }
    for (end = edgeStart[base + 4]; edge < end; edge++) {
      const weight = edgeWeight[edge];
      const offset = edgeSource[edge] * count + env;
      s0 += weight * previous[offset];
      s1 += weight * previous[offset + 1];
      s2 += weight * previous[offset + 2];
      s3 += weight * previous[offset + 3];
    }
    sums[env] = s0;
    sums[env + 1] = s1;
    sums[env + 2] = s2;
    sums[env + 3] = s3;
  }

  private sumTwo(
    base: number, env: number, count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, previous: Float64Array, sums: Float64Array,
  ): void {
    const { edgeStart, edgeSource, edgeWeight } = this;
    let s0 = 0;
    let s1 = 0;
    let edge = edgeStart[base];
    let end = edgeStart[base + 1];
    if (edge < end) {
      const o0 = primaryOffsets[env], o1 = primaryOffsets[env + 1];
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * primary[o0 + source];
        s1 += weight * primary[o1 + source];
      }
    }
    end = edgeStart[base + 2];
    if (edge < end) {
      const o0 = secondaryOffsets[env], o1 = secondaryOffsets[env + 1];
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * secondary[o0 + source];
        s1 += weight * secondary[o1 + source];
      }
    }
    end = edgeStart[base + 3];
    if (edge < end) {
      const o0 = env * extraStride, o1 = o0 + extraStride;
      for (; edge < end; edge++) {
        const weight = edgeWeight[edge];
        const source = edgeSource[edge];
        s0 += weight * extras[o0 + source];
        s1 += weight * extras[o1 + source];
      }
    }
    for (end = edgeStart[base + 4]; edge < end; edge++) {
      const weight = edgeWeight[edge];
      const offset = edgeSource[edge] * count + env;
      s0 += weight * previous[offset];
      s1 += weight * previous[offset + 1];
    }
    sums[env] = s0;
    sums[env + 1] = s1;
  }

  private sumOne(
    base: number, env: number, count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, previous: Float64Array, sums: Float64Array,
  ): void {
    const { edgeStart, edgeSource, edgeWeight } = this;
    let sum = 0;
    let edge = edgeStart[base];
    let end = edgeStart[base + 1];
    if (edge < end) {
      const o0 = primaryOffsets[env];
      for (; edge < end; edge++) sum += edgeWeight[edge] * primary[o0 + edgeSource[edge]];
    }
    end = edgeStart[base + 2];
    if (edge < end) {
      const o0 = secondaryOffsets[env];
      for (; edge < end; edge++) sum += edgeWeight[edge] * secondary[o0 + edgeSource[edge]];
    }
    end = edgeStart[base + 3];
    if (edge < end) {
      const o0 = env * extraStride;
      for (; edge < end; edge++) sum += edgeWeight[edge] * extras[o0 + edgeSource[edge]];
    }
    for (end = edgeStart[base + 4]; edge < end; edge++) sum += edgeWeight[edge] * previous[edgeSource[edge] * count + env];
    sums[env] = sum;
  }

  /** Batch state for recurrent programs: node values of the previous step, node-major. */
  createBatchState(count: number): Float64Array {
    return new Float64Array((this.nodeCount + 1) * count);
  }

  private batchBuffer(count: number): Float64Array {
    if (this.batchValues.length < (this.nodeCount + 1) * count) {
      this.batchValues = new Float64Array((this.nodeCount + 1) * count);
      this.batchSums = new Float64Array(count);
    }
    return this.batchValues;
  }

  /** Batched activation for non-sum aggregations: env by env through the scalar path. */
  private activateBatchByEnv(
    count: number, primary: Float32Array, primaryOffsets: Int32Array, secondary: Float32Array, secondaryOffsets: Int32Array,
    extras: Float64Array, extraStride: number, output: Float64Array, outputStride: number, state?: Float64Array,
  ): void {
    const width = this.nodeCount + 1;
    for (let env = 0; env < count; env++) {
      const envExtras = extras.subarray(env * extraStride, env * extraStride + extraStride);
      if (!this.recurrent) {
        this.activate(primary, primaryOffsets[env], secondary, secondaryOffsets[env], envExtras, output, env * outputStride);
        continue;
      }
      // Recurrent state is node-major in batch form; gather this env's column and scatter it back.
      const column = this.envState;
      for (let slot = 0; slot < width; slot++) column[slot] = (state as Float64Array)[slot * count + env];
      this.activate(primary, primaryOffsets[env], secondary, secondaryOffsets[env], envExtras, output, env * outputStride, column);
      for (let slot = 0; slot < width; slot++) (state as Float64Array)[slot * count + env] = column[slot];
    }
  }

  /** Convenience for tests and small tasks: all inputs from one array (allocates). */
  activateArray(inputs: ArrayLike<number>, state?: Float64Array): number[] {
    const extra = Float64Array.from(inputs);
    const output = new Float64Array(this.numOutputs);
    this.activate(EMPTY_FLOAT32, 0, EMPTY_FLOAT32, 0, extra, output, 0, state);
    return Array.from(output);
  }
}
