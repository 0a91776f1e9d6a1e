// `traindeck runs list|show|export|rm`: the History view's operations on the command line, so a run
// can be found, inspected, exported and deleted after its terminal is gone. It reads the run store
// directly instead of starting a RunManager: opening one marks every live run interrupted, which
// would be wrong while serve mode or another `train` owns those runs.
import { writeFileSync } from 'node:fs';
import { resolveDataDir } from '../../host/data-dir.ts';
import { exportRunAsCsv, exportRunAsJson } from '../../host/run-export.ts';
import { RunStore } from '../../host/store/run-store.ts';
import type { RunDetail } from '../../shared/ipc/contract.ts';
import { budgetKindsByTrainer, finishedStatuses, runStatuses, trainerNames, trainingModes, type RunRecord, type RunStatus } from '../../shared/run.ts';
import { choiceOption, integerOption, parseCommandArguments, UsageError } from '../arguments.ts';

export const runsUsage = `Usage:
  traindeck runs list [--status S[,S]] [--trainer T] [--mode M] [--limit N] [--json]
                                               runs in the history, newest first
  traindeck runs show RUN [--json]             config, status, summary, error, checkpoint, how to resume
  traindeck runs export RUN [--format csv|json] [--out FILE]
                                               metric series as CSV (default) or the whole run as JSON,
                                               as the History view exports them; stdout without --out
  traindeck runs rm RUN                        delete a finished run with its metrics and checkpoints

RUN is a run id, or a start of one that matches a single run.

Options:
  --data-dir DIR   where runs live (default: $TRAINDECK_HOME or ~/.traindeck)

Statuses: ${runStatuses.join(', ')}.`;

/** Metric points per series in an export: the same as the app's export, so both files match. */
const exportMaxPoints = 100_000;
const exportFormats = ['csv', 'json'] as const;
const resumableStatuses: readonly RunStatus[] = ['stopped', 'interrupted', 'failed'];

/** A run the user named that is not there, or one that cannot be deleted; exit code 1. */
class RunsError extends Error {}

export async function runsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    status: { type: 'string' },
    trainer: { type: 'string' },
    mode: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  });
  const [action, ...operands] = positionals;
  const actions = ['list', 'show', 'export', 'rm'];
  if (action === undefined || !actions.includes(action)) {
    throw new UsageError(action === undefined ? 'runs needs an action: list, show, export or rm' : `unknown runs action "${action}" (actions: ${actions.join(', ')})`);
  }
  const takes = (count: number, what: string) => {
    if (operands.length !== count) throw new UsageError(`runs ${action} takes ${what}, got ${operands.length === 0 ? 'none' : operands.join(' ')}`);
  };
  const only = (allowed: string[]) => {
    const given = (['status', 'trainer', 'mode', 'limit', 'format', 'out'] as const).filter((flag) => values[flag] !== undefined && !allowed.includes(flag));
    if (given.length > 0) throw new UsageError(`runs ${action} does not take --${given[0]}`);
  };
  if (action === 'list') {
    takes(0, 'no operands');
    only(['status', 'trainer', 'mode', 'limit']);
  } else {
    takes(1, 'one RUN');
    only(action === 'export' ? ['format', 'out'] : []);
  }
  const filter = action === 'list' ? listFilter(values) : undefined;
  const format = choiceOption(values.format, 'format', exportFormats) ?? 'csv';

  const explicitDataDir = values['data-dir'];
  const store = RunStore.open(resolveDataDir(explicitDataDir));
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  try {
    if (filter) {
      const runs = store.listRuns(filter.query).slice(0, filter.limit);
      print(runs, runs.length === 0 ? 'No runs match.\n' : runsTable(runs));
      return 0;
    }
    const run = findRun(store, operands[0]);
    switch (action) {
      case 'show': {
        const checkpoint = store.latestCheckpoint(run.id) ?? null;
        const resume = checkpoint && resumableStatuses.includes(run.status) ? resumeCommand(run, explicitDataDir) : null;
        const errors = store.getErrors(run.id);
        const more = checkpoint && run.status === 'completed' ? continueCommand(run, explicitDataDir) : null;
        print({ ...run, checkpoint, resumeCommand: resume, errors }, describeRun(run, checkpoint, resume, more, errors.map((entry) => entry.message)));
        return 0;
      }
      case 'export': {
        const detail: RunDetail = { record: run, metrics: store.getMetrics(run.id, { maxPoints: exportMaxPoints }), evaluations: store.getEvaluations(run.id, { latestPerSplit: true }) };
        const content = format === 'csv' ? exportRunAsCsv(detail) : exportRunAsJson(detail);
        if (values.out === undefined) {
          process.stdout.write(content);
          return 0;
        }
        writeFileSync(values.out, content);
        const bytes = Buffer.byteLength(content);
        print({ runId: run.id, format, file: values.out, bytes }, `Exported run ${run.id} as ${format.toUpperCase()} to ${values.out} (${bytes.toLocaleString('en-US')} bytes)\n`);
        return 0;
      }
      default: {
        if (!finishedStatuses.includes(run.status)) {
          throw new RunsError(`Run ${run.id} is ${run.status}; stop it before deleting it. (If the process that ran it is gone, it becomes "interrupted" the next time TrainDeck starts.)`);
        }
        store.deleteRun(run.id);
        print({ removed: run.id }, `Removed run ${run.id}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (!(error instanceof RunsError)) throw error;
    process.stderr.write(`traindeck runs ${action}: ${error.message}\n`);
    return 1;
  } finally {
    store.close();
  }
}

function listFilter(values: { status?: string; trainer?: string; mode?: string; limit?: string }) {
  const statuses = values.status?.split(',').map((status) => choiceOption(status.trim(), 'status', runStatuses) as RunStatus);
  return {
    query: {
      ...(statuses ? { status: statuses } : {}),
      ...(values.trainer !== undefined ? { trainer: choiceOption(values.trainer, 'trainer', trainerNames) } : {}),
      ...(values.mode !== undefined ? { mode: choiceOption(values.mode, 'mode', trainingModes) } : {}),
    },
    limit: integerOption(values.limit, 'limit', 1, 1_000_000),
  };
}

/** The run with this id, else the single run whose id starts with it. */
function findRun(store: RunStore, name: string): RunRecord {
  const exact = store.getRun(name);
  if (exact) return exact;
  const matches = store.listRuns().filter((run) => run.id.startsWith(name));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new UsageError(`"${name}" matches ${matches.length} runs (${matches.slice(0, 5).map((run) => run.id).join(', ')}${matches.length > 5 ? ', ...' : ''}); give more of the id`);
  throw new RunsError(`No run "${name}" in ${store.databasePath} (see traindeck runs list)`);
}

export function resumeCommand(run: RunRecord, dataDir: string | undefined): string {
  return `traindeck train ${run.config.trainer} --resume ${run.id}${dataDir === undefined ? '' : ` --data-dir ${shellWord(dataDir)}`}`;
}

/** The command that continues a completed run with a larger budget of the kind it was given. */
export function continueCommand(run: RunRecord, dataDir: string | undefined): string {
  const kind = budgetKindsByTrainer[run.config.trainer].find((name) => run.config.budget[name] !== undefined) ?? 'seconds';
  return `${resumeCommand(run, dataDir)} --${kind} N`;
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function runsTable(runs: RunRecord[]): string {
  const header = ['ID', 'TRAINER', 'MODE', 'STATUS', 'CREATED', 'BUDGET', 'PROGRESS', 'RAN', 'EPISODES', 'EPISODES/MIN', 'TEST EQUITY'];
  const rows = runs.map((run) => [
    run.id, run.config.trainer, run.config.mode, run.status, formatTime(run.createdAt), formatBudget(run), `${Math.round(run.progress * 100)}%`,
    run.summary ? `${run.summary.seconds.toFixed(1)} s` : '-',
    run.summary ? formatNumber(run.summary.episodes) : '-',
    run.summary ? formatNumber(run.summary.episodesPerMin) : '-',
    run.summary?.finalEquity !== undefined ? run.summary.finalEquity.toFixed(2) : '-',
  ]);
  const numeric = new Set([6, 7, 8, 9, 10]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

function describeRun(run: RunRecord, checkpoint: string | null, resume: string | null, more: string | null, errors: string[]): string {
  const { config, summary } = run;
  const lines = [
    ['run', run.id],
    ['trainer', `${config.trainer} (${config.mode}), seed ${config.seed}, dataset ${config.dataset}`],
    ['budget', formatBudget(run)],
    ['options', JSON.stringify(config.options)],
    ['status', `${run.status}, ${Math.round(run.progress * 100)}%${run.progressMessage ? ` (${run.progressMessage})` : ''}`],
    ['created', formatTime(run.createdAt)],
    ['started', run.startedAt === undefined ? '-' : formatTime(run.startedAt)],
    ['ended', run.endedAt === undefined ? '-' : formatTime(run.endedAt)],
    ['compute', run.backend ? `${run.backend} on ${run.device ?? 'an unknown device'}` : '-'],
  ];
  if (summary) {
    const equity = summary.finalEquity !== undefined ? `, test equity ${summary.finalEquity.toFixed(2)}` : '';
    lines.push(['summary', `${summary.seconds.toFixed(1)} s, ${formatNumber(summary.episodes)} episodes, ${formatNumber(summary.episodesPerMin)} episodes/min${equity}`]);
    for (const [key, value] of Object.entries(summary.extra)) lines.push(['', `${key}: ${typeof value === 'number' ? formatFigure(value) : String(value)}`]);
  }
  if (run.error) lines.push(['error', run.error]);
  // earlier errors (recovered worker errors, failures before a resume) beside the current one
  for (const message of errors.filter((message) => message !== run.error)) lines.push(['earlier', message]);
  lines.push(['checkpoint', checkpoint ?? 'none']);
  if (resume) lines.push(['resume', resume]);
  else if (more) lines.push(['resume', `completed its budget; continue with a larger one: ${more}`]);
  else if (run.status === 'completed') lines.push(['resume', 'completed its budget; start a new run to train further']);
  return `${lines.map(([label, text]) => `${label.padEnd(11)} ${text}`.trimEnd()).join('\n')}\n`;
}

function formatBudget(run: RunRecord): string {
  const { seconds, episodes, generations } = run.config.budget;
  const parts = [seconds !== undefined ? `${seconds} s` : '', episodes !== undefined ? `${episodes} episodes` : '', generations !== undefined ? `${generations} generations` : ''];
  return parts.filter(Boolean).join(', ');
}

/** Local time to the minute. */
function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatFigure(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4).replace(/\.?0+$/, '');
}
