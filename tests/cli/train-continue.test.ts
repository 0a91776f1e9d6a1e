// `traindeck train ... --resume RUN` with a budget flag, as a user runs it: a completed run goes on
// under a larger budget as the same run (its series one history), and a budget it has already
// spent, or none at all, is refused with what to do instead.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-continue-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function traindeck(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stored<T>(read: (store: RunStore) => T): T {
  const store = RunStore.open(dataDir);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** A small NEAT run: a few genomes on short episodes, evaluated and checkpointed every generation. */
const smallNeat = ['--set', 'neat.populationSize=10', '--set', 'envsPerGenome=2', '--set', 'stepsPerEpisode=50', '--set', 'evaluationInterval=1', '--set', 'checkpointInterval=1'];

describe('traindeck train --resume with a larger budget', () => {
  it('continues a completed NEAT run to more generations as the same run', () => {
    const first = traindeck('train', 'neat', '--mode', 'optimized', '--generations', '2', '--json', ...smallNeat);
    expect(first.code, first.stderr).toBe(0);
    const done = JSON.parse(first.stdout);
    expect(done).toMatchObject({ status: 'completed', generations: 2 });
    const text = traindeck('runs', 'show', done.runId).stdout;
    expect(text).toContain(`completed its budget; continue with a larger one: traindeck train neat --resume ${done.runId} --data-dir ${dataDir} --generations N`);

    const refused = traindeck('train', 'neat', '--resume', done.runId);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/completed its budget; resume it with a larger budget \(seconds, generations, episodes\)/);
    const spent = traindeck('train', 'neat', '--resume', done.runId, '--generations', '2');
    expect(spent.code).toBe(1);
    expect(spent.stderr).toContain('has already spent 2 of 2 generations');

    const continued = traindeck('train', 'neat', '--resume', done.runId, '--generations', '4', '--json');
    expect(continued.code, continued.stderr).toBe(0);
    const summary = JSON.parse(continued.stdout);
    expect(summary).toMatchObject({ runId: done.runId, status: 'completed', generations: 4 });
    expect(summary.seconds).toBeGreaterThan(done.seconds);
    expect(summary.episodes).toBe(2 * done.episodes);
    const { record, metrics, evaluations } = stored((store) => ({
      record: store.getRun(done.runId)!,
      metrics: store.getMetrics(done.runId),
      evaluations: store.getEvaluations(done.runId).filter((report) => report.split === 'test'),
    }));
    expect(record).toMatchObject({ status: 'completed', config: { trainer: 'neat', budget: { generations: 4 } }, summary: { generations: 4 } });
    // one history: the generations and the training time go on from where the first session ended
    expect(metrics.bestFitness.step).toEqual([1, 2, 3, 4]);
    expect(metrics.bestFitness.elapsedMs.every((ms, index, all) => index === 0 || ms > all[index - 1])).toBe(true);
    expect(evaluations.map((report) => report.step)).toEqual([1, 2, 3, 4]);
  }, 240_000);

  it('continues a completed baseline run to more episodes', () => {
    const first = JSON.parse(traindeck('train', 'baseline', '--episodes', '100', '--json').stdout);
    expect(first).toMatchObject({ status: 'completed', episodes: 100 });
    const continued = traindeck('train', 'baseline', '--resume', first.runId, '--episodes', '250', '--json');
    expect(continued.code, continued.stderr).toBe(0);
    expect(JSON.parse(continued.stdout)).toMatchObject({ runId: first.runId, status: 'completed', episodes: 250 });
    expect(stored((store) => store.getRun(first.runId)?.config.budget)).toEqual({ episodes: 250 });
    const wrongKind = traindeck('train', 'baseline', '--resume', first.runId, '--generations', '3');
    expect(wrongKind.code).toBe(2);
    expect(wrongKind.stderr).toMatch(/--generations is not a budget of the baseline trainer/);
  }, 120_000);
});
