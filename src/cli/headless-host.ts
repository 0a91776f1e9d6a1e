// The composition root of the engine without Electron: RunManager with child-process workers and
// the service over it. The CLI and serve mode both start from here.
import { readFileSync } from 'node:fs';
import { createChildProcessTrainerFactory } from '../host/child-process-trainer.ts';
import { RunManager } from '../host/run-manager.ts';
import { RunStore } from '../host/store/run-store.ts';
import { createExperimentManager, createTrainDeckService, watchTrainerProcesses } from '../host/service.ts';
import { SystemMonitor } from '../host/monitor/system-monitor.ts';
import { availableTrainers } from '../workers/trainers/registry.ts';
import { datasetStoreFor } from '../workers/trainers/market.ts';

export const appVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/**
 * The engine without a window. `monitor` starts the 1 Hz system monitor (serve mode wants it; `train`
 * does not); `maxConcurrentRuns` overrides the run limit (default: one trainer per two cores).
 */
export function createHeadlessHost(dataDir: string, options: { monitor?: boolean; maxConcurrentRuns?: number } = {}) {
  const store = RunStore.open(dataDir);
  const runManager = new RunManager({ dataDir, store, startTrainer: createChildProcessTrainerFactory(), ...(options.maxConcurrentRuns ? { maxConcurrentRuns: options.maxConcurrentRuns } : {}) });
  const datasets = datasetStoreFor(dataDir);
  const experiments = createExperimentManager({ store, runManager, datasets, trainers: availableTrainers });
  const service = createTrainDeckService({ dataDir, runManager, datasets, host: 'serve', appVersion, trainers: availableTrainers, experiments });
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
