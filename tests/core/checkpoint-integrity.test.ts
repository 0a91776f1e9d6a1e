// The checkpoint integrity envelope and restoreFrom: sealed bytes round-trip, every kind of damage is
// refused with a message that says what is wrong, bytes written before the envelope pass through,
// and a decoder's error comes back with the checkpoint's location in front.
import { describe, expect, it } from 'vitest';
import {
  checkpointFailure, DamagedCheckpointError, ENVELOPE_BYTES, hasEnvelope, openCheckpoint, restoreFrom, sealCheckpoint,
} from '../../src/core/checkpoint-integrity.ts';
import type { CheckpointStore } from '../../src/core/trainer.ts';

const payload = Uint8Array.from({ length: 300 }, (_, index) => (index * 7) % 256);

function storeOf(bytes: Uint8Array | undefined, location?: string): CheckpointStore {
  return { location, save: async () => {}, load: async () => bytes };
}

describe('checkpoint envelope', () => {
  it('round-trips the trainer bytes', () => {
    const sealed = sealCheckpoint(payload);
    expect(sealed.length).toBe(payload.length + ENVELOPE_BYTES);
    expect(hasEnvelope(sealed)).toBe(true);
    expect(Array.from(openCheckpoint(sealed))).toEqual(Array.from(payload));
  });

  it('refuses a flipped byte anywhere in the payload', () => {
    for (const position of [ENVELOPE_BYTES, ENVELOPE_BYTES + 150, ENVELOPE_BYTES + payload.length - 1]) {
      const sealed = sealCheckpoint(payload);
      sealed[position] ^= 0x10;
      expect(() => openCheckpoint(sealed)).toThrow(DamagedCheckpointError);
      expect(() => openCheckpoint(sealed)).toThrow(/checksum mismatch \(stored crc32 [0-9a-f]{8}, computed [0-9a-f]{8}\)/);
    }
  });

  it('refuses truncation, extra bytes, a damaged length and an unknown version', () => {
    const sealed = sealCheckpoint(payload);
    expect(() => openCheckpoint(sealed.subarray(0, sealed.length - 1))).toThrow(/truncated: the envelope announces 300 bytes but 299 are present/);
    expect(() => openCheckpoint(sealed.subarray(0, 10))).toThrow(/truncated: 10 bytes, but the envelope alone is 16/);
    const longer = new Uint8Array(sealed.length + 3);
    longer.set(sealed);
    expect(() => openCheckpoint(longer)).toThrow(/3 unexpected bytes after the 300-byte checkpoint/);
    const version = sealed.slice();
    version[4] = 9;
    expect(() => openCheckpoint(version)).toThrow(/envelope version 9 is not supported/);
  });

  it('passes bytes without the envelope (written before it) through unchanged', () => {
    const legacy = Uint8Array.of(1, 0, 0, 0, 5, 6, 7);
    expect(hasEnvelope(legacy)).toBe(false);
    expect(openCheckpoint(legacy)).toBe(legacy);
  });
});

describe('restoreFrom', () => {
  it('decodes the stored bytes, and gives undefined when there are none', async () => {
    expect(await restoreFrom(storeOf(payload), (bytes) => bytes.length)).toBe(300);
    expect(await restoreFrom(storeOf(undefined), () => 'never called')).toBeUndefined();
  });

  it('names the location and the problem: damage, or a checkpoint that does not fit the run', async () => {
    const damaged = restoreFrom(storeOf(payload, '/runs/r1/checkpoint.bin'), () => { throw new DamagedCheckpointError('weights are NaN'); });
    await expect(damaged).rejects.toThrow('Checkpoint /runs/r1/checkpoint.bin is damaged: weights are NaN');
    const foreign = restoreFrom(storeOf(payload, '/runs/r1/checkpoint.bin'), () => { throw new Error('checkpoint is for algorithm ppo'); });
    await expect(foreign).rejects.toThrow('Checkpoint /runs/r1/checkpoint.bin cannot be resumed: checkpoint is for algorithm ppo');
    const cause = new DamagedCheckpointError('x');
    expect(checkpointFailure(undefined, cause)).toMatchObject({ message: 'The checkpoint is damaged: x', cause });
  });
});
