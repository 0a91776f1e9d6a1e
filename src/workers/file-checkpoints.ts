// Checkpoints as one file per run directory, written atomically (temp file, then rename) so a
// crash mid-write never leaves a torn checkpoint behind.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from '../core/trainer.ts';

export const checkpointFileName = 'checkpoint.bin';

export function fileCheckpointStore(directory: string, resume: boolean): CheckpointStore {
  const path = join(directory, checkpointFileName);
  return {
    async save(bytes) {
      await mkdir(directory, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    },
    async load() {
      if (!resume) return undefined;
      try {
        return new Uint8Array(await readFile(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`No checkpoint to resume from at ${path}`, { cause: error });
        throw error;
      }
    },
  };
}
