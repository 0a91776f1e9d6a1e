// Dock progress and background notifications: the bar follows the newest live run and goes away
// when none is left; a long run, or a whole comparison, that ends unseen raises one notification.
import { describe, expect, it } from 'vitest';
import { RunAttention, type Notice } from '../../src/main/run-attention.ts';
import type { RunRecord, RunStatus } from '../../src/shared/run.ts';

function run(id: string, status: RunStatus, patch: Partial<RunRecord> = {}): RunRecord {
  return { id, status, createdAt: 0, startedAt: 0, progress: 0, config: { trainer: 'rl', mode: 'optimized', seed: 1, budget: { seconds: 600 } } as RunRecord['config'], ...patch };
}

function harness(foreground = false) {
  const progress: number[] = [];
  const notices: Notice[] = [];
  const state = { foreground };
  const attention = new RunAttention({ setProgress: (value) => progress.push(value), notify: (notice) => notices.push(notice), windowInForeground: () => state.foreground });
  return { attention, progress, notices, state };
}

describe('RunAttention progress', () => {
  it('follows the most recently started live run and removes the bar when none is live', () => {
    const { attention, progress } = harness();
    attention.update(run('a', 'running', { startedAt: 1_000, progress: 0.2 }));
    attention.update(run('b', 'running', { startedAt: 2_000, progress: 0.5 }));
    attention.update(run('a', 'running', { startedAt: 1_000, progress: 0.3 }));
    expect(attention.activeRun()?.id).toBe('b');
    attention.update(run('b', 'completed', { startedAt: 2_000, endedAt: 3_000, progress: 1 }));
    attention.update(run('a', 'stopped', { startedAt: 1_000, endedAt: 4_000, progress: 0.4 }));
    expect(progress).toEqual([0.2, 0.5, 0.3, -1]);
  });
});

describe('RunAttention notifications', () => {
  it('notifies when a long run ends in the background, with its real figures', () => {
    const { attention, notices } = harness();
    attention.update(run('a', 'running'));
    attention.update(run('a', 'completed', { endedAt: 5 * 60_000, summary: { seconds: 300, episodes: 10, episodesPerMin: 2, finalEquity: 10_512.4, extra: {} } }));
    expect(notices).toEqual([{ runId: 'a', title: 'Run completed', body: 'rl optimized, 5 min, final test equity 10,512' }]);
  });

  it('stays quiet for short runs, runs the user watched, interrupted runs, and repeats of the same end', () => {
    const { attention, notices, state } = harness();
    attention.update(run('short', 'completed', { endedAt: 10_000 }));
    attention.update(run('gone', 'interrupted', { endedAt: 10 * 60_000 }));
    state.foreground = true;
    attention.update(run('seen', 'running'));
    attention.update(run('seen', 'stopped', { endedAt: 10 * 60_000 }));
    state.foreground = false;
    attention.update(run('twice', 'running'));
    attention.update(run('twice', 'stopped', { endedAt: 10 * 60_000 }));
    attention.update(run('twice', 'stopped', { endedAt: 10 * 60_000 }));
    expect(notices.map((notice) => notice.runId)).toEqual(['twice']);
  });

  it('notifies again when a resumed run ends again', () => {
    const { attention, notices } = harness();
    attention.update(run('r', 'stopped', { endedAt: 10 * 60_000 }));
    attention.update(run('r', 'running'));
    attention.update(run('r', 'completed', { endedAt: 20 * 60_000 }));
    expect(notices.map((notice) => notice.title)).toEqual(['Run stopped', 'Run completed']);
  });

  it('tells about a failure however short, with the first line of its reason', () => {
    const { attention, notices } = harness();
    attention.update(run('f', 'failed', { endedAt: 2_000, error: 'Trainer process ended (oom, exit code 9)\nmore' }));
    expect(notices).toEqual([{ runId: 'f', title: 'Run failed', body: 'rl optimized, 2 s: Trainer process ended (oom, exit code 9)' }]);
  });

  it('notifies once for a comparison, when its last run ends', () => {
    const { attention, notices } = harness();
    const group = { config: { trainer: 'neat', mode: 'original', seed: 1, budget: { seconds: 5 }, compareGroup: 'compare-1' } as RunRecord['config'] };
    attention.update(run('o', 'running', group));
    attention.update(run('p', 'queued', { ...group, config: { ...group.config, mode: 'optimized' } }));
    attention.update(run('o', 'completed', { ...group, endedAt: 5_000 }));
    expect(notices).toEqual([]);
    attention.update(run('p', 'failed', { ...group, config: { ...group.config, mode: 'optimized' }, endedAt: 9_000, error: 'x' }));
    expect(notices).toEqual([{ runId: 'p', title: 'Comparison finished', body: 'neat: 2 runs ended, 1 failed' }]);
  });
});
