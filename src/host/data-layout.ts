// Every path under the data directory, named once. The run store, datasets, checkpoints, the
// per-machine compute choice and the window state all live here; nothing else builds these paths.
import { join } from 'node:path';

export interface DataLayout {
  /** Runs, metric series, evaluations, errors, experiments and trials (SQLite). */
  database: string;
  /** Parent of every run's checkpoint folder. */
  checkpoints: string;
  /** Imported datasets and their feature caches. */
  datasets: string;
  /** The `auto` compute backends' benchmark results, per configuration (JSON). */
  autoBackendCache: string;
  /** The window's size and position (Electron app). */
  windowState: string;
}

export function dataLayout(dataDir: string): DataLayout {
  return {
    database: join(dataDir, 'runs.sqlite'),
    checkpoints: join(dataDir, 'checkpoints'),
    datasets: join(dataDir, 'datasets'),
    autoBackendCache: join(dataDir, 'compute', 'auto-backends.json'),
    windowState: join(dataDir, 'window-state.json'),
  };
}

/** A run's checkpoint folder (the run id is checked by the store before it becomes a path). */
export function checkpointDirectoryOf(dataDir: string, runId: string): string {
  return join(dataLayout(dataDir).checkpoints, runId);
}
