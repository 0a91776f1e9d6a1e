// RunStore on a real SQLite file in a temporary data dir: runs, metric series with the long-run
// bound, evaluations, the error history, checkpoints, and runs interrupted by an app restart.
import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluationReport, MetricSample } from '../../../src/shared/metrics.ts';
import { runRecordSchema } from '../../../src/shared/run.ts';
import { RunStoreError } from '../../../src/host/store/errors.ts';
import { RunStore, type RunRecordInput } from '../../../src/host/store/run-store.ts';
import { currentSchemaVersion } from '../../../src/host/store/migrations.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'traindeck-store-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function openStore(dataDir = tempDataDir(), options: Parameters<typeof RunStore.open>[1] = {}): RunStore {
  const store = RunStore.open(dataDir, options);
  cleanups.push(() => store.close());
  return store;
}

function run(id: string, overrides: Partial<RunRecordInput> = {}, config: Partial<RunRecordInput['config']> = {}): RunRecordInput {
  return { id, status: 'starting', createdAt: 1_700_000_000_000, config: { trainer: 'rl', mode: 'optimized', seed: 7, budget: { seconds: 60 }, ...config }, ...overrides };
}

function evaluation(split: EvaluationReport['split'], step: number, elapsedMs: number): EvaluationReport {
  return {
    split,
    step,
    elapsedMs,
    bars: 500,
    curves: [{ policy: 'policy (greedy)', equity: [10000, 10020, 10110] }, { policy: 'buy-and-hold', equity: [10000, 9990, 10050] }],
    stats: [{ policy: 'policy (greedy)', finalEquity: 10110, totalReturnPct: 1.1, sharpe: 0.8, maxDrawdownPct: 0.4, trades: 12, winRatePct: 58 }],
  };
}

describe('RunStore runs', () => {
  it('creates, reads, updates and clears fields of a run', () => {
    const store = openStore();
    const created = store.createRun(run('run-1', {}, { compareGroup: 'g1' }));
    expect(runRecordSchema.parse(created)).toEqual(created);
    expect(created).toMatchObject({ id: 'run-1', status: 'starting', progress: 0, config: { dataset: 'default', options: {}, compareGroup: 'g1' } });
    expect(created).not.toHaveProperty('startedAt');

    const running = store.updateRun('run-1', { status: 'running', startedAt: 1_700_000_001_000, backend: 'js', device: 'cpu', progress: 0.25, progressMessage: '25 of 100 episodes' });
    expect(running).toMatchObject({ status: 'running', startedAt: 1_700_000_001_000, backend: 'js', device: 'cpu', progress: 0.25, progressMessage: '25 of 100 episodes' });

    const failed = store.updateRun('run-1', { status: 'failed', endedAt: 1_700_000_009_000, error: 'worker crashed: out of memory', summary: { seconds: 8, episodes: 40, episodesPerMin: 300, extra: {} } });
    expect(failed.summary).toEqual({ seconds: 8, episodes: 40, episodesPerMin: 300, extra: {} });
    // undefined leaves a field alone, null clears it.
    const resumed = store.updateRun('run-1', { status: 'starting', endedAt: null, error: null, backend: undefined });
    expect(resumed).not.toHaveProperty('endedAt');
    expect(resumed).not.toHaveProperty('error');
    expect(resumed.backend).toBe('js');
    expect(store.getRun('run-1')).toEqual(resumed);
    expect(store.getErrors('run-1')).toEqual([{ at: expect.any(Number), message: 'worker crashed: out of memory' }]);
  });

  it('changes only the budget of a run\'s configuration (a run continued with a larger one)', () => {
    const store = openStore();
    const created = store.createRun(run('run-1', {}, { options: { envs: 8 }, compareGroup: 'g' }));
    const continued = store.updateRun('run-1', { status: 'starting', budget: { generations: 60 } });
    expect(continued.config).toEqual({ ...created.config, budget: { generations: 60 } });
    expect(store.listRuns({ trainer: 'rl', compareGroup: 'g' }).map((record) => record.id)).toEqual(['run-1']);
    expect(() => store.updateRun('run-1', { budget: {} })).toThrow(/Invalid run patch: budget/);
  });

  it('names the bad field of an invalid record or patch, and rejects unknown and duplicate runs', () => {
    const store = openStore();
    expect(() => store.createRun(run('x', {}, { seed: -1 }))).toThrow(/Invalid run record: config\.seed/);
    store.createRun(run('run-1'));
    expect(() => store.createRun(run('run-1'))).toThrow(expect.objectContaining({ kind: 'duplicate-run' }));
    expect(() => store.updateRun('run-1', { progress: 2 })).toThrow(/Invalid run patch: progress/);
    expect(() => store.updateRun('run-1', { colour: 'red' } as never)).toThrow(/Invalid run patch/);
    expect(() => store.updateRun('nope', { status: 'running' })).toThrow(expect.objectContaining({ kind: 'unknown-run' }));
    expect(store.getRun('nope')).toBeUndefined();
  });

  it('refuses run ids that are not plain file names', () => {
    const store = openStore();
    for (const id of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(200)]) {
      expect(() => store.createRun(run(id))).toThrow(RunStoreError);
      expect(() => store.checkpointDirectory(id)).toThrow(expect.objectContaining({ kind: 'invalid-run-id' }));
    }
  });

  it('lists runs newest first and filters by trainer, mode, status and group', () => {
    const store = openStore();
    store.createRun(run('rl-orig', { createdAt: 1, status: 'completed' }, { mode: 'original', compareGroup: 'pair' }));
    store.createRun(run('rl-opt', { createdAt: 2, status: 'running' }, { compareGroup: 'pair' }));
    store.createRun(run('neat-opt', { createdAt: 3, status: 'failed' }, { trainer: 'neat', budget: { generations: 10 } }));
    const ids = (filter: Parameters<RunStore['listRuns']>[0]) => store.listRuns(filter).map((record) => record.id);
    expect(ids({})).toEqual(['neat-opt', 'rl-opt', 'rl-orig']);
    expect(ids({ trainer: 'rl' })).toEqual(['rl-opt', 'rl-orig']);
    expect(ids({ mode: 'optimized' })).toEqual(['neat-opt', 'rl-opt']);
    expect(ids({ status: 'completed' })).toEqual(['rl-orig']);
    expect(ids({ status: ['running', 'failed'] })).toEqual(['neat-opt', 'rl-opt']);
    expect(ids({ trainer: 'rl', mode: 'original' })).toEqual(['rl-orig']);
    expect(ids({ compareGroup: 'pair' })).toEqual(['rl-opt', 'rl-orig']);
    expect(ids({ status: [] })).toEqual([]);
    expect(() => store.listRuns({ trainer: 'svm' } as never)).toThrow(/Invalid run filter: trainer/);
  });

  it('deletes a run with its series, evaluations, errors and checkpoint files', () => {
    const store = openStore();
    store.createRun(run('doomed'));
    store.createRun(run('kept'));
    store.appendMetrics('doomed', [{ name: 'loss', value: 1, elapsedMs: 0, step: 0 }]);
    store.appendMetrics('kept', [{ name: 'loss', value: 2, elapsedMs: 0, step: 0 }]);
    store.appendEvaluation('doomed', evaluation('test', 1, 10));
    store.appendError('doomed', 'a warning');
    const checkpoint = join(store.checkpointDirectory('doomed'), 'episode-10.ckpt');
    writeFileSync(checkpoint, 'bytes');
    expect(store.deleteRun('doomed')).toBe(true);
    expect(store.getRun('doomed')).toBeUndefined();
    expect(existsSync(checkpoint)).toBe(false);
    expect(() => store.getMetrics('doomed')).toThrow(expect.objectContaining({ kind: 'unknown-run' }));
    expect(store.getMetrics('kept').loss.value).toEqual([2]);
    expect(store.deleteRun('doomed')).toBe(false);
  });
});

describe('RunStore metrics and evaluations', () => {
  it('appends samples and returns them per series in time order', () => {
    const store = openStore();
    store.createRun(run('r'));
    store.appendMetrics('r', [
      { name: 'loss', value: 0.9, elapsedMs: 100, step: 1 },
      { name: 'episodesPerMin', value: 120, elapsedMs: 100, step: 1 },
      { name: 'loss', value: 0.7, elapsedMs: 200, step: 2 },
    ]);
    store.appendMetrics('r', [{ name: 'loss', value: 0.8, elapsedMs: 150, step: 1.5 }]);
    expect(store.getMetrics('r')).toEqual({
      episodesPerMin: { elapsedMs: [100], step: [1], value: [120] },
      loss: { elapsedMs: [100, 150, 200], step: [1, 1.5, 2], value: [0.9, 0.8, 0.7] },
    });
    expect(Object.keys(store.getMetrics('r', { names: ['loss'] }))).toEqual(['loss']);
    expect(store.getMetrics('r', { names: [] })).toEqual({});
    expect(() => store.appendMetrics('r', [{ name: 'loss', value: Number.NaN, elapsedMs: 0, step: 0 }])).toThrow(/Invalid metric samples: 0\.value/);
    expect(() => store.getMetrics('r', { maxPoints: 2 })).toThrow(/at least 4/);
  });

  it('keeps a 10-hour series bounded while its spikes, ends and time span survive', () => {
    const cap = 256;
    const store = openStore(undefined, { maxPointsPerSeries: cap });
    store.createRun(run('long'));
    // 10 hours at 10 samples a second would be 360,000 points; 36,000 (one per second) keep the test fast.
    const total = 36_000;
    let batch: MetricSample[] = [];
    let appended = 0;
    for (let second = 0; second < total; second++) {
      const value = second === 12_345 ? 1e6 : second === 23_456 ? -1e6 : Math.sin(second / 600);
      batch.push({ name: 'loss', value, elapsedMs: second * 1000, step: second });
      batch.push({ name: 'episodes', value: second, elapsedMs: second * 1000, step: second });
      if (batch.length === 200) {
        store.appendMetrics('long', batch);
        appended += batch.length;
        batch = [];
        if (appended % 4000 === 0) expect(store.getMetrics('long', { names: ['loss'] }).loss.value.length).toBeLessThanOrEqual(cap);
      }
    }
    store.appendMetrics('long', batch);
    appended += batch.length;
    expect(appended).toBe(2 * total);
    const { loss, episodes } = store.getMetrics('long');
    expect(loss.value.length).toBeLessThanOrEqual(cap);
    expect(loss.value.length).toBeGreaterThan(cap / 8);
    expect(Math.max(...loss.value)).toBe(1e6);
    expect(Math.min(...loss.value)).toBe(-1e6);
    expect(loss.elapsedMs[0]).toBe(0);
    expect(episodes.value.at(-1)).toBe(total - 1);
    expect(episodes.elapsedMs.at(-1)).toBe((total - 1) * 1000);
    // Compaction keeps time order and the monotonic counter monotonic.
    for (let i = 1; i < episodes.value.length; i++) expect(episodes.value[i]).toBeGreaterThanOrEqual(episodes.value[i - 1]);
    // Read-time downsampling bounds further and still keeps the extremes.
    const chart = store.getMetrics('long', { names: ['loss'], maxPoints: 40 }).loss;
    expect(chart.value.length).toBeLessThanOrEqual(40);
    expect(Math.max(...chart.value)).toBe(1e6);
  });

  it('stores evaluations, returns the latest per split, and thins old ones past the cap', () => {
    const store = openStore(undefined, { maxEvaluationsPerSplit: 8 });
    store.createRun(run('r'));
    for (let i = 0; i < 20; i++) store.appendEvaluation('r', evaluation('test', i, i * 1000));
    store.appendEvaluation('r', evaluation('validation', 5, 5500));
    const tests = store.getEvaluations('r', { split: 'test' });
    expect(tests.length).toBeLessThanOrEqual(8);
    expect(tests[0].step).toBe(0);
    expect(tests.at(-1)!.step).toBe(19);
    expect(tests.map((report) => report.step)).toEqual([...tests.map((report) => report.step)].sort((a, b) => a - b));
    expect(tests.at(-1)).toEqual(evaluation('test', 19, 19000));
    const latest = store.getEvaluations('r', { latestPerSplit: true });
    expect(latest.map((report) => [report.split, report.step])).toEqual([['validation', 5], ['test', 19]]);
    expect(() => store.appendEvaluation('r', { ...evaluation('test', 1, 1), split: 'holdout' } as never)).toThrow(/Invalid evaluation report: split/);
  });
});

describe('RunStore checkpoints', () => {
  it('gives each run a folder beside the database and finds its newest finished checkpoint', () => {
    const dataDir = tempDataDir();
    const store = openStore(dataDir);
    store.createRun(run('r'));
    expect(store.latestCheckpoint('r')).toBeUndefined();
    const directory = store.checkpointDirectory('r');
    expect(directory).toBe(join(dataDir, 'checkpoints', 'r'));
    expect(store.latestCheckpoint('r')).toBeUndefined();
    writeFileSync(join(directory, 'gen-0001.ckpt'), 'a');
    writeFileSync(join(directory, 'gen-0002.ckpt'), 'b');
    writeFileSync(join(directory, 'gen-0003.ckpt.tmp'), 'being written');
    utimesSync(join(directory, 'gen-0001.ckpt'), new Date(1_000_000), new Date(1_000_000));
    utimesSync(join(directory, 'gen-0002.ckpt'), new Date(2_000_000), new Date(2_000_000));
    expect(store.latestCheckpoint('r')).toBe(join(directory, 'gen-0002.ckpt'));
  });
});

describe('RunStore after a restart', () => {
  it('keeps everything across close and reopen', () => {
    const dataDir = tempDataDir();
    const first = RunStore.open(dataDir);
    first.createRun(run('r', { status: 'completed' }));
    first.appendMetrics('r', [{ name: 'loss', value: 0.5, elapsedMs: 1, step: 1 }]);
    first.appendEvaluation('r', evaluation('test', 1, 1));
    first.close();
    const second = openStore(dataDir);
    expect(second.openReport).toMatchObject({ created: false, previousVersion: currentSchemaVersion, version: currentSchemaVersion });
    expect(second.getRun('r')?.status).toBe('completed');
    expect(second.getMetrics('r').loss.value).toEqual([0.5]);
    expect(second.getEvaluations('r')).toHaveLength(1);
  });

  it('marks runs that were live as interrupted, saying whether they can be resumed', () => {
    const dataDir = tempDataDir();
    let clock = 1_700_000_000_000;
    const first = RunStore.open(dataDir, { now: () => clock });
    first.createRun(run('running', { status: 'running', startedAt: clock }));
    first.createRun(run('starting', { status: 'starting' }));
    first.createRun(run('stopping', { status: 'stopping', startedAt: clock }));
    first.createRun(run('done', { status: 'completed', startedAt: clock, endedAt: clock + 5 }));
    writeFileSync(join(first.checkpointDirectory('running'), 'episode-300.ckpt'), 'weights');
    clock += 60_000;
    first.appendMetrics('running', [{ name: 'loss', value: 1, elapsedMs: 60_000, step: 300 }]);
    first.close();

    const second = openStore(dataDir);
    const interrupted = second.markLiveRunsInterrupted();
    expect(interrupted.map((record) => record.id).sort()).toEqual(['running', 'starting', 'stopping']);
    for (const record of interrupted) expect(record.status).toBe('interrupted');
    const running = second.getRun('running')!;
    // Ended when the store last heard from it, not at restart time.
    expect(running.endedAt).toBe(1_700_000_060_000);
    expect(running.progressMessage).toContain('can be resumed from its last checkpoint');
    expect(running.progressMessage).toContain('episode-300.ckpt');
    expect(second.latestCheckpoint('running')).toBe(join(dataDir, 'checkpoints', 'running', 'episode-300.ckpt'));
    expect(second.getRun('starting')!.progressMessage).toContain('cannot be resumed');
    expect(second.getRun('done')).toMatchObject({ status: 'completed', endedAt: 1_700_000_000_005 });
    expect(second.markLiveRunsInterrupted()).toEqual([]);
    expect(second.listRuns({ status: 'interrupted' })).toHaveLength(3);
  });
  it('leaves alone a live run whose host is another process still running, and takes it over once that host is gone', async () => {
    const dataDir = tempDataDir();
    openStore(dataDir).close();
    // Another host (a CLI training next to serve) makes a run live and keeps running.
    const script = `import { RunStore } from ${JSON.stringify(new URL('../../../src/host/store/run-store.ts', import.meta.url).href)};
      const store = RunStore.open(${JSON.stringify(dataDir)});
      store.createRun({ id: 'theirs', config: { trainer: 'baseline', mode: 'original', seed: 1, budget: { seconds: 60 } }, status: 'running', createdAt: 1 });
      store.close();
      process.stdout.write('ready\\n');
      setTimeout(() => {}, 60_000);`;
    const other = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => other.stdout!.once('data', () => resolve()));
    const store = openStore(dataDir);
    expect(store.markLiveRunsInterrupted()).toEqual([]);
    expect(store.getRun('theirs')?.status).toBe('running');
    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;
    expect(store.markLiveRunsInterrupted().map((record) => [record.id, record.status])).toEqual([['theirs', 'interrupted']]);
  });
});
