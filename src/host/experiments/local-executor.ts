// Trials on this machine: one after another through the host's RunManager (so original and
// optimized never share the cores and the run limit holds). A trial whose run was stopped or
// interrupted continues that run from its checkpoint instead of starting again.
import type { ExperimentRecord, TrialRecord } from '../../shared/experiment.ts';
import type { RunManager } from '../run-manager.ts';
import type { TrialExecutor, TrialProgress } from './experiment-manager.ts';

export class LocalTrialExecutor implements TrialExecutor {
  readonly name = 'local';
  private readonly runManager: RunManager;
  private readonly stopping = new Set<string>();
  private readonly liveRuns = new Map<string, string>();

  constructor(runManager: RunManager) {
    this.runManager = runManager;
  }

  async run(experiment: ExperimentRecord, trials: TrialRecord[], progress: TrialProgress): Promise<void> {
    this.stopping.delete(experiment.id);
    for (const trial of trials) {
      if (this.stopping.has(experiment.id)) return;
      const record = this.continueRun(trial) ?? this.runManager.start(progress.config(trial));
      progress.started(trial, record.id, this.name);
      this.liveRuns.set(experiment.id, record.id);
      const finished = await this.runManager.whenFinished(record.id);
      this.liveRuns.delete(experiment.id);
      const status = finished.status === 'completed' ? 'completed' : finished.status === 'failed' ? 'failed' : 'stopped';
      progress.finished(trial, { status, runId: finished.id, worker: this.name, ...(finished.error ? { error: finished.error } : {}) });
    }
  }

  async stop(experimentId: string): Promise<void> {
    this.stopping.add(experimentId);
    const runId = this.liveRuns.get(experimentId);
    if (runId) await this.runManager.stop(runId);
  }

  /** Resumes the trial's earlier run when it stopped short with a checkpoint; undefined otherwise. */
  private continueRun(trial: TrialRecord) {
    if (!trial.runId) return undefined;
    try {
      const previous = this.runManager.record(trial.runId);
      if (previous.status === 'completed') return previous; // finished while nobody recorded it
      if (this.runManager.latestCheckpoint(trial.runId) === undefined) {
        // Stopped before its first checkpoint: nothing to continue, and the trial gets a new run.
        this.runManager.delete(trial.runId);
        return undefined;
      }
      return this.runManager.resume(trial.runId);
    } catch {
      return undefined; // the run was deleted, or cannot resume: run the trial afresh
    }
  }
}
