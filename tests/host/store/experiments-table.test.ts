// Experiments and trials in the run store: creation, trial updates, a result recorded once, the
// restart rule, and deletion handing back the runs to delete.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/host/store/run-store.ts';
import { trialId } from '../../../src/host/store/experiments-table.ts';
import { experimentSpecSchema } from '../../../src/shared/experiment.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-experiments-table-'));
  dirs.push(dir);
  return { dir, store: RunStore.open(dir, { now: () => 1_000 }) };
}

const spec = experimentSpecSchema.parse({ name: 'lr', trainer: 'rl', seeds: [1, 2], budget: { seconds: 5 }, space: { learningRate: [0.001] } });
const trials = [
  { index: 0, seed: 1, mode: 'optimized' as const, params: { learningRate: 0.001 } },
  { index: 1, seed: 2, mode: 'optimized' as const, params: { learningRate: 0.001 } },
];

describe('experiments table', () => {
  it('stores an experiment with its trials and counts them by status', () => {
    const { store } = open();
    store.transaction(() => store.experiments.create('exp-1', spec, 'local', trials));
    expect(store.experiments.get('exp-1')).toMatchObject({ id: 'exp-1', status: 'running', executor: 'local', createdAt: 1_000, counts: { pending: 2, running: 0, completed: 0 } });
    expect(store.experiments.trials('exp-1').map((trial) => [trial.id, trial.seed, trial.params.learningRate, trial.status, trial.attempts])).toEqual([
      [trialId('exp-1', 0), 1, 0.001, 'pending', 0],
      [trialId('exp-1', 1), 2, 0.001, 'pending', 0],
    ]);
    store.close();
  });

  it('records a trial result once: a second report of the same trial changes nothing', () => {
    const { store } = open();
    store.transaction(() => store.experiments.create('exp-1', spec, 'redis://box:6379', trials));
    const id = trialId('exp-1', 0);
    store.experiments.updateTrial(id, { status: 'running', attempts: 1, worker: 'w1', runId: 'run-a' });
    expect(store.experiments.completeTrialOnce(id, 'run-a', 'w1')).toBe(true);
    expect(store.experiments.completeTrialOnce(id, 'run-b', 'w2')).toBe(false);
    expect(store.experiments.trial(id)).toMatchObject({ status: 'completed', runId: 'run-a', worker: 'w1', attempts: 1 });
    store.close();
  });

  it('marks running experiments of an executor interrupted, their running trials pending again', () => {
    const { store } = open();
    store.transaction(() => {
      store.experiments.create('exp-local', spec, 'local', trials);
      store.experiments.create('exp-queue', spec, 'redis://box:6379', trials);
    });
    store.experiments.updateTrial(trialId('exp-local', 0), { status: 'running', runId: 'run-a' });
    expect(store.experiments.markRunningInterrupted('local')).toEqual(['exp-local']);
    expect(store.experiments.get('exp-local')).toMatchObject({ status: 'interrupted', counts: { pending: 2, running: 0 } });
    expect(store.experiments.trial(trialId('exp-local', 0))?.runId).toBe('run-a'); // kept, to continue that run
    expect(store.experiments.get('exp-queue')?.status).toBe('running'); // another executor's: untouched
    store.close();
  });

  it('deletes an experiment with its trials and returns the runs they recorded', () => {
    const { store } = open();
    store.transaction(() => store.experiments.create('exp-1', spec, 'local', trials));
    store.experiments.updateTrial(trialId('exp-1', 1), { runId: 'run-b' });
    expect(store.experiments.delete('exp-1')).toEqual(['run-b']);
    expect(store.experiments.get('exp-1')).toBeUndefined();
    expect(store.experiments.trials('exp-1')).toEqual([]);
    store.close();
  });
});
