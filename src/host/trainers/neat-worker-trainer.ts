// The NEAT trainer as a trainer worker runs it: the loaded market plus the worker_threads pool
// factory become the core trainer's resources. Market loading stays with the caller (the dataset
// store), so this file only joins the pieces.
import { availableParallelism } from 'node:os';
import type { MarketData } from '../../core/features/market-data.ts';
import { runNeatTrainer, type NeatResources } from '../../core/neat/trading/trainer.ts';
import type { TrainerOutcome, TrainerRunContext } from '../../core/trainer.ts';
import { createNeatThreadPool } from '../threads/neat-pool.ts';

/** Resources for `runNeatTrainer` in a worker: the market, the thread pool factory and the core count. */
export function neatResources(market: MarketData): NeatResources {
  return { market, createEvaluationPool: createNeatThreadPool, availableCores: availableParallelism() };
}

/**
 * A worker-side NEAT trainer: loads the run's dataset with `loadMarket` (e.g. the dataset store's
 * loadMarketData) and runs the core trainer with the thread pool available.
 */
export function neatWorkerTrainer(loadMarket: (dataset: string, dataDir: string) => Promise<MarketData>) {
  return async (context: Omit<TrainerRunContext, 'resources'> & { dataDir: string }): Promise<TrainerOutcome> => {
    const market = await loadMarket(context.config.dataset, context.dataDir);
    return runNeatTrainer({ ...context, resources: neatResources(market) });
  };
}
