// `traindeck experiment run|resume|list|show|export|rm`: experiments from the command line. `run`
// and `resume` execute trials (on this machine, or through a Redis queue with --redis) with progress
// on a TTY and one JSON report with --json; the others read the run store directly, like `runs`, so
// they never disturb a serve process that owns live runs.
import { writeFileSync } from 'node:fs';
import { resolveDataDir } from '../../host/data-dir.ts';
import { RunStore } from '../../host/store/run-store.ts';
import { buildExperimentReport } from '../../host/experiments/report.ts';
import { exportExperimentAsCsv } from '../../host/experiments/export.ts';
import type { ExperimentRecord, ExperimentReport, FigureSummary } from '../../shared/experiment.ts';
import { ApiError } from '../../shared/ipc/envelope.ts';
import { choiceOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { ProgressBar } from '../progress-bar.ts';
import { readJsonFile } from '../json-file.ts';

export const experimentUsage = `Usage:
  traindeck experiment run SPEC.json [--redis URL] [--json]   create and run an experiment
  traindeck experiment resume ID [--redis URL] [--json]       continue an interrupted or stopped one
  traindeck experiment list [--json]                          experiments, newest first
  traindeck experiment show ID [--json]                       trials, groups over seeds, comparisons
  traindeck experiment export ID [--format csv|json] [--out FILE]
  traindeck experiment rm ID                                  delete an experiment and its runs

SPEC.json: { "name", "trainer", "mode": "original"|"optimized"|"both", "seeds": [1, 2, 3],
  "budget": { "seconds": 60 }, "dataset": "default", "options": { ... },
  "space": { "learningRate": [0.0001, 0.001] } or { "key": { "min", "max", "log"?, "integer"? } },
  "search": { "kind": "grid" } or { "kind": "random", "trials": N, "seed": S } }
Every trial is checked before any starts. Without --redis the trials run here one after another;
with --redis redis://[:PASSWORD@]HOST:PORT (or rediss:// for TLS) they go to a BullMQ queue that
"traindeck worker --redis URL" processes on any machine. Ctrl-C stops after checkpointing the
running trial; "experiment resume" continues. See docs/experiments.md.

Options:
  --data-dir DIR   where runs and experiments live (default: $TRAINDECK_HOME or ~/.traindeck)`;

const actions = ['run', 'resume', 'list', 'show', 'export', 'rm'] as const;

export async function experimentCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    redis: { type: 'string' },
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const [action, ...operands] = positionals;
  if (!(actions as readonly string[]).includes(action ?? '')) {
    throw new UsageError(action === undefined ? `experiment needs an action: ${actions.join(', ')}` : `unknown experiment action "${action}" (actions: ${actions.join(', ')})`);
  }
  if (operands.length !== (action === 'list' ? 0 : 1)) throw new UsageError(`experiment ${action} takes ${action === 'list' ? 'no operands' : action === 'run' ? 'one SPEC.json file' : 'one experiment ID'}`);
  const dataDir = resolveDataDir(values['data-dir']);
  if (action === 'run' || action === 'resume') return execute(action, operands[0], dataDir, values);

  const store = RunStore.open(dataDir);
  try {
    if (action === 'list') {
      const experiments = store.experiments.list();
      process.stdout.write(values.json ? `${JSON.stringify(experiments, null, 2)}\n` : listText(experiments));
      return 0;
    }
    const record = store.experiments.get(operands[0]);
    if (!record) throw new ApiError('not-found', `No experiment "${operands[0]}" in ${store.databasePath}`);
    const report = buildExperimentReport(record, store.experiments.trials(record.id), store);
    if (action === 'show') {
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
    } else if (action === 'export') {
      const format = choiceOption(values.format, 'format', ['csv', 'json'] as const) ?? 'csv';
      const content = format === 'csv' ? exportExperimentAsCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
      if (values.out) {
        writeFileSync(values.out, content);
        process.stdout.write(`Wrote ${values.out}\n`);
      } else process.stdout.write(content);
    } else {
      if (record.status === 'running') throw new ApiError('conflict', `Experiment ${record.id} is running; stop it (Ctrl-C where it runs) before deleting it`);
      const runIds = store.transaction(() => store.experiments.delete(record.id));
      for (const runId of runIds) {
        if (store.getRun(runId)) store.deleteRun(runId); // with its checkpoints
      }
      process.stdout.write(`Deleted experiment ${record.id} and its ${runIds.length} runs\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

async function execute(action: 'run' | 'resume', operand: string, dataDir: string, values: { redis?: string; json: boolean }): Promise<number> {
  // On resume, --redis supplies the password the stored queue address leaves out.
  const host = createHeadlessHost(dataDir, values.redis ? { redis: values.redis } : {});
  const bar = new ProgressBar();
  let record: ExperimentRecord;
  try {
    record = action === 'run' ? await host.service.startExperiment({ spec: readJsonFile(operand) as never, ...(values.redis ? { redis: values.redis } : {}) }) : await host.service.resumeExperiment({ experimentId: operand });
  } catch (error) {
    await host.close();
    throw error;
  }
  const id = record.id;
  if (!values.json) process.stderr.write(`Experiment ${id}: ${total(record)} trials on ${record.executor}\n`);
  host.experiments.on('experimentUpdated', (update) => {
    if (update.id !== id || values.json) return;
    bar.update(update.counts.completed / Math.max(1, total(update)), `${update.counts.completed}/${total(update)} trials done, ${update.counts.running} running, ${update.counts.failed} failed`, true);
  });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    if (!values.json) process.stderr.write('\nStopping the experiment (the running trial checkpoints); press Ctrl-C again to kill.\n');
    void host.experiments.stop(id);
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const finished = await host.experiments.whenDone(id);
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  bar.done();
  const report = host.experiments.report(id);
  await host.close();
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
  if (!values.json && finished.status !== 'completed') process.stderr.write(`Experiment ${id} is ${finished.status}; continue it with: traindeck experiment resume ${id}\n`);
  return finished.status === 'completed' ? 0 : 1;
}

function total(record: ExperimentRecord): number {
  return Object.values(record.counts).reduce((sum, count) => sum + count, 0);
}

function listText(experiments: ExperimentRecord[]): string {
  if (experiments.length === 0) return 'No experiments yet (traindeck experiment run SPEC.json).\n';
  const lines = experiments.map((record) => {
    const counts = `${record.counts.completed}/${total(record)} done${record.counts.failed ? `, ${record.counts.failed} failed` : ''}`;
    return `${record.id.padEnd(24)} ${record.spec.name.slice(0, 24).padEnd(24)} ${record.spec.trainer.padEnd(8)} ${record.spec.mode.padEnd(9)} ${record.status.padEnd(11)} ${counts.padEnd(18)} ${record.executor}`;
  });
  return `${['id'.padEnd(24), 'name'.padEnd(24), 'trainer'.padEnd(8), 'mode'.padEnd(9), 'status'.padEnd(11), 'trials'.padEnd(18), 'executor'].join(' ')}\n${lines.join('\n')}\n`;
}

const format = (value: number) => (Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2));
const interval = (summary: FigureSummary | undefined) => (summary ? `${format(summary.median)} [${format(summary.ci95[0])}, ${format(summary.ci95[1])}]` : '—');
const point = (params: Record<string, unknown>) => (Object.keys(params).length === 0 ? '(shared settings)' : Object.entries(params).map(([key, value]) => `${key}=${value}`).join(' '));

/** The report for a terminal: trials, then groups (median and 95% interval of the mean), then comparisons. */
function reportText(report: ExperimentReport): string {
  const unit = report.spec.trainer === 'neat' ? 'generations/min' : 'episodes/min';
  const lines = [`${report.name} (${report.id}): ${report.status}, ${report.trials.length} trials on ${report.executor}`, '', 'Trials:'];
  for (const trial of report.trials) {
    const sharpe = trial.summary?.result?.testSharpe;
    lines.push(`  ${String(trial.index).padStart(3)}  seed ${String(trial.seed).padEnd(4)} ${trial.mode.padEnd(9)} ${point(trial.params).padEnd(28)} ${trial.status.padEnd(9)} ${sharpe === undefined ? '' : `test Sharpe ${format(sharpe)}`}  ${trial.runId ?? ''}`);
  }
  lines.push('', `Groups (median [95% interval of the mean] over seeds; Sharpe annualised, throughput in ${unit}):`);
  for (const group of report.groups) {
    const { testSharpe, testReturnPct, throughput } = group.figures;
    const best = report.best && report.best.mode === group.mode && JSON.stringify(report.best.params) === JSON.stringify(group.params) ? '  <- best' : '';
    lines.push(`  ${group.mode.padEnd(9)} ${point(group.params).padEnd(28)} n=${group.n}  test Sharpe ${interval(testSharpe)}  return % ${interval(testReturnPct)}  throughput ${interval(throughput)}${best}`);
  }
  if (report.comparisons.length > 0) lines.push('', 'Comparisons (paired by seed):');
  for (const comparison of report.comparisons) {
    const what = comparison.kind === 'optimized-vs-original' ? `optimized vs original at ${point(comparison.params)}` : `${point(comparison.params)} vs best ${point(comparison.against ?? {})}`;
    const speedup = comparison.speedup ? `${format(comparison.speedup.mean)}x [${format(comparison.speedup.ci95[0])}, ${format(comparison.speedup.ci95[1])}]` : '—';
    const difference = comparison.testSharpeDifference ? `${format(comparison.testSharpeDifference.mean)} [${format(comparison.testSharpeDifference.ci95[0])}, ${format(comparison.testSharpeDifference.ci95[1])}]` : '—';
    const improvement = comparison.probabilityOfImprovement === null ? '—' : comparison.probabilityOfImprovement.toFixed(2);
    lines.push(`  ${what}: speedup ${speedup}, test Sharpe difference ${difference}, P(improvement) ${improvement}`);
  }
  return `${lines.join('\n')}\n`;
}
