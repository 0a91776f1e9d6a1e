// Worker side of the NEAT trainer: the run's dataset from the dataset store, and the
// worker_threads evaluation pool for optimized mode.
import { neatWorkerTrainer } from './neat-worker-trainer.ts';
import type { WorkerTrainer } from './registry.ts';
import { loadMarket } from './market.ts';

export const runNeat: WorkerTrainer = async (context) => {
  context.reporter.progress(0, `Loading dataset "${context.config.dataset}"`);
  const train = neatWorkerTrainer((dataset, dataDir) => loadMarket({ dataDir, dataset, defaultDatasetFile: context.defaultDatasetFile }));
  return train(context);
};
