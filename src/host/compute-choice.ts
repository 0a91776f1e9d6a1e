// The machine's `auto` compute-backend choice, kept as JSON at the data layout's autoBackendCache
// path: the RL trainer writes it (through autoBackendCacheFile), the bench reuses it, and the
// dashboard's machine summary reads the latest entry.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SystemInfo } from '../shared/ipc/contract.ts';
import type { AutoCache, AutoChoice } from '../core/compute/auto.ts';
import { dataLayout } from './data-layout.ts';

/** The cache file as core's `auto` selection reads and writes it (written atomically). */
export function autoBackendCacheFile(dataDir: string): AutoCache {
  const file = dataLayout(dataDir).autoBackendCache;
  return {
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8'));
      } catch {
        return undefined; // no cache yet, or unreadable: benchmark again
      }
    },
    async save(value) {
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(value, null, 2));
      await rename(temporary, file);
    },
  };
}

export async function readAutoBackendChoice(dataDir: string): Promise<SystemInfo['compute']> {
  const entries = (await autoBackendCacheFile(dataDir).load()) as Record<string, Partial<AutoChoice>> | undefined;
  if (typeof entries !== 'object' || entries === null) return null; // not measured on this machine yet
  const latest = Object.values(entries)
    .filter((entry): entry is AutoChoice => typeof entry?.measuredAt === 'string' && Array.isArray(entry.measurements))
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))[0];
  if (!latest) return null;
  return {
    measuredAt: latest.measuredAt,
    acting: latest.acting,
    actingDevice: latest.actingDevice,
    learning: latest.learning,
    learningDevice: latest.learningDevice,
    backends: latest.measurements.map(({ backend, device, actMs, learnMs, note }) => ({ backend, device, actMs, learnMs, ...(note ? { note } : {}) })),
  };
}
