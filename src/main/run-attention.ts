// What the app shows outside its window about runs: the dock/taskbar progress bar of the active
// run, and a desktop notification when a long run, or a whole comparison or ablation, ends while
// the window is in the background. Pure: index.ts feeds it run updates and applies its output.
import { finishedStatuses, type RunRecord } from '../shared/run.ts';

/** A run at least this long is worth a notification when it ends unseen. */
export const longRunMs = 60_000;

export interface Notice {
  title: string;
  body: string;
  runId: string;
}

export interface AttentionOutput {
  /** Fraction 0..1 for the active run, or -1 to remove the bar (Electron's setProgressBar). */
  setProgress(value: number): void;
  notify(notice: Notice): void;
  /** Whether the user is looking at the window (focused, visible, not minimised). */
  windowInForeground(): boolean;
}

const liveStatuses: ReadonlySet<string> = new Set(['starting', 'running', 'stopping']);

export class RunAttention {
  private readonly runs = new Map<string, RunRecord>();
  /** Runs whose end was already handled (bounded), so a repeated update of an ended run is not news. */
  private readonly ended = new Set<string>();
  private readonly output: AttentionOutput;
  private lastProgress: number | undefined;

  constructor(output: AttentionOutput) {
    this.output = output;
  }

  update(record: RunRecord): void {
    this.runs.set(record.id, record);
    const finished = finishedStatuses.includes(record.status);
    if (!finished) this.ended.delete(record.id); // resumed: its next end is news again
    if (finished && !this.ended.has(record.id)) {
      this.ended.add(record.id);
      if (this.ended.size > 1000) this.ended.delete(this.ended.values().next().value as string);
      const notice = this.noticeFor(record);
      if (notice && !this.output.windowInForeground()) this.output.notify(notice);
    }
    if (finishedStatuses.includes(record.status) && !this.groupPending(record.config.compareGroup, record.id)) this.forgetGroup(record);
    this.showProgress();
  }

  /** The run the progress bar follows: the most recently started one still live. */
  activeRun(): RunRecord | undefined {
    return [...this.runs.values()].filter((run) => liveStatuses.has(run.status)).sort((a, b) => (b.startedAt ?? b.createdAt) - (a.startedAt ?? a.createdAt))[0];
  }

  private showProgress(): void {
    const active = this.activeRun();
    const value = active ? Math.min(1, Math.max(0, active.progress)) : -1;
    if (value === this.lastProgress) return;
    this.lastProgress = value;
    this.output.setProgress(value);
  }

  private noticeFor(record: RunRecord): Notice | undefined {
    if (record.status === 'interrupted') return undefined; // found at startup, not something that just happened
    const group = record.config.compareGroup;
    if (group) {
      if (this.groupPending(group, record.id)) return undefined;
      const members = [...this.runs.values()].filter((run) => run.config.compareGroup === group);
      const failed = members.filter((run) => run.status === 'failed').length;
      const kind = members.length > 2 ? 'Ablation' : 'Comparison';
      return { runId: record.id, title: `${kind} finished`, body: `${record.config.trainer}: ${members.length} runs ended${failed ? `, ${failed} failed` : ''}` };
    }
    const ranMs = (record.endedAt ?? Date.now()) - (record.startedAt ?? record.createdAt);
    if (ranMs < longRunMs && record.status !== 'failed') return undefined;
    const what = `${record.config.trainer} ${record.config.mode}, ${formatDuration(ranMs)}`;
    if (record.status === 'failed') return { runId: record.id, title: 'Run failed', body: `${what}: ${(record.error ?? 'no reason recorded').split('\n')[0]}` };
    const equity = record.summary?.finalEquity;
    const result = equity === undefined ? '' : `, final test equity ${Math.round(equity).toLocaleString('en-US')}`;
    return { runId: record.id, title: record.status === 'completed' ? 'Run completed' : 'Run stopped', body: `${what}${result}` };
  }

  /** True while another run of the group is queued or live. */
  private groupPending(group: string | undefined, exceptId: string): boolean {
    if (!group) return false;
    return [...this.runs.values()].some((run) => run.id !== exceptId && run.config.compareGroup === group && !finishedStatuses.includes(run.status));
  }

  /** Finished runs are kept only while their group is open, so the map does not grow with history. */
  private forgetGroup(record: RunRecord): void {
    const group = record.config.compareGroup;
    for (const run of [...this.runs.values()]) {
      if (run.id === record.id || (group && run.config.compareGroup === group)) this.runs.delete(run.id);
    }
  }
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
