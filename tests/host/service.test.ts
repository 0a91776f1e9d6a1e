// The service refuses runs it cannot start before any worker exists, on every way of starting.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExperimentManager, createTrainDeckService } from '../../src/host/service.ts';
import { RunManager } from '../../src/host/run-manager.ts';
import { RunStore } from '../../src/host/store/run-store.ts';
import { DatasetStore } from '../../src/host/datasets/store.ts';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function service() {
  const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-service-'));
  const store = RunStore.open(dataDir);
  let started = 0;
  const runManager = new RunManager({
    dataDir,
    store,
    startTrainer: () => {
      started++;
      throw new Error('no workers in this test');
    },
  });
  cleanups.push(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const datasets = new DatasetStore({ rootDir: join(dataDir, 'datasets') });
  const trainers: Array<'baseline' | 'neat'> = ['baseline', 'neat'];
  const experiments = createExperimentManager({ store, runManager, datasets, trainers });
  const api = createTrainDeckService({ dataDir, runManager, datasets, host: 'serve', appVersion: '0', trainers, experiments });
  return { api, startedWorkers: () => started };
}

describe('TrainDeck service start checks', () => {
  const config = { trainer: 'baseline' as const, seed: 1, budget: { seconds: 5 }, dataset: 'default', options: {} };

  it('refuses a trainer this build lacks, for single runs, comparisons and ablations alike', async () => {
    const { api, startedWorkers } = service();
    const rl = { ...config, trainer: 'rl' as const };
    await expect(api.startRun({ ...rl, mode: 'original' })).rejects.toThrow(/Trainer "rl" is not available in this build \(available: baseline, neat\)/);
    await expect(api.startComparison(rl)).rejects.toThrow(/not available/);
    await expect(api.startAblation(rl)).rejects.toThrow(/not available/);
    expect(startedWorkers()).toBe(0);
  });

  it('refuses a dataset that does not exist, naming the datasets there are', async () => {
    const { api, startedWorkers } = service();
    const missing = { ...config, dataset: 'btc-2030' };
    await expect(api.startRun({ ...missing, mode: 'original' })).rejects.toThrow(/Dataset "btc-2030" does not exist \(datasets: default\)/);
    await expect(api.startAblation({ ...missing, trainer: 'neat' })).rejects.toThrow(/does not exist/);
    await expect(api.startComparison({ ...missing, dataset: 'Not A Name!' })).rejects.toThrow(/does not exist/);
    expect(startedWorkers()).toBe(0);
  });

  it('refuses an ablation of a trainer without optimization flags', async () => {
    const { api } = service();
    await expect(api.startAblation(config)).rejects.toThrow(/baseline trainer has no optimization flags/);
  });
});
