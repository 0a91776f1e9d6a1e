// A small graph builder over the ONNX encoder: each call adds a node and returns its output name,
// so the generated forward and backward graphs read like the math they implement.
import { encodeModel, TensorType, type AttributeValue, type InitializerSpec, type NodeSpec, type TensorElementType, type ValueInfoSpec } from './onnx-proto.ts';

/** Opset 17: ReduceSum takes axes as an input, ReduceMean still as an attribute. */
export const OPSET = 17;

type Attributes = Record<string, number | number[] | string | { float: number }>;

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: InitializerSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;
  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  input(name: string, shape: (number | string)[], type: TensorElementType = TensorType.float): string {
    this.inputs.push({ name, type, shape });
    return name;
  }

  /** Declares `value` a graph output under `name` (through an Identity node). */
  output(name: string, value: string, shape: (number | string)[], type: TensorElementType = TensorType.float): void {
    this.op('Identity', [value], {}, name);
    this.outputs.push({ name, type, shape });
  }

  /** Adds a node and returns its (first) output name. */
  op(opType: string, inputs: string[], attributes: Attributes = {}, outputName?: string): string {
    const output = outputName ?? `${opType.toLowerCase()}_${this.counter++}`;
    const encoded: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value === 'number') encoded[key] = { kind: 'int', value };
      else if (typeof value === 'string') encoded[key] = { kind: 'string', value };
      else if (Array.isArray(value)) encoded[key] = { kind: 'ints', value };
      else encoded[key] = { kind: 'float', value: value.float };
    }
    this.nodes.push({ opType, inputs, outputs: [output], attributes: encoded, name: `${output}_node` });
    return output;
  }

  /** A shared int64 constant (shapes, axes, slice bounds). */
  ints(values: number[]): string {
    return this.constant(TensorType.int64, values, [values.length]);
  }

  /** A float zero vector of the given length. */
  zeros(length: number): string {
    return this.constant(TensorType.float, new Array<number>(length).fill(0), [length]);
  }

  /** A shared float constant of shape [1] (broadcasts against anything). */
  scalar(value: number): string {
    return this.constant(TensorType.float, [value], [1]);
  }

  private constant(type: TensorElementType, values: number[], dims: number[]): string {
    const key = `${type}:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_${this.counter++}`;
    this.initializers.push({ name, type, dims, values });
    this.constants.set(key, name);
    return name;
  }

  // common operations
  add(a: string, b: string): string { return this.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op('Mul', [a, b]); }
  neg(a: string): string { return this.op('Neg', [a]); }
  relu(a: string): string { return this.op('Relu', [a]); }
  /** Gemm: op(A)·op(B) (+ C). */
  gemm(a: string, b: string, c?: string, transA = 0, transB = 0): string {
    return this.op('Gemm', c ? [a, b, c] : [a, b], { transA, transB });
  }
  /** Slice of a 1-D tensor, reshaped. */
  sliceFlat(source: string, start: number, length: number, shape: number[]): string {
    const slice = this.op('Slice', [source, this.ints([start]), this.ints([start + length]), this.ints([0])]);
    return this.op('Reshape', [slice, this.ints(shape)]);
  }
  /** Columns [start, end) of a 2-D tensor. */
  columns(source: string, start: number, end: number): string {
    return this.op('Slice', [source, this.ints([start]), this.ints([end]), this.ints([1])]);
  }
  sumRows(a: string, keepDims: 0 | 1): string { return this.op('ReduceSum', [a, this.ints([0])], { keepdims: keepDims }); }
  sumColumns(a: string): string { return this.op('ReduceSum', [a, this.ints([1])], { keepdims: 1 }); }
  meanRows(a: string): string { return this.op('ReduceMean', [a], { axes: [0], keepdims: 1 }); }
  flatten(a: string): string { return this.op('Reshape', [a, this.ints([-1])]); }

  encode(): Uint8Array {
    return encodeModel({ graphName: this.name, opsetVersion: OPSET, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs });
  }
}
