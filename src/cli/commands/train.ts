// `traindeck train <trainer>`: one run in the foreground with a progress bar on a TTY, or one
// JSON summary with --json. Ctrl-C stops the run gracefully (it checkpoints), a second one kills.
import { trainerNames, trainingModes, type RunRecord } from '../../shared/run.ts';
import { choiceOption, integerOption, parseCommandArguments, positiveNumberOption, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { ProgressBar } from '../progress-bar.ts';

export const trainUsage = `Usage: traindeck train <${trainerNames.join('|')}> [options]

Options:
  --mode original|optimized   training path (default: original)
  --seconds N                 wall-clock budget in seconds (default: 30 unless --episodes is given)
  --episodes N                stop after N episodes
  --seed N                    seed of every random choice (default: 1)
  --dataset NAME              dataset from the store (default: the embedded "default")
  --json                      print one JSON summary at the end instead of progress
  --data-dir DIR              where runs write (default: $TRAINDECK_HOME or ~/.traindeck)`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    mode: { type: 'string' },
    seconds: { type: 'string' },
    episodes: { type: 'string' },
    seed: { type: 'string' },
    dataset: { type: 'string' },
    json: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`train takes one trainer name (${trainerNames.join(', ')}), got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  if (!(trainerNames as readonly string[]).includes(positionals[0])) throw new UsageError(`unknown trainer "${positionals[0]}" (trainers: ${trainerNames.join(', ')})`);
  const trainer = positionals[0] as (typeof trainerNames)[number];
  const mode = choiceOption(values.mode, 'mode', trainingModes) ?? 'original';
  const episodes = integerOption(values.episodes, 'episodes', 1, 1e9);
  const seconds = positiveNumberOption(values.seconds, 'seconds', 7 * 24 * 3600) ?? (episodes === undefined ? 30 : undefined);
  const seed = integerOption(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;

  const host = createHeadlessHost(resolveDataDir(values['data-dir']));
  const { runManager, service } = host;
  const bar = new ProgressBar();
  let episodesPerMin = 0;
  let episodesDone = 0;
  runManager.on('runMetrics', ({ samples }) => {
    for (const sample of samples) {
      if (sample.name === 'episodesPerMin') episodesPerMin = sample.value;
      if (sample.name === 'episodes') episodesDone = sample.value;
    }
  });
  const record = await service.startRun({ trainer, mode, seed, budget: { seconds, episodes }, dataset: values.dataset ?? 'default', options: {} });
  runManager.on('runUpdated', (update) => {
    if (update.id !== record.id || values.json) return;
    bar.update(update.progress, `${update.status}  ${episodesDone} episodes  ${Math.round(episodesPerMin).toLocaleString('en-US')} episodes/min`);
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
  const finished: RunRecord = await runManager.whenFinished(record.id);
  process.off('SIGINT', onInterrupt);
  bar.done();
  await host.close();
  const summary = finished.summary;
  if (values.json) {
    const output = {
      runId: finished.id,
      trainer,
      mode,
      seed,
      status: finished.status,
      seconds: summary?.seconds ?? 0,
      episodes: summary?.episodes ?? 0,
      episodesPerMin: summary?.episodesPerMin ?? 0,
      finalEquity: summary?.finalEquity ?? null,
      ...(finished.backend ? { backend: finished.backend, device: finished.device } : {}),
      ...(summary?.extra ?? {}),
      ...(finished.error ? { error: finished.error } : {}),
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else if (summary) {
    process.stdout.write(
      `${finished.status}: ${summary.episodes} episodes in ${summary.seconds.toFixed(1)} s (${Math.round(summary.episodesPerMin).toLocaleString('en-US')} episodes/min)` +
        (summary.finalEquity !== undefined ? `, final equity ${summary.finalEquity.toFixed(2)} on the test split` : '') +
        '\n',
    );
  }
  if (finished.status === 'failed') {
    process.stderr.write(`Run failed: ${finished.error ?? 'unknown reason'}\n`);
    return 1;
  }
  return 0;
}
