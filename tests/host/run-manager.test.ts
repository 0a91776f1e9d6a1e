// RunManager's state machine, driven by a scripted in-memory trainer process.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMaxConcurrentRuns, type RunManager } from '../../src/host/run-manager.ts';
import type { RunRecord } from '../../src/shared/run.ts';
import { cleanUpManagers, complete, config, createManager, forgetManager, onCleanup, summary } from './scripted-trainer.ts';

afterEach(cleanUpManagers);

describe('RunManager run limit', () => {
  it('defaults to one trainer per two cores, at least one', () => {
    expect([1, 2, 3, 8, 16].map((cores) => defaultMaxConcurrentRuns(cores))).toEqual([1, 1, 1, 4, 8]);
  });

  it('queues runs beyond the limit and starts each when a slot frees, first come first served', async () => {
    const { manager, processes } = createManager({ maxConcurrentRuns: 2 });
    const [a, b, c, d] = [1, 2, 3, 4].map((seed) => manager.start({ ...config, seed }));
    expect([a, b, c, d].map((record) => record.status)).toEqual(['starting', 'starting', 'queued', 'queued']);
    expect(c.progressMessage).toMatch(/Waiting for a free trainer slot \(2 runs at a time\)/);
    expect(processes).toHaveLength(2);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    await complete(manager, processes[0], a.id);
    expect(processes).toHaveLength(3); // c took the freed slot; d still waits
    expect(manager.record(c.id).status).toBe('starting');
    expect(manager.record(d.id).status).toBe('queued');
    await manager.stop(d.id);
    expect(manager.record(d.id)).toMatchObject({ status: 'stopped', progressMessage: 'Stopped before it started' });
    processes[1].say({ type: 'ready', protocolVersion: 1, pid: 2 });
    await complete(manager, processes[1], b.id);
    expect(processes).toHaveLength(3); // nothing left waiting
  });

  it('queues a resumed run too, and a comparison partner waits for both its turn and its original', async () => {
    const { manager, processes, store } = createManager({ maxConcurrentRuns: 1 });
    const first = manager.start(config);
    const pair = manager.startComparison({ trainer: 'baseline', seed: 5, budget: { seconds: 5 } });
    expect([pair.original.status, pair.optimized.status]).toEqual(['queued', 'queued']);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    await complete(manager, processes[0], first.id);
    expect(manager.record(pair.original.id).status).toBe('starting');
    expect(manager.record(pair.optimized.id).status).toBe('queued');
    // A stopped run with a checkpoint, resumed while the slot is taken, waits its turn as well.
    const old = store.createRun({ id: 'run-old-1', config: { ...config, dataset: 'default', options: {} }, status: 'stopped', createdAt: 1, progress: 0.5 });
    writeFileSync(join(store.checkpointDirectory(old.id), 'checkpoint.bin'), 'x');
    expect(manager.resume(old.id).status).toBe('queued');
    processes[1].say({ type: 'ready', protocolVersion: 1, pid: 2 });
    await complete(manager, processes[1], pair.original.id);
    expect(manager.record(pair.optimized.id).status).toBe('starting');
    processes[2].say({ type: 'ready', protocolVersion: 1, pid: 3 });
    await complete(manager, processes[2], pair.optimized.id);
    expect(manager.record(old.id).status).toBe('starting');
    processes[3].say({ type: 'ready', protocolVersion: 1, pid: 4 });
    expect(processes[3].sent[0]).toMatchObject({ type: 'start', runId: old.id, resume: true });
  });
});

describe('RunManager', () => {
  it('starts a run when the worker is ready, and completes it on done', async () => {
    const { manager, processes } = createManager();
    const statuses: string[] = [];
    manager.on('runUpdated', (record) => statuses.push(record.status));
    const record = manager.start(config);
    expect(record.status).toBe('starting');
    const child = processes[0];
    child.say({ type: 'ready', protocolVersion: 1, pid: 4242 });
    expect(child.sent[0]).toMatchObject({ type: 'start', runId: record.id, config: { seed: 3, dataset: 'default' } });
    expect(manager.get(record.id).record.status).toBe('running');
    child.say({ type: 'done', outcome: 'completed', summary });
    child.exit({ kind: 'clean' });
    const finished = await manager.whenFinished(record.id);
    expect(finished).toMatchObject({ status: 'completed', summary: { episodes: 10 }, progress: 1 });
    expect(statuses).toEqual(['starting', 'running', 'completed']);
  });

  it('rejects an invalid configuration with the bad field named', () => {
    const { manager } = createManager();
    expect(() => manager.start({ ...config, seed: -5 })).toThrowError(/Invalid run configuration/);
    try {
      manager.start({ ...config, budget: {} });
    } catch (error) {
      expect((error as { issues: string[] }).issues.join()).toContain('budget');
    }
  });

  it('refuses, before any worker starts, budgets a trainer ignores and options it does not know', () => {
    const { manager, processes } = createManager();
    const issuesOf = (input: Parameters<RunManager['start']>[0]) => {
      try {
        manager.start(input);
      } catch (error) {
        return { code: (error as { code: string }).code, issues: (error as { issues: string[] }).issues.join('; ') };
      }
      return undefined;
    };
    expect(issuesOf({ ...config, budget: { generations: 1 } })).toMatchObject({ code: 'bad-request', issues: expect.stringMatching(/budget\.generations.*baseline trainer does not count generations/) });
    expect(issuesOf({ ...config, trainer: 'rl', budget: { episodes: 2e9 } })?.issues).toMatch(/budget\.episodes/);
    expect(issuesOf({ ...config, options: { envs: 8 } })).toMatchObject({ code: 'bad-request', issues: 'options.envs: unknown key; this trainer takes no options' });
    expect(issuesOf({ ...config, trainer: 'rl', options: { envs: 4096 } })?.issues).toBe('options.envs: 4096 is not allowed; expected an integer >= 1 and <= 1024');
    expect(issuesOf({ ...config, trainer: 'neat', options: { envsPerGenome: 0 } })?.issues).toMatch(/options\.envsPerGenome: 0 is not allowed; expected an integer >= 1 and <= 256/);
    // every bad key at once, each with its allowed range
    expect(issuesOf({ ...config, trainer: 'rl', options: { envs: 0, gamma: 2, backend: 'cuda', flags: { fp16: 'yes' }, learningrate: 1 } })?.issues.split('; options.')).toEqual([
      'options.envs: 0 is not allowed; expected an integer >= 1 and <= 1024',
      'gamma: 2 is not allowed; expected a number >= 0 and <= 1',
      'backend: "cuda" is not allowed; expected one of auto, js, onnx, tfjs-node, tfjs-webgpu, tfjs-wasm',
      'flags.fp16: "yes" is not allowed; expected true or false',
      expect.stringMatching(/^learningrate: unknown key \(did you mean "learningRate"\?\)/),
    ]);
    expect(issuesOf({ ...config, trainer: 'neat', options: { neat: { populationSize: 4, reproduction: { elitism: 5 } } } })?.issues).toBe('options.neat.reproduction.elitism: 5 exceeds populationSize 4');
    expect(processes).toHaveLength(0);
    expect(manager.list()).toHaveLength(0);
  });

  it('accepts the top-level RL flags of older runs and records them under flags', () => {
    const { manager } = createManager();
    const record = manager.start({ ...config, trainer: 'rl', options: { vectorizedEnvs: true, fp16: false, envs: 8 } });
    expect(record.config.options).toEqual({ envs: 8, flags: { vectorizedEnvs: true, fp16: false } });
  });

  it('relays a run recorded from elsewhere (a remote trial) to the window as events', () => {
    const { manager, store } = createManager();
    store.createRun({ id: 'remote-1', config: { ...config, dataset: 'default', options: {} }, status: 'running', createdAt: 1, progress: 0.3 });
    const seen: string[] = [];
    manager.on('runUpdated', (record) => seen.push(`updated ${record.id} ${record.status}`));
    manager.on('runMetrics', ({ runId, samples }) => seen.push(`metrics ${runId} ${samples.length}`));
    manager.relayRecordedRun('remote-1', { samples: [{ name: 'episodes', value: 5, elapsedMs: 10, step: 5 }] });
    manager.relayRecordedRun('no-such-run', {});
    expect(seen).toEqual(['updated remote-1 running', 'metrics remote-1 1']);
  });

  it('batches metrics into periodic events and keeps them for get()', async () => {
    const { manager, processes } = createManager();
    const batches: number[] = [];
    manager.on('runMetrics', ({ samples }) => batches.push(samples.length));
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    for (let i = 0; i < 50; i++) processes[0].say({ type: 'metrics', samples: [{ name: 'episodesPerMin', value: i, elapsedMs: i, step: i }] });
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(batches).toEqual([50]);
    expect(manager.get(id).metrics.episodesPerMin.value).toHaveLength(50);
  });

  it('stops gracefully: sends stop, and the run is stopped when the worker says done', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    const child = processes[0];
    child.say({ type: 'ready', protocolVersion: 1, pid: 1 });
    child.onSend = (message) => {
      if (message.type === 'stop') {
        child.say({ type: 'done', outcome: 'stopped', summary });
        child.exit({ kind: 'clean' });
      }
    };
    const stopped = await manager.stop(id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toBeUndefined();
    expect(child.killed).toBe(false);
  });

  it('kills a worker that does not stop within the timeout, and says so', async () => {
    const { manager, processes } = createManager({ stopTimeoutMs: 30 });
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    const stopped = await manager.stop(id);
    expect(processes[0].killed).toBe(true);
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toMatch(/did not stop within/);
  });

  it('marks a crashed run failed with the reason and keeps its recorded metrics', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    const child = processes[0];
    child.say({ type: 'ready', protocolVersion: 1, pid: 1 });
    child.say({ type: 'metrics', samples: [{ name: 'episodesPerMin', value: 123, elapsedMs: 5, step: 1 }] });
    child.exit({ kind: 'crashed', reason: 'Trainer process was killed by SIGSEGV', exitCode: null, signal: 'SIGSEGV' });
    const failed: RunRecord = await manager.whenFinished(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/SIGSEGV/);
    expect(manager.get(id).metrics.episodesPerMin.value).toEqual([123]);
  });

  it('fails the run with the trainer error message when the trainer reports one', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].say({ type: 'error', message: 'Dataset "nope" not found' });
    processes[0].exit({ kind: 'crashed', reason: 'Trainer process exited with code 1', exitCode: 1, signal: null });
    expect((await manager.whenFinished(id)).error).toMatch(/Dataset "nope" not found/);
  });

  it('kills a worker that sends a malformed message before it started (nothing to checkpoint), failing the run', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    processes[0].say({ type: 'metrics', samples: 'lots' });
    const failed = await manager.whenFinished(id);
    expect(processes[0].killed).toBe(true);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/malformed message/);
  });

  it('does not start a worker that broke the protocol before it was ready, even when its ready message comes after', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    processes[0].say({ type: 'metrics', samples: 'lots' });
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 }); // already on its way when the host killed it
    const failed = await manager.whenFinished(id);
    expect(processes[0].sent.filter((message) => message.type === 'start')).toHaveLength(0);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/malformed message/);
  });

  it('asks a running worker that sends a malformed message to stop, keeps its summary and fails the run with the reason', async () => {
    const { manager, processes } = createManager({ stopTimeoutMs: 10_000 });
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].say({ type: 'progress', fraction: 2 }); // over 1: refused
    processes[0].say({ type: 'progress', fraction: 3 }); // asked once only
    expect(processes[0].sent.filter((message) => message.type === 'stop')).toHaveLength(1);
    expect(processes[0].killed).toBe(false);
    processes[0].say({ type: 'done', outcome: 'stopped', summary });
    processes[0].exit({ kind: 'clean' });
    const failed = await manager.whenFinished(id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/malformed message: .*fraction/);
    expect(failed.summary).toMatchObject({ episodes: 10 });
  });

  it('kills a worker that broke the protocol and does not stop in time, saying so', async () => {
    const { manager, processes } = createManager({ stopTimeoutMs: 20 });
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].say({ type: 'evaluation', report: { split: 'nowhere' } });
    const failed = await manager.whenFinished(id);
    expect(processes[0].killed).toBe(true);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/malformed message.*did not stop within 0.02 s and was killed; no checkpoint was saved/);
  });

  it('refuses a worker speaking another protocol version', async () => {
    const { manager, processes } = createManager();
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 99, pid: 1 });
    expect((await manager.whenFinished(id)).error).toMatch(/protocol 99/);
  });

  it('answers unknown run ids with a not-found error', async () => {
    const { manager } = createManager();
    expect(() => manager.get('nope')).toThrowError(/No run with id "nope"/);
    await expect(manager.stop('nope')).rejects.toMatchObject({ code: 'not-found' });
    expect(() => manager.resume('nope')).toThrowError(/No run with id/);
  });

  it('persists runs: a new manager on the same store lists them, and marks live ones interrupted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-run-manager-'));
    onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = createManager({ dataDir });
    const done = first.manager.start(config);
    first.processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    first.processes[0].say({ type: 'done', outcome: 'completed', summary });
    const live = first.manager.start({ ...config, seed: 4 });
    first.processes[1].say({ type: 'ready', protocolVersion: 1, pid: 2 });
    first.processes[1].say({ type: 'metrics', samples: [{ name: 'episodes', value: 5, elapsedMs: 10, step: 5 }] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    forgetManager(first.manager);
    first.store.close(); // the app dies here: no stop, no exit

    const second = createManager({ dataDir });
    expect(second.manager.interruptedAtStartup.map((record) => record.id)).toEqual([live.id]);
    const listed = second.manager.list();
    expect(listed.map((record) => [record.id, record.status])).toEqual(
      expect.arrayContaining([
        [done.id, 'completed'],
        [live.id, 'interrupted'],
      ]),
    );
    expect(second.manager.get(live.id).metrics.episodes.value).toEqual([5]);
    expect(() => second.manager.resume(live.id)).toThrowError(/no checkpoint/);
    expect(() => second.manager.resume(done.id)).toThrowError(/completed its budget/);
    second.manager.delete(done.id);
    expect(() => second.manager.get(done.id)).toThrowError(/No run/);
  });

  it('resumes a stopped run that has a checkpoint, telling the worker to resume', async () => {
    const { manager, processes, store } = createManager();
    const { id } = manager.start(config);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].onSend = (message) => {
      if (message.type === 'stop') processes[0].say({ type: 'done', outcome: 'stopped', summary });
    };
    await manager.stop(id);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(store.checkpointDirectory(id), 'checkpoint.bin'), new Uint8Array([1, 2, 3]));
    expect(manager.resume(id).status).toBe('starting');
    processes[1].say({ type: 'ready', protocolVersion: 1, pid: 3 });
    expect(processes[1].sent[0]).toMatchObject({ type: 'start', runId: id, resume: true });
    expect(manager.get(id).record.status).toBe('running');
    expect(() => manager.delete(id)).toThrowError(/stop it before deleting/);
  });

  it('runs a comparison one mode after the other with the same seed and budget', async () => {
    const { manager, processes } = createManager();
    const { compareGroup, original, optimized } = manager.startComparison({ trainer: 'baseline', seed: 21, budget: { seconds: 3 } });
    expect(original).toMatchObject({ status: 'starting', config: { mode: 'original', seed: 21, compareGroup } });
    expect(optimized).toMatchObject({ status: 'queued', config: { mode: 'optimized', seed: 21, budget: { seconds: 3 }, compareGroup } });
    expect(processes).toHaveLength(1);
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].say({ type: 'done', outcome: 'completed', summary });
    await manager.whenFinished(original.id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(processes).toHaveLength(2); // the optimized run starts only now
    processes[1].say({ type: 'ready', protocolVersion: 1, pid: 2 });
    expect(processes[1].sent[0]).toMatchObject({ type: 'start', runId: optimized.id, config: { mode: 'optimized' } });
    processes[1].say({ type: 'done', outcome: 'completed', summary });
    expect((await manager.whenFinished(optimized.id)).status).toBe('completed');
    expect(manager.list({}).filter((record) => record.config.compareGroup === compareGroup)).toHaveLength(2);
  });

  it('stops a queued comparison partner without ever starting it', async () => {
    const { manager, processes } = createManager();
    const { original, optimized } = manager.startComparison({ trainer: 'baseline', seed: 22, budget: { seconds: 3 } });
    expect((await manager.stop(optimized.id)).status).toBe('stopped');
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    processes[0].say({ type: 'done', outcome: 'completed', summary });
    await manager.whenFinished(original.id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(processes).toHaveLength(1);
  });
});
