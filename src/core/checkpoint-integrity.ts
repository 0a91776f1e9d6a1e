// Checkpoint integrity, the same for every trainer. The checkpoint store wraps each trainer's own
// bytes in an envelope (magic, version, payload length, CRC-32) and checks it on load, so a flipped
// byte or a torn file is refused before any trainer parses it; and `restoreFrom` is the one place
// that puts the checkpoint's location in front of whatever problem a trainer's decoder finds.
import { crc32 } from './neat/codecs/binary.ts';
import type { CheckpointStore } from './trainer.ts';

/** A checkpoint whose bytes cannot be trusted (flipped, truncated, non-finite, malformed); the message says what is wrong. */
export class DamagedCheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DamagedCheckpointError';
  }
}

/** "TDCK": distinct from every trainer's own magic, so files written before the envelope are recognised. */
const MAGIC = [0x54, 0x44, 0x43, 0x4b];
export const ENVELOPE_VERSION = 1;
/** magic(4) + version(2) + reserved(2) + payload length(4) + payload CRC-32(4). */
export const ENVELOPE_BYTES = 16;

/** Wraps a trainer's checkpoint bytes in the integrity envelope. */
export function sealCheckpoint(payload: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(ENVELOPE_BYTES + payload.length);
  const view = new DataView(sealed.buffer);
  sealed.set(MAGIC, 0);
  view.setUint16(4, ENVELOPE_VERSION, true);
  view.setUint32(8, payload.length, true);
  view.setUint32(12, crc32(payload), true);
  sealed.set(payload, ENVELOPE_BYTES);
  return sealed;
}

/** True when `bytes` start with the envelope's magic (files written before it do not). */
export function hasEnvelope(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((byte, index) => bytes[index] === byte);
}

/**
 * The trainer's bytes from a sealed checkpoint, after checking length and checksum; throws
 * DamagedCheckpointError naming the problem. Bytes without the envelope (checkpoints written before
 * it existed) are returned as they are and rely on the trainer's own checks.
 */
export function openCheckpoint(bytes: Uint8Array): Uint8Array {
  if (!hasEnvelope(bytes)) return bytes;
  if (bytes.length < ENVELOPE_BYTES) throw new DamagedCheckpointError(`truncated: ${bytes.length} bytes, but the envelope alone is ${ENVELOPE_BYTES}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== ENVELOPE_VERSION) throw new DamagedCheckpointError(`envelope version ${version} is not supported (this build reads ${ENVELOPE_VERSION})`);
  const length = view.getUint32(8, true);
  const present = bytes.length - ENVELOPE_BYTES;
  if (present < length) throw new DamagedCheckpointError(`truncated: the envelope announces ${length} bytes but ${present} are present`);
  if (present > length) throw new DamagedCheckpointError(`${present - length} unexpected bytes after the ${length}-byte checkpoint`);
  const payload = bytes.subarray(ENVELOPE_BYTES);
  const stored = view.getUint32(12, true);
  const computed = crc32(payload);
  if (stored !== computed) throw new DamagedCheckpointError(`checksum mismatch (stored crc32 ${hex(stored)}, computed ${hex(computed)})`);
  return payload;
}

/**
 * The error to report for a checkpoint that cannot be used: its location, then the problem.
 * Damage ("is damaged") is told apart from a sound checkpoint that does not fit the run
 * ("cannot be resumed"), because only the second is fixed by resuming with other settings.
 */
export function checkpointFailure(location: string | undefined, error: unknown): Error {
  const where = location === undefined ? 'The checkpoint' : `Checkpoint ${location}`;
  const problem = error instanceof Error ? error.message : String(error);
  return new Error(error instanceof DamagedCheckpointError ? `${where} is damaged: ${problem}` : `${where} cannot be resumed: ${problem}`, { cause: error });
}

/** A checkpoint read once from its store; each `decode` names the checkpoint in any error. */
export interface LoadedCheckpoint {
  decode<T>(decode: (bytes: Uint8Array) => T): T;
}

/** Loads the store's checkpoint once (undefined when the run is not a resume), for one or more decodes. */
export async function loadCheckpoint(store: CheckpointStore): Promise<LoadedCheckpoint | undefined> {
  const bytes = await store.load();
  if (bytes === undefined) return undefined;
  return {
    decode<T>(decode: (bytes: Uint8Array) => T): T {
      try {
        return decode(bytes);
      } catch (error) {
        throw checkpointFailure(store.location, error);
      }
    },
  };
}

/** Loads the store's checkpoint (undefined when the run is not a resume) and decodes it, naming the checkpoint in any error. */
export async function restoreFrom<T>(store: CheckpointStore, decode: (bytes: Uint8Array) => T): Promise<T | undefined> {
  return (await loadCheckpoint(store))?.decode(decode);
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
