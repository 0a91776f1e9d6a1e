// The composition root of the engine without Electron: RunManager with child-process workers and
// the service over it. The CLI and serve mode both start from here.
import { readFileSync } from 'node:fs';
import { createChildProcessTrainerFactory } from '../host/child-process-trainer.ts';
import { RunManager } from '../host/run-manager.ts';
import { RunStore } from '../host/store/run-store.ts';
import { createExperimentManager, createTrainDeckService, watchTrainerProcesses } from '../host/service.ts';
import { SystemMonitor } from '../host/monitor/system-monitor.ts';
import { datasetStoreFor } from '../host/datasets/store.ts';
import { trainerNames } from '../shared/run.ts';

export const appVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/**
 * The engine without a window. `monitor` starts the 1 Hz system monitor (serve mode wants it; `train`
 * does not); `maxConcurrentRuns` overrides the run limit (default: one trainer per two cores);
 * `redis` (else $TRAINDECK_REDIS_URL) is a queue URL whose password resuming a queued experiment may
 * need, since experiments store their queue's address without it.
 */
export function createHeadlessHost(dataDir: string, options: { monitor?: boolean; maxConcurrentRuns?: number; redis?: string } = {}) {
  const store = RunStore.open(dataDir);
  const runManager = new RunManager({ dataDir, store, startTrainer: createChildProcessTrainerFactory(), ...(options.maxConcurrentRuns ? { maxConcurrentRuns: options.maxConcurrentRuns } : {}) });
  const datasets = datasetStoreFor(dataDir);
  const experiments = createExperimentManager({ store, runManager, datasets, trainers: trainerNames });
  // The queue's code (bullmq, ioredis) loads only when an experiment asks for a queue.
  const distributedExecutor = async (redis: string) => (await import('../host/experiments/queue/executor-factory.ts')).createQueueExecutor({
      requested: redis,
      known: options.redis ?? (process.env.TRAINDECK_REDIS_URL || undefined),
      store,
      datasets,
      // Remote trials' runs reach the window live, like local ones.
      onRunRecorded: (runId, update) => runManager.relayRecordedRun(runId, update),
    });
  const service = createTrainDeckService({ dataDir, runManager, datasets, host: 'serve', appVersion, trainers: trainerNames, experiments, distributedExecutor });
  const monitor = options.monitor ? new SystemMonitor() : undefined;
  if (monitor) {
    watchTrainerProcesses(runManager, monitor);
    monitor.start();
  }
  return {
    runManager,
    experiments,
    service,
    store,
    datasets,
    monitor,
    async close() {
      await experiments.shutdown();
      await runManager.shutdown();
      monitor?.stop();
      store.close();
    },
  };
}
