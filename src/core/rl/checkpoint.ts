// The RL checkpoint format: "TDRL", a format version, a JSON header (settings, counters, generator
// states), then named little-endian typed arrays (weights, BatchNorm statistics, Adam moments and
// any pending accumulated gradient). Everything needed to continue exactly where the run stopped.
// Decoding refuses malformed bytes with a DamagedCheckpointError; what the header and arrays must
// hold for a training run is checked in checkpoint-checks.ts.
import { DamagedCheckpointError } from '../checkpoint-integrity.ts';

const MAGIC = 'TDRL';
export const RL_CHECKPOINT_VERSION = 1;

type ArrayKind = 'f32' | 'f64';
export type CheckpointArray = Float32Array | Float64Array;

export interface DecodedCheckpoint<Header> {
  header: Header;
  arrays: Map<string, CheckpointArray>;
}

/** Serialises a JSON header and named arrays. */
export function encodeCheckpoint(header: unknown, arrays: Record<string, CheckpointArray>): Uint8Array {
  const entries = Object.entries(arrays).map(([name, array]) => ({ name, kind: (array instanceof Float64Array ? 'f64' : 'f32') as ArrayKind, length: array.length }));
  const json = new TextEncoder().encode(JSON.stringify({ header, arrays: entries }));
  // arrays start 8-byte aligned after magic(4) + version(4) + json length(4) + json + padding
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  let size = dataStart;
  for (const entry of entries) size += entry.length * (entry.kind === 'f64' ? 8 : 4) + ((8 - ((entry.length * (entry.kind === 'f64' ? 8 : 4)) % 8)) % 8);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, RL_CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let offset = dataStart;
  for (const entry of entries) {
    const array = arrays[entry.name];
    for (let i = 0; i < array.length; i++) {
      if (entry.kind === 'f64') view.setFloat64(offset + i * 8, array[i], true);
      else view.setFloat32(offset + i * 4, array[i], true);
    }
    const byteLength = entry.length * (entry.kind === 'f64' ? 8 : 4);
    offset += byteLength + ((8 - (byteLength % 8)) % 8);
  }
  return bytes;
}

interface ArrayEntry {
  name: string;
  kind: ArrayKind;
  length: number;
}

/** Parses a checkpoint; throws DamagedCheckpointError naming what is wrong (magic, version, header, truncation). */
export function decodeCheckpoint<Header>(bytes: Uint8Array): DecodedCheckpoint<Header> {
  if (bytes.length < 12) throw new DamagedCheckpointError(`RL checkpoint is truncated: ${bytes.length} bytes`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new DamagedCheckpointError(`not an RL checkpoint (magic "${magic}", expected "${MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== RL_CHECKPOINT_VERSION) throw new DamagedCheckpointError(`RL checkpoint format version ${version} is not supported (this build reads ${RL_CHECKPOINT_VERSION})`);
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length) throw new DamagedCheckpointError('RL checkpoint is truncated inside its header');
  const parsed = parseHeader(bytes.subarray(12, 12 + jsonLength));
  const arrays = new Map<string, CheckpointArray>();
  let offset = Math.ceil((12 + jsonLength) / 8) * 8;
  for (const entry of parsed.arrays) {
    const width = entry.kind === 'f64' ? 8 : 4;
    const byteLength = entry.length * width;
    if (offset + byteLength > bytes.length) throw new DamagedCheckpointError(`RL checkpoint is truncated inside array ${entry.name}`);
    const array = entry.kind === 'f64' ? new Float64Array(entry.length) : new Float32Array(entry.length);
    for (let i = 0; i < entry.length; i++) array[i] = entry.kind === 'f64' ? view.getFloat64(offset + i * 8, true) : view.getFloat32(offset + i * 4, true);
    arrays.set(entry.name, array);
    offset += byteLength + ((8 - (byteLength % 8)) % 8);
  }
  // the encoder writes exactly this many bytes, so more means the header lost an array or the file grew
  if (offset < bytes.length) throw new DamagedCheckpointError(`RL checkpoint has ${bytes.length - offset} unexpected bytes after its last array`);
  return { header: parsed.header as Header, arrays };
}

/** The JSON header: the trainer's header (checked by the caller) and the table of arrays (checked here). */
function parseHeader(json: Uint8Array): { header: unknown; arrays: ArrayEntry[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(json));
  } catch (error) {
    throw new DamagedCheckpointError(`RL checkpoint header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('arrays' in parsed) || !Array.isArray(parsed.arrays)) {
    throw new DamagedCheckpointError('RL checkpoint header has no "arrays" list');
  }
  parsed.arrays.forEach((entry: Partial<ArrayEntry> | null, index: number) => {
    const valid = typeof entry?.name === 'string' && (entry.kind === 'f32' || entry.kind === 'f64') && Number.isSafeInteger(entry.length) && (entry.length as number) >= 0;
    if (!valid) throw new DamagedCheckpointError(`RL checkpoint header field arrays[${index}] is ${JSON.stringify(entry)}, expected { name, kind: "f32"|"f64", length }`);
  });
  return parsed as { header: unknown; arrays: ArrayEntry[] };
}
