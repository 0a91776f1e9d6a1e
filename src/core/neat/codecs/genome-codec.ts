// A plain binary encoding of genome lists for handing work to evaluation threads: an index of
// (key, offset) first, so a thread can skip decoding genomes whose networks it has cached, then
// each genome's nodes and connections at fixed widths. Unlike the checkpoint format it is
// self-contained per genome and optimised for speed rather than size.
import { ByteReader, ByteWriter } from './binary.ts';
import { Genome } from '../lib/genome.ts';

export function encodeGenomes(genomes: readonly Genome[]): Uint8Array {
  const writer = new ByteWriter();
  writer.u32(genomes.length);
  const indexStart = writer.length;
  for (let i = 0; i < genomes.length; i++) {
    writer.u32(0);
    writer.u32(0);
  }
  genomes.forEach((genome, index) => {
    writer.patchU32(indexStart + index * 8, genome.key);
    writer.patchU32(indexStart + index * 8 + 4, writer.length);
    writer.u32(genome.nodes.length);
    writer.u32(genome.connections.length);
    for (const node of genome.nodes) {
      writer.u32(node.key);
      writer.f32(node.bias);
      writer.f32(node.response);
      writer.u8(node.activation);
      writer.u8(node.aggregation);
    }
    for (const gene of genome.connections) {
      writer.u32(gene.innovation);
      writer.u32(gene.input >>> 0);
      writer.u32(gene.output);
      writer.f32(gene.weight);
      writer.u8(gene.enabled ? 1 : 0);
    }
  });
  return writer.finish();
}

/** Number of genomes and their keys, without decoding them. */
export function encodedGenomeKeys(bytes: Uint8Array): number[] {
  const reader = new ByteReader(bytes);
  reader.section = 'genome list';
  const count = reader.u32();
  const keys: number[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(reader.u32());
    reader.u32();
  }
  return keys;
}

export function decodeGenomeAt(bytes: Uint8Array, index: number): Genome {
  const header = new ByteReader(bytes, 4 + index * 8);
  header.section = 'genome list';
  const key = header.u32();
  const reader = new ByteReader(bytes, header.u32());
  reader.section = `genome ${key}`;
  const genome = new Genome(key);
  const nodeCount = reader.u32();
  const connectionCount = reader.u32();
  for (let i = 0; i < nodeCount; i++) {
    genome.nodes.push({ key: reader.u32(), bias: reader.f32(), response: reader.f32(), activation: reader.u8(), aggregation: reader.u8() });
  }
  for (let i = 0; i < connectionCount; i++) {
    genome.connections.push({ innovation: reader.u32(), input: reader.u32() | 0, output: reader.u32(), weight: reader.f32(), enabled: reader.u8() === 1 });
  }
  return genome;
}

export function decodeGenomes(bytes: Uint8Array): Genome[] {
  return encodedGenomeKeys(bytes).map((_, index) => decodeGenomeAt(bytes, index));
}
