// An experiment as CSV: one row per trial with its point, seed, mode, status, worker and the
// figures of the result its run handed over, for spreadsheets and notebooks.
import type { ExperimentReport } from '../../shared/experiment.ts';
import { policyResultSchema, type PolicyResult } from '../../shared/run.ts';

/** Every figure of a run's result, in its declared order (all but the policy's description). */
const resultFigures = Object.keys(policyResultSchema.shape).filter((key): key is Exclude<keyof PolicyResult, 'policy'> => key !== 'policy');

export function exportExperimentAsCsv(report: ExperimentReport): string {
  const keys = [...new Set(report.trials.flatMap((trial) => Object.keys(trial.params)))].sort();
  const header = ['trial', 'seed', 'mode', ...keys, 'status', 'attempts', 'worker', 'runId', 'seconds', 'episodes', 'episodesPerMin', ...resultFigures, 'policy'];
  const rows = report.trials.map((trial) => {
    const result = trial.summary?.result;
    return [
      trial.index,
      trial.seed,
      trial.mode,
      ...keys.map((key) => trial.params[key] ?? ''),
      trial.status,
      trial.attempts,
      trial.worker ?? '',
      trial.runId ?? '',
      trial.summary?.seconds ?? '',
      trial.summary?.episodes ?? '',
      trial.summary?.episodesPerMin ?? '',
      ...resultFigures.map((figure) => result?.[figure] ?? ''),
      result?.policy ?? '',
    ];
  });
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

function csvField(value: unknown): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
