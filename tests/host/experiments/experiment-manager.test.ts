// A local experiment end to end: real trainer processes through the RunManager, trials recorded in
// the store, groups over seeds and the optimized-vs-original comparison; a restart mid-experiment
// resumes where it stopped and records every trial once.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/host/store/run-store.ts';
import { RunManager } from '../../../src/host/run-manager.ts';
import { createChildProcessTrainerFactory } from '../../../src/host/child-process-trainer.ts';
import { ExperimentManager } from '../../../src/host/experiments/experiment-manager.ts';
import type { ExperimentSpecInput } from '../../../src/shared/experiment.ts';

const dataDirs: string[] = [];
afterEach(() => dataDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function host(dataDir: string) {
  const store = RunStore.open(dataDir);
  const runManager = new RunManager({ dataDir, store, startTrainer: createChildProcessTrainerFactory(), maxConcurrentRuns: 1 });
  const experiments = new ExperimentManager({ store, runManager });
  return {
    store,
    runManager,
    experiments,
    async close() {
      await experiments.shutdown();
      await runManager.shutdown();
      store.close();
    },
  };
}

const spec: ExperimentSpecInput = { name: 'baseline both', trainer: 'baseline', mode: 'both', seeds: [1, 2], budget: { seconds: 1.5 } };

describe('local experiments', () => {
  it('runs 2 seeds x both modes of the baseline and reports groups and the comparison', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-experiment-'));
    dataDirs.push(dataDir);
    const { experiments, store, close } = host(dataDir);
    const updates: string[] = [];
    experiments.on('experimentUpdated', (record) => updates.push(record.status));
    const started = await experiments.start(spec);
    expect(started).toMatchObject({ status: 'running', executor: 'local' });
    expect(started.counts.pending + started.counts.running).toBe(4);
    const finished = await experiments.whenDone(started.id);
    expect(finished).toMatchObject({ status: 'completed', counts: { completed: 4, pending: 0, failed: 0 } });
    expect(updates.at(-1)).toBe('completed');

    const report = experiments.report(started.id);
    expect(report.trials.map((trial) => [trial.seed, trial.mode, trial.status, trial.attempts, trial.worker])).toEqual([
      [1, 'original', 'completed', 1, 'local'], [1, 'optimized', 'completed', 1, 'local'],
      [2, 'original', 'completed', 1, 'local'], [2, 'optimized', 'completed', 1, 'local'],
    ]);
    // Each trial's run is a normal run in the history, paired with its partner for the compare view.
    const runs = report.trials.map((trial) => store.getRun(trial.runId!)!);
    expect(runs.map((run) => run.config.compareGroup)).toEqual([`${started.id}-p0`, `${started.id}-p0`, `${started.id}-p2`, `${started.id}-p2`]);
    expect(report.groups.map((group) => [group.mode, group.n])).toEqual([['original', 2], ['optimized', 2]]);
    for (const group of report.groups) {
      const sharpe = group.figures.testSharpe!;
      expect(sharpe.n).toBe(2);
      expect(sharpe.ci95[0]).toBeLessThanOrEqual(sharpe.mean);
      expect(sharpe.ci95[1]).toBeGreaterThanOrEqual(sharpe.mean);
      expect(group.figures.throughput!.mean).toBeGreaterThan(0);
    }
    const [comparison] = report.comparisons;
    expect(comparison).toMatchObject({ kind: 'optimized-vs-original', mode: 'optimized', params: {} });
    expect(comparison.speedup!.n).toBe(2);
    expect(comparison.speedup!.mean).toBeGreaterThan(1); // 64 vectorized envs beat one scalar env
    expect(comparison.testSharpeDifference!.n).toBe(2);
    expect(comparison.probabilityOfImprovement).toBeGreaterThanOrEqual(0);

    // Deleting the experiment deletes its runs.
    experiments.delete(started.id);
    expect(runs.every((run) => store.getRun(run.id) === undefined)).toBe(true);
    expect(experiments.list()).toEqual([]);
    await close();
  }, 90_000);

  it('is interrupted by a shutdown and resumes where it stopped after a restart, each trial recorded once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-experiment-restart-'));
    dataDirs.push(dataDir);
    const first = host(dataDir);
    const started = await first.experiments.start({ ...spec, mode: 'optimized', seeds: [1, 2, 3] });
    await new Promise<void>((resolve) => {
      const unsubscribe = first.experiments.on('experimentUpdated', (record) => {
        if (record.counts.completed >= 1) {
          unsubscribe();
          resolve();
        }
      });
    });
    await first.close();

    const second = host(dataDir);
    expect(second.experiments.interruptedAtStartup).toEqual([]); // shut down cleanly: already interrupted
    expect(second.experiments.record(started.id).status).toBe('interrupted');
    const before = second.experiments.report(started.id).trials;
    expect(before.filter((trial) => trial.status === 'completed').length).toBeGreaterThanOrEqual(1);
    second.experiments.resume(started.id);
    const finished = await second.experiments.whenDone(started.id);
    expect(finished).toMatchObject({ status: 'completed', counts: { completed: 3 } });
    const after = second.experiments.report(started.id).trials;
    // A completed trial kept its run; the one cut short continued its own run from its checkpoint.
    for (const trial of before.filter((entry) => entry.status === 'completed')) expect(after[trial.index].runId).toBe(trial.runId);
    expect(new Set(after.map((trial) => trial.runId)).size).toBe(3);
    expect(second.store.listRuns().length).toBe(3);
    await second.close();
  }, 120_000);
});
