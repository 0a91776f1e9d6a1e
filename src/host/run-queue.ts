// Runs waiting for their turn: behind the run limit (at most N trainers at once), or behind the
// run before them in a sequence (a comparison's optimized run waits for its original run, so the
// two never share the machine). First come, first served among the runs free to start.
import type { RunRecord } from '../shared/run.ts';

export interface WaitingRun {
  record: RunRecord;
  /** Start from the run's last checkpoint. */
  resume: boolean;
  /** Id of a run that must have finished first. */
  after?: string;
}

export class RunQueue {
  private readonly entries: WaitingRun[] = [];

  add(entry: WaitingRun): void {
    this.entries.push(entry);
  }

  has(runId: string): boolean {
    return this.entries.some((entry) => entry.record.id === runId);
  }

  /** Removes a waiting run (stopped before it started); false if it was not waiting. */
  remove(runId: string): boolean {
    const index = this.entries.findIndex((entry) => entry.record.id === runId);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }

  /** Takes the first run whose predecessor has finished, as judged by `isUnfinished`. */
  takeNext(isUnfinished: (runId: string) => boolean): WaitingRun | undefined {
    const index = this.entries.findIndex((entry) => entry.after === undefined || !isUnfinished(entry.after));
    return index < 0 ? undefined : this.entries.splice(index, 1)[0];
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.record.id);
  }
}
