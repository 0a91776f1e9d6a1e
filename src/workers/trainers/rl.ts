// Worker side of the RL trainer: the run's dataset from the dataset store, and the per-machine
// cache of the `auto` backend benchmark as a small JSON file in the data directory, and the helper
// thread that makes dropout masks while the envs step.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rlTrainer } from '../../core/rl/index.ts';
import type { AutoCache } from '../../core/compute/auto.ts';
import type { WorkerTrainer } from './registry.ts';
import { loadMarket } from './market.ts';
import { ThreadMaskGenerator } from '../rl/thread-mask-generator.ts';

export function autoBackendCache(dataDir: string): AutoCache {
  const directory = join(dataDir, 'compute');
  const file = join(directory, 'auto-backends.json');
  return {
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8'));
      } catch {
        return undefined; // no cache yet, or unreadable: benchmark again
      }
    },
    async save(value) {
      await mkdir(directory, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(value, null, 2));
      await rename(temporary, file);
    },
  };
}

export const runRl: WorkerTrainer = async (context) => {
  context.reporter.progress(0, `Loading dataset "${context.config.dataset}"`);
  const market = await loadMarket({ dataDir: context.dataDir, dataset: context.config.dataset, defaultDatasetFile: context.defaultDatasetFile });
  return rlTrainer({ ...context, resources: { market, autoBackendCache: autoBackendCache(context.dataDir), maskGenerator: () => new ThreadMaskGenerator() } });
};
