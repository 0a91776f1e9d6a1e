// `traindeck train <trainer>`: one run in the foreground with a progress bar on a TTY, or one
// JSON summary with --json. Ctrl-C (or SIGTERM) stops the run gracefully (it checkpoints), a second
// one kills. Either way the run id and the resume command are printed.
import { trainerNames, trainingModes, type RunRecord, type TrainerName } from '../../shared/run.ts';
import { choiceOption, integerOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { ProgressBar } from '../progress-bar.ts';
import { continueCommand, resumeCommand } from './runs.ts';
import { budgetFlagOptions, budgetFromFlags, mergeOptions, parseSetOptions, trainerFlagOptions, trainerFlagOptionsFor, trainerFlagsUsage, usageWithSettings } from './trainer-flags.ts';

export const trainUsage = `Usage: traindeck train <${trainerNames.join('|')}> [options]

Options:
  --mode original|optimized   training path (default: original)
  --seconds N                 wall-clock budget in seconds (default: 30 unless another budget is given)
  --episodes N                stop after N episodes (every trainer; NEAT counts genome evaluations)
  --generations N             stop after N generations (neat only)
  --seed N                    seed of every random choice (default: 1)
  --dataset NAME              dataset from the store (default: the embedded "default")
  --resume RUN                continue a stopped or interrupted run from its checkpoint; with a
                              budget flag, under that budget counted over all the run has spent,
                              which also continues a completed run (e.g. --resume RUN --generations 60)
  --json                      print one JSON summary at the end instead of progress
  --data-dir DIR              where runs write (default: $TRAINDECK_HOME or ~/.traindeck)

${trainerFlagsUsage}
Any trainer setting: --set key=value (repeatable; dotted keys, JSON values), e.g. --set neat.populationSize=80;
"traindeck train <trainer> --help" lists every key of that trainer with its range and default.`;

export const trainHelp = usageWithSettings(trainUsage);

export async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    mode: { type: 'string' },
    ...budgetFlagOptions,
    seed: { type: 'string' },
    dataset: { type: 'string' },
    resume: { type: 'string' },
    json: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    set: { type: 'string', multiple: true },
    ...trainerFlagOptions,
  });
  if (positionals.length !== 1) throw new UsageError(`train takes one trainer name (${trainerNames.join(', ')}), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  if (!(trainerNames as readonly string[]).includes(positionals[0])) throw new UsageError(`unknown trainer "${positionals[0]}" (trainers: ${trainerNames.join(', ')})`);
  const trainer = positionals[0] as TrainerName;
  const mode = choiceOption(values.mode, 'mode', trainingModes) ?? 'original';
  const budget = budgetFromFlags(trainer, values, 30);
  // a resume keeps the run's own budget unless a budget flag gives another
  const resumeBudget = values.seconds !== undefined || values.episodes !== undefined || values.generations !== undefined ? budget : undefined;
  const seed = integerOption(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const options = mergeOptions(trainerFlagOptionsFor(trainer, values), parseSetOptions(values.set ?? []));

  const host = createHeadlessHost(resolveDataDir(values['data-dir']));
  const { runManager, service } = host;
  const bar = new ProgressBar();
  const latest: Record<string, number> = {};
  runManager.on('runMetrics', ({ samples }) => {
    for (const sample of samples) latest[sample.name] = sample.value;
  });
  let record: RunRecord;
  try {
    record = values.resume
      ? await service.resumeRun({ runId: values.resume, ...(resumeBudget ? { budget: resumeBudget } : {}) })
      : await service.startRun({ trainer, mode, seed, budget, dataset: values.dataset ?? 'default', options });
  } catch (error) {
    await host.close();
    throw error;
  }
  runManager.on('runUpdated', (update) => {
    if (update.id !== record.id || values.json) return;
    bar.update(update.progress, `${update.status}  ${throughputLine(record.config.trainer, latest)}`);
  });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts === 1) {
      if (!values.json) process.stderr.write('\nStopping (saving a checkpoint); press Ctrl-C again to kill.\n');
      void runManager.stop(record.id);
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const finished: RunRecord = await runManager.whenFinished(record.id);
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  bar.done();
  const resumable = runManager.latestCheckpoint(finished.id) !== undefined;
  await host.close();
  const summary = finished.summary;
  if (values.json) {
    const output = {
      runId: finished.id,
      trainer: finished.config.trainer,
      mode: finished.config.mode,
      seed: finished.config.seed,
      status: finished.status,
      seconds: summary?.seconds ?? 0,
      episodes: summary?.episodes ?? 0,
      episodesPerMin: summary?.episodesPerMin ?? 0,
      finalEquity: summary?.finalEquity ?? null,
      ...(summary?.result ?? {}),
      ...(finished.backend ? { backend: finished.backend, device: finished.device } : {}),
      ...(summary?.extra ?? {}),
      ...(finished.error ? { error: finished.error } : {}),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    const figures = summary
      ? `: ${summary.episodes} episodes in ${summary.seconds.toFixed(1)} s (${Math.round(summary.episodesPerMin).toLocaleString('en-US')} episodes/min)` +
        (summary.finalEquity !== undefined ? `, final equity ${summary.finalEquity.toFixed(2)} on the test split` : '')
      : '';
    process.stdout.write(
      `${finished.status}${figures}\nRun id ${finished.id}` +
        (resumable ? ` (${finished.status === 'completed' ? `continue with a larger budget: ${continueCommand(finished, undefined)}` : `resume with: ${resumeCommand(finished, undefined)}`})` : '') +
        `\nDetails: traindeck runs show ${finished.id}\n`,
    );
  }
  if (finished.status === 'failed') {
    process.stderr.write(`Run failed: ${finished.error ?? 'unknown reason'}\n`);
    return 1;
  }
  return 0;
}

function throughputLine(trainer: TrainerName, latest: Record<string, number>): string {
  const format = (value: number | undefined) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
  if (trainer === 'neat') return `generation ${format(latest.generation ?? latest.generations)}  ${format(latest.generationsPerMin)} generations/min  ${format(latest.forwardPassesPerSec)} forward passes/s`;
  return `${format(latest.episodes)} episodes  ${format(latest.episodesPerMin)} episodes/min`;
}
