// The service's `distributedExecutor` hook: a queue executor for the Redis an experiment names,
// with the password this process was given when the experiment's stored address (which never holds
// one) is what it names. Problems become bad-request errors that say what to do.
import { ApiError } from '../../../shared/ipc/envelope.ts';
import type { DatasetStore } from '../../datasets/store.ts';
import type { RunStore } from '../../store/run-store.ts';
import { resolveRedisUrl } from './connection.ts';
import { QueueTrialExecutor, type QueueExecutorOptions } from './queue-executor.ts';

export async function createQueueExecutor(options: { requested: string; known: string | undefined; store: RunStore; datasets: DatasetStore; onRunRecorded?: QueueExecutorOptions['onRunRecorded'] }): Promise<QueueTrialExecutor> {
  try {
    const target = resolveRedisUrl(options.requested, options.known);
    return await QueueTrialExecutor.connect({ target, store: options.store, datasets: options.datasets, ...(options.onRunRecorded ? { onRunRecorded: options.onRunRecorded } : {}) });
  } catch (error) {
    throw new ApiError('bad-request', (error as Error).message);
  }
}
