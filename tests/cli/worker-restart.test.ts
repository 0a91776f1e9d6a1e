// A coordinator killed mid-experiment (SIGKILL) and resumed with `experiment resume`: trials that
// finished while it was down are recorded from their jobs' results, the rest are awaited, and all six
// are recorded once. The queue has a password, which the stored address leaves out: resume asks for
// --redis again and refuses a URL naming another queue.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';
import { fastStallEnvironment, temporaryDirectory, TestRedis, traindeck, until, type TestProcess } from '../host/experiments/queue/helpers.ts';

const directory = temporaryDirectory('traindeck-worker-restart-');
const processes: TestProcess[] = [];
let redis: TestRedis | undefined;
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await redis?.stop();
  directory.remove();
});

const password = 'restart-Pa55word';
const environment = { ...fastStallEnvironment, TRAINDECK_REDIS_URL: '' };

function start(args: string[]): TestProcess {
  const process = traindeck(args, environment);
  processes.push(process);
  return process;
}

function traindeckSync(args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...environment } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const completedLines = (workers: TestProcess[]) => workers.reduce((count, worker) => count + (worker.output().match(/attempt \d+: completed/g)?.length ?? 0), 0);

describe('a restarted coordinator', () => {
  it('resumes a queued experiment: trials finished while it was down and those still running are each recorded once', async () => {
    redis = await TestRedis.start({ password });
    const spec = join(directory.path, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'restart', trainer: 'baseline', mode: 'optimized', seeds: [1, 2, 3, 4, 5, 6], budget: { seconds: 2 } }));
    const workers = ['w1', 'w2'].map((name) => start(['worker', '--redis', redis!.url, '--concurrency', '1', '--name', name, '--data-dir', join(directory.path, name)]));
    await Promise.all(workers.map((worker) => worker.waitFor(/taking trials/)));

    const coordinatorDir = join(directory.path, 'coordinator');
    const coordinator = start(['experiment', 'run', spec, '--redis', redis.url, '--json', '--data-dir', coordinatorDir]);
    await until('a trial to complete', () => (completedLines(workers) >= 1 ? true : undefined));
    coordinator.kill('SIGKILL');
    await coordinator.exited;
    const finishedBefore = completedLines(workers);
    await until('a trial to complete while the coordinator is down', () => (completedLines(workers) > finishedBefore ? true : undefined));

    const [record] = JSON.parse(traindeckSync(['experiment', 'list', '--json', '--data-dir', coordinatorDir]).stdout);
    expect(record.executor).toBe(redis.address);
    expect(JSON.stringify(record)).not.toContain(password);

    const withoutPassword = traindeckSync(['experiment', 'resume', record.id, '--data-dir', coordinatorDir]);
    expect(withoutPassword.code).toBe(1);
    expect(withoutPassword.stderr).toMatch(new RegExp(`Redis at ${redis.address.replace(/\./g, '\\.')} needs a password`));
    const otherQueue = traindeckSync(['experiment', 'resume', record.id, '--redis', `redis://:${password}@127.0.0.1:1`, '--data-dir', coordinatorDir]);
    expect(otherQueue.code).toBe(1);
    expect(otherQueue.stderr).toMatch(/the experiment's queue is at redis:\/\/127\.0\.0\.1:\d+, but --redis \(or TRAINDECK_REDIS_URL\) names redis:\/\/127\.0\.0\.1:1/);

    const resumed = traindeckSync(['experiment', 'resume', record.id, '--redis', redis.url, '--json', '--data-dir', coordinatorDir]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe('completed');
    expect(report.trials.map((trial: { status: string; attempts: number }) => [trial.status, trial.attempts])).toEqual(Array(6).fill(['completed', 1]));
    for (const output of [resumed.stdout, resumed.stderr, coordinator.output(), ...workers.map((worker) => worker.output())]) expect(output).not.toContain(password);

    const store = RunStore.open(coordinatorDir);
    try {
      const runs = store.listRuns();
      expect(runs).toHaveLength(6);
      expect(new Set(runs.map((run) => run.id))).toEqual(new Set(report.trials.map((trial: { runId: string }) => trial.runId)));
      for (const run of runs) {
        expect(run.status).toBe('completed');
        expect(run.summary?.result?.testSharpe).toEqual(expect.any(Number));
        expect(Object.keys(store.getMetrics(run.id)).length).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
  }, 90_000);
});
