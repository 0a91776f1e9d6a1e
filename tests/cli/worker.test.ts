// `traindeck worker` with a real redis-server and two real worker processes: six trials complete
// when one worker is killed (SIGKILL) mid-trial; its trial runs again on the other worker, is
// recorded once, counts the retry, and the coordinator keeps exactly one clean run per trial.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';
import { fastStallEnvironment, temporaryDirectory, TestRedis, traindeck, type TestProcess } from '../host/experiments/queue/helpers.ts';

const directory = temporaryDirectory('traindeck-worker-cli-');
const processes: TestProcess[] = [];
let redis: TestRedis | undefined;
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await redis?.stop();
  directory.remove();
});

function start(args: string[], env: NodeJS.ProcessEnv = {}): TestProcess {
  const process = traindeck(args, env);
  processes.push(process);
  return process;
}

describe('traindeck worker', () => {
  it('completes six trials when one of two workers is killed mid-trial, each recorded once', async () => {
    redis = await TestRedis.start();
    const spec = join(directory.path, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'six seeds', trainer: 'baseline', mode: 'optimized', seeds: [1, 2, 3, 4, 5, 6], budget: { seconds: 2 } }));
    const worker = (name: string) => start(['worker', '--redis', redis!.url, '--concurrency', '1', '--name', name, '--data-dir', join(directory.path, name)], fastStallEnvironment);
    const [doomed, survivor] = [worker('doomed'), worker('survivor')];
    await Promise.all([doomed.waitFor(/taking trials from redis:\/\/127\.0\.0\.1:\d+, 1 at a time/), survivor.waitFor(/taking trials/)]);

    const coordinatorDir = join(directory.path, 'coordinator');
    const coordinator = start(['experiment', 'run', spec, '--redis', redis.url, '--json', '--data-dir', coordinatorDir]);
    const [, killedTrial] = await doomed.waitFor(/trial (\S+) attempt 1: started/);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the trainer is training now
    doomed.kill('SIGKILL');
    await survivor.waitFor(new RegExp(`trial ${killedTrial} attempt 2: started`));

    expect(await coordinator.exited, coordinator.output()).toBe(0);
    const report = JSON.parse(coordinator.stdout());
    expect(report).toMatchObject({ status: 'completed', executor: redis.address });
    expect(report.trials.map((trial: { seed: number; status: string }) => [trial.seed, trial.status])).toEqual([1, 2, 3, 4, 5, 6].map((seed) => [seed, 'completed']));
    for (const trial of report.trials) {
      const killed = trial.id === killedTrial;
      expect(trial.attempts, trial.id).toBe(killed ? 2 : 1);
      if (killed) expect(trial.worker).toBe('survivor');
      expect(trial.summary.result.testSharpe).toEqual(expect.any(Number));
    }

    // One clean run per trial in the coordinator's store: the dead attempt's partial run is gone.
    const store = RunStore.open(coordinatorDir);
    try {
      const runs = store.listRuns();
      expect(runs).toHaveLength(6);
      expect(new Set(runs.map((run) => run.id))).toEqual(new Set(report.trials.map((trial: { runId: string }) => trial.runId)));
      for (const run of runs) {
        expect(run.status).toBe('completed');
        expect(run.config.dataset).toBe('default');
        expect(run.summary?.episodes).toBeGreaterThan(0);
        expect(Object.keys(store.getMetrics(run.id)).length).toBeGreaterThan(0);
        expect(store.getEvaluations(run.id).length).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
  }, 90_000);
});
