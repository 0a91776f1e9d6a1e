// A minimal protobuf encoder for the subset of onnx.proto (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto) the generated graphs use. Field numbers follow
// onnx/onnx.proto3; only what is written here is supported.

export const TensorType = { float: 1, uint8: 2, int64: 7, float16: 10 } as const;
export type TensorElementType = (typeof TensorType)[keyof typeof TensorType];

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'string'; value: string };

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
  name: string;
}

export interface InitializerSpec {
  name: string;
  type: TensorElementType;
  dims: number[];
  /** Values; int64 tensors take safe integers. */
  values: number[];
}

export interface ValueInfoSpec {
  name: string;
  type: TensorElementType;
  /** A number for a fixed dimension, a string for a named dynamic one (e.g. `batch`). */
  shape: (number | string)[];
}

export interface ModelSpec {
  graphName: string;
  opsetVersion: number;
  nodes: NodeSpec[];
  initializers: InitializerSpec[];
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
}

/** Growable byte buffer with the protobuf wire primitives. */
class Writer {
  private bytes = new Uint8Array(1024);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  varint(value: number | bigint): void {
    // negative int64 values are encoded as 10-byte two's complement
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.bytes[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.bytes[this.length++] = Number(v);
  }

  tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  // field helpers
  int(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  bytesField(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.raw(data);
  }

  string(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: Writer) => void): void {
    const inner = new Writer();
    build(inner);
    this.bytesField(field, inner.finish());
  }

  float(field: number, value: number): void {
    this.tag(field, 5);
    const data = new Uint8Array(4);
    new DataView(data.buffer).setFloat32(0, value, true);
    this.raw(data);
  }

  packedInts(field: number, values: number[]): void {
    const inner = new Writer();
    for (const value of values) inner.varint(value);
    this.bytesField(field, inner.finish());
  }
}

const AttributeType = { float: 1, int: 2, string: 3, ints: 7 } as const;

function writeAttribute(writer: Writer, name: string, attribute: AttributeValue): void {
  writer.string(1, name);
  switch (attribute.kind) {
    case 'float':
      writer.float(2, attribute.value);
      writer.int(20, AttributeType.float);
      break;
    case 'int':
      writer.int(3, attribute.value);
      writer.int(20, AttributeType.int);
      break;
    case 'string':
      writer.bytesField(4, new TextEncoder().encode(attribute.value));
      writer.int(20, AttributeType.string);
      break;
    case 'ints':
      writer.packedInts(8, attribute.value);
      writer.int(20, AttributeType.ints);
      break;
  }
}

function writeTensor(writer: Writer, tensor: InitializerSpec): void {
  writer.packedInts(1, tensor.dims);
  writer.int(2, tensor.type);
  writer.string(8, tensor.name);
  let raw: Uint8Array;
  if (tensor.type === TensorType.float) raw = new Uint8Array(Float32Array.from(tensor.values).buffer);
  else if (tensor.type === TensorType.int64) raw = new Uint8Array(BigInt64Array.from(tensor.values.map((v) => BigInt(v))).buffer);
  else throw new Error(`onnx encoder: initializer ${tensor.name} has unsupported element type ${tensor.type}`);
  writer.bytesField(9, raw);
}

function writeValueInfo(writer: Writer, info: ValueInfoSpec): void {
  writer.string(1, info.name);
  writer.message(2, (type) => type.message(1, (tensorType) => {
    tensorType.int(1, info.type);
    tensorType.message(2, (shape) => {
      for (const dim of info.shape) {
        shape.message(1, (dimension) => {
          if (typeof dim === 'number') dimension.int(1, dim);
          else dimension.string(2, dim);
        });
      }
    });
  }));
}

/** Serialises a model to ONNX protobuf bytes (IR version 8). */
export function encodeModel(model: ModelSpec): Uint8Array {
  const writer = new Writer();
  writer.int(1, 8); // ir_version
  writer.string(2, 'traindeck');
  writer.message(7, (graph) => {
    for (const node of model.nodes) {
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, node.name);
        n.string(4, node.opType);
        for (const [name, attribute] of Object.entries(node.attributes)) n.message(5, (a) => writeAttribute(a, name, attribute));
      });
    }
    graph.string(2, model.graphName);
    for (const initializer of model.initializers) graph.message(5, (t) => writeTensor(t, initializer));
    for (const input of model.inputs) graph.message(11, (v) => writeValueInfo(v, input));
    for (const output of model.outputs) graph.message(12, (v) => writeValueInfo(v, output));
  });
  writer.message(8, (opset) => {
    opset.string(1, '');
    opset.int(2, model.opsetVersion);
  });
  return writer.finish();
}
