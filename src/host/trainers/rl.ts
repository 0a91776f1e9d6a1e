// Worker side of the RL trainer: the run's dataset from the dataset store, the per-machine cache of
// the `auto` backend benchmark (host/compute-choice.ts), and the helper threads that make dropout
// masks while the envs step and run learning passes while the next rollout acts.
import { rlTrainer } from '../../core/rl/index.ts';
import { autoBackendCacheFile } from '../compute-choice.ts';
import type { WorkerTrainer } from './registry.ts';
import { loadMarket } from './market.ts';
import { ThreadMaskGenerator } from '../threads/rl-mask-generator.ts';
import { ThreadedLearningBackend } from '../threads/rl-learning-thread.ts';

export const runRl: WorkerTrainer = async (context) => {
  context.reporter.progress(0, `Loading dataset "${context.config.dataset}"`);
  const market = await loadMarket({ dataDir: context.dataDir, dataset: context.config.dataset, defaultDatasetFile: context.defaultDatasetFile });
  return rlTrainer({ ...context, resources: {
    market, autoBackendCache: autoBackendCacheFile(context.dataDir), maskGenerator: () => new ThreadMaskGenerator(),
    learningThread: (name, options) => ThreadedLearningBackend.create(name, options),
  } });
};
