// The composition root of the engine without Electron: RunManager with child-process workers and
// the service over it. The CLI and serve mode both start from here.
import { readFileSync } from 'node:fs';
import { createChildProcessTrainerFactory } from '../host/child-process-trainer.ts';
import { RunManager } from '../host/run-manager.ts';
import { RunStore } from '../host/store/run-store.ts';
import { createTrainDeckService } from '../host/service.ts';
import { availableTrainers } from '../workers/trainers/registry.ts';

export const appVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export function createHeadlessHost(dataDir: string, host: 'serve' | 'electron' = 'serve') {
  const store = RunStore.open(dataDir);
  const runManager = new RunManager({ dataDir, store, startTrainer: createChildProcessTrainerFactory() });
  const service = createTrainDeckService({ runManager, host, appVersion, trainers: availableTrainers });
  return { runManager, service, store };
}
