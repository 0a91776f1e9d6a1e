// Checkpoints as one file per run directory, written atomically (temp file, then rename) so a
// crash mid-write never leaves a torn checkpoint behind. Every file is sealed in the integrity
// envelope (core/checkpoint-integrity.ts), so damage found later (a flipped byte, a file cut short)
// is refused on load with the file's path, before a trainer parses it.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointFailure, openCheckpoint, sealCheckpoint } from '../core/checkpoint-integrity.ts';
import type { CheckpointStore } from '../core/trainer.ts';

export const checkpointFileName = 'checkpoint.bin';

export function fileCheckpointStore(directory: string, resume: boolean): CheckpointStore {
  const path = join(directory, checkpointFileName);
  return {
    location: path,
    async save(bytes) {
      await mkdir(directory, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, sealCheckpoint(bytes));
      await rename(temporary, path);
    },
    async load() {
      if (!resume) return undefined;
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`No checkpoint to resume from at ${path}`, { cause: error });
        throw error;
      }
      try {
        return openCheckpoint(bytes);
      } catch (error) {
        throw checkpointFailure(path, error);
      }
    },
  };
}
