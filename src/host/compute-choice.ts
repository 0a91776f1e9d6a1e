// The machine's latest `auto` compute-backend choice, read from the cache the RL trainer writes
// (<dataDir>/compute/auto-backends.json), for the dashboard's machine summary.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemInfo } from '../shared/ipc/contract.ts';

interface CachedChoice {
  acting: string;
  actingDevice: string;
  learning: string;
  learningDevice: string;
  measuredAt: string;
  measurements: Array<{ backend: string; device: string; actMs: number | null; learnMs: number | null; note?: string }>;
}

export async function readAutoBackendChoice(dataDir: string): Promise<SystemInfo['compute']> {
  let entries: Record<string, CachedChoice>;
  try {
    entries = JSON.parse(await readFile(join(dataDir, 'compute', 'auto-backends.json'), 'utf8'));
  } catch {
    return null; // not measured on this machine yet
  }
  const latest = Object.values(entries)
    .filter((entry) => typeof entry?.measuredAt === 'string' && Array.isArray(entry.measurements))
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
