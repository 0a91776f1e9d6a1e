// Worker side of the baseline trainer: load the run's dataset, then play.
import { runBaselineTrainer } from '../../core/baseline/trainer.ts';
import type { WorkerTrainer } from './registry.ts';
import { loadMarket } from './market.ts';

export const runBaseline: WorkerTrainer = async (context) => {
  context.reporter.progress(0, `Loading dataset "${context.config.dataset}"`);
  const market = await loadMarket({ dataDir: context.dataDir, dataset: context.config.dataset, defaultDatasetFile: context.defaultDatasetFile });
  return runBaselineTrainer({ ...context, resources: { market } });
};
