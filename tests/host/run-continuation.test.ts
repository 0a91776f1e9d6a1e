// Resuming a run under a new budget through RunManager: a completed run continues as the same run
// (record back to running, then completed under the new budget; its series one history), a budget
// already spent or of a kind the trainer does not count is refused before any worker starts.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../src/shared/ipc/envelope.ts';
import { cleanUpManagers, complete, config, createManager, type ScriptedProcess } from './scripted-trainer.ts';
import type { RunManager } from '../../src/host/run-manager.ts';

afterEach(cleanUpManagers);

const neat = { trainer: 'neat' as const, mode: 'optimized' as const, seed: 7, budget: { generations: 30 } };
const neatSummary = (generations: number, seconds: number) => ({ seconds, episodes: generations * 100, episodesPerMin: 0, generations, extra: { generations } });

/** Starts `input`, says ready and a few samples, and completes it with `finished`, leaving a checkpoint. */
async function completedRun(manager: RunManager, processes: ScriptedProcess[], store: { checkpointDirectory(id: string): string }, input: typeof neat, finished: ReturnType<typeof neatSummary>) {
  const { id } = manager.start(input);
  const child = processes.at(-1)!;
  child.say({ type: 'ready', protocolVersion: 1, pid: 1 });
  child.say({ type: 'metrics', samples: [1, 2].map((step) => ({ name: 'bestFitness', value: step, elapsedMs: step * 100, step })) });
  child.say({ type: 'evaluation', report: evaluation(2, 200) });
  writeFileSync(join(store.checkpointDirectory(id), 'checkpoint.bin'), new Uint8Array([1, 2, 3]));
  await complete(manager, child, id, finished);
  return id;
}

const evaluation = (step: number, elapsedMs: number) => ({
  split: 'test' as const, step, elapsedMs, bars: 2, curves: [{ policy: 'champion', equity: [10_000, 10_100] }],
  stats: [{ policy: 'champion', finalEquity: 10_100, totalReturnPct: 1, sharpe: 1, maxDrawdownPct: 0, trades: 1, winRatePct: 100 }],
});

function refusal(action: () => unknown): { code: string; message: string; issues?: string[] } {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.message, issues: error.issues };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('RunManager continues a run with a new budget', () => {
  it('continues a completed run as the same run: back to running, then completed under the larger budget, one history', async () => {
    const { manager, processes, store } = createManager();
    const id = await completedRun(manager, processes, store, neat, neatSummary(30, 20));
    expect(manager.record(id)).toMatchObject({ status: 'completed', progress: 1 });

    const resumed = manager.resume(id, { generations: 60 });
    expect(resumed).toMatchObject({ id, status: 'starting', config: { budget: { generations: 60 } }, progress: 0.5 });
    expect(store.getRun(id)?.config).toMatchObject({ trainer: 'neat', seed: 7, budget: { generations: 60 } });
    expect(resumed.endedAt).toBeUndefined();
    const child = processes.at(-1)!;
    child.say({ type: 'ready', protocolVersion: 1, pid: 2 });
    expect(child.sent[0]).toMatchObject({ type: 'start', runId: id, resume: true, config: { budget: { generations: 60 } } });
    expect(manager.record(id).status).toBe('running');
    child.say({ type: 'metrics', samples: [3, 4].map((step) => ({ name: 'bestFitness', value: step, elapsedMs: 20_000 + step * 100, step })) });
    child.say({ type: 'evaluation', report: evaluation(4, 20_400) });
    const finished = await complete(manager, child, id, neatSummary(60, 40));
    expect(finished).toMatchObject({ id, status: 'completed', progress: 1, config: { budget: { generations: 60 } }, summary: { generations: 60, seconds: 40 } });
    expect(manager.list().map((record) => record.id)).toEqual([id]);
    const detail = manager.get(id);
    expect(detail.metrics.bestFitness.step).toEqual([1, 2, 3, 4]);
    expect(store.getEvaluations(id).map((report) => report.step)).toEqual([2, 4]);
  });

  it('refuses a completed run without a budget, a budget already spent, and one the trainer does not count', async () => {
    const { manager, processes, store } = createManager();
    const id = await completedRun(manager, processes, store, neat, neatSummary(30, 20));
    expect(refusal(() => manager.resume(id))).toMatchObject({ code: 'conflict', message: expect.stringMatching(/completed its budget; resume it with a larger budget \(seconds, generations, episodes\)/) });
    expect(refusal(() => manager.resume(id, { generations: 30 }))).toMatchObject({ code: 'conflict', message: expect.stringContaining('has already spent 30 of 30 generations') });
    expect(refusal(() => manager.resume(id, { generations: 90, seconds: 10 }))).toMatchObject({ message: expect.stringContaining('20 of 10 seconds') });
    const baseline = manager.start(config);
    processes.at(-1)!.say({ type: 'ready', protocolVersion: 1, pid: 3 });
    await complete(manager, processes.at(-1)!, baseline.id);
    expect(refusal(() => manager.resume(baseline.id, { generations: 5 }))).toMatchObject({ code: 'bad-request', issues: [expect.stringMatching(/budget.generations: the baseline trainer does not count generations/)] });
    // nothing changed and no worker started
    expect(processes).toHaveLength(2);
    expect(manager.record(id)).toMatchObject({ status: 'completed', config: { budget: { generations: 30 } } });
  });

  it('resumes a stopped run under another budget, queued when no slot is free, and keeps its own without one', async () => {
    const { manager, processes, store } = createManager({ maxConcurrentRuns: 1 });
    const stopped = store.createRun({ id: 'run-stopped-1', config: { ...config, dataset: 'default', options: {} }, status: 'stopped', createdAt: 1, progress: 0.2, summary: { seconds: 1, episodes: 10, episodesPerMin: 600, extra: {} } });
    writeFileSync(join(store.checkpointDirectory(stopped.id), 'checkpoint.bin'), 'x');
    const other = manager.start({ ...config, seed: 9 });
    const queued = manager.resume(stopped.id, { seconds: 4 });
    expect(queued).toMatchObject({ status: 'queued', config: { budget: { seconds: 4 } }, progress: 0.25 });
    processes[0].say({ type: 'ready', protocolVersion: 1, pid: 1 });
    await complete(manager, processes[0], other.id);
    processes[1].say({ type: 'ready', protocolVersion: 1, pid: 2 });
    expect(processes[1].sent[0]).toMatchObject({ type: 'start', runId: stopped.id, resume: true, config: { budget: { seconds: 4 } } });
    await complete(manager, processes[1], stopped.id);
    const again = store.createRun({ id: 'run-stopped-2', config: { ...config, dataset: 'default', options: {} }, status: 'stopped', createdAt: 2, progress: 0.2 });
    writeFileSync(join(store.checkpointDirectory(again.id), 'checkpoint.bin'), 'x');
    expect(manager.resume(again.id)).toMatchObject({ status: 'starting', config: { budget: { seconds: 5 } }, progress: 0.2 });
  });

  it('places the samples the host adds on the trainer timeline of a continued run', async () => {
    const { manager, processes, store } = createManager();
    const id = await completedRun(manager, processes, store, neat, neatSummary(30, 20));
    manager.resume(id, { generations: 60 });
    processes.at(-1)!.say({ type: 'ready', protocolVersion: 1, pid: 2 });
    const now = Date.now();
    manager.recordSystemSample({
      timestamp: now + 1_000, intervalMs: 1_000, machineCpuPercent: 10, machineCpuCount: 2, machineMemoryUsedBytes: 1, machineMemoryTotalBytes: 2,
      trainers: [{ runId: id, pid: 4242, cpuPercent: 50, rssBytes: 2 ** 20, unavailableReason: null }], gpuSource: null, gpus: [], gpuUnavailableReason: 'none here',
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const cpu = manager.get(id).metrics.processCpuPercent;
    // 20 s of earlier training, then about a second of this session: after the first session's samples
    expect(cpu.elapsedMs[0]).toBeGreaterThanOrEqual(20_900);
    expect(cpu.elapsedMs[0]).toBeLessThan(22_000);
  });
});
