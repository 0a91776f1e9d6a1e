// `traindeck compare <trainer>`: the original and the optimized path with the same seed, dataset
// and budget, run one after the other through the same host and worker processes as the app, then
// one JSON object (or a table) with both and the speedup. `--ablate` measures each optimization
// flag on its own with the trainer's ablation harness.
import { rlFigures } from '../../shared/figures/rl.ts';
import { trainerNames, type RunRecord, type TrainerName } from '../../shared/run.ts';
import { integerOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { ProgressBar } from '../progress-bar.ts';
import { budgetFlagOptions, budgetFromFlags, mergeOptions, parseSetOptions, trainerFlagOptions, trainerFlagOptionsFor, usageWithSettings } from './trainer-flags.ts';

export const compareUsage = `Usage: traindeck compare <${trainerNames.join('|')}> [options]

Runs the original and then the optimized path (never at the same time) with the same seed,
dataset and budget, and reports both with the speedup of the optimized one.

Options:
  --seconds N        budget of each run (default: 60 unless another budget is given)
  --episodes N       budget of each run in episodes (every trainer; NEAT counts genome evaluations)
  --generations N    budget of each run in generations (neat only)
  --seed N           seed of both runs (default: 1)
  --dataset NAME     dataset (default: "default")
  --ablate           measure each optimization flag alone (rl, neat) instead
  --json             one JSON object instead of a table
  --set key=value    trainer setting for both runs (repeatable), plus the trainer flags of "train";
                     "traindeck compare <trainer> --help" lists every key of that trainer
  --data-dir DIR     where runs write`;

export const compareHelp = usageWithSettings(compareUsage);

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    ...budgetFlagOptions,
    seed: { type: 'string' },
    dataset: { type: 'string' },
    ablate: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true },
    'data-dir': { type: 'string' },
    ...trainerFlagOptions,
  });
  if (positionals.length !== 1 || !(trainerNames as readonly string[]).includes(positionals[0])) {
    throw new UsageError(`compare takes one trainer (${trainerNames.join(', ')})${positionals[0] ? `, got "${positionals.join(' ')}"` : ''}`);
  }
  const trainer = positionals[0] as TrainerName;
  const budget = budgetFromFlags(trainer, values, 60);
  const { seconds, generations } = budget;
  const seed = integerOption(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const options = mergeOptions(trainerFlagOptionsFor(trainer, values), parseSetOptions(values.set ?? []));
  const print = (result: Record<string, unknown>, table: string) => process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : table);

  if (values.ablate) {
    const result = await runAblation(trainer, { seconds, generations, seed, options, json: values.json });
    print(result, `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }

  const host = createHeadlessHost(resolveDataDir(values['data-dir']));
  const bar = new ProgressBar();
  let pair;
  try {
    pair = await host.service.startComparison({ trainer, seed, budget, dataset: values.dataset ?? 'default', options });
  } catch (error) {
    await host.close();
    throw error;
  }
  const ids = [pair.original.id, pair.optimized.id];
  host.runManager.on('runUpdated', (update) => {
    const index = ids.indexOf(update.id);
    if (index >= 0 && !values.json) bar.update((index + update.progress) / 2, `${update.config.mode}: ${update.status}`);
  });
  const onInterrupt = () => void Promise.all(ids.map((id) => host.runManager.stop(id)));
  process.once('SIGINT', onInterrupt);
  const original = await host.runManager.whenFinished(pair.original.id);
  const optimized = await host.runManager.whenFinished(pair.optimized.id);
  process.off('SIGINT', onInterrupt);
  bar.done();
  await host.close();

  const originalFigures = figures(original);
  const optimizedFigures = figures(optimized);
  const throughputKey = trainer === 'neat' ? 'generationsPerMin' : 'episodesPerMin';
  const base = originalFigures[throughputKey];
  const faster = optimizedFigures[throughputKey];
  const speedup = typeof base === 'number' && typeof faster === 'number' && base > 0 ? faster / base : null;
  const result = { trainer, seed, dataset: values.dataset ?? 'default', budget, compareGroup: pair.compareGroup, original: originalFigures, optimized: optimizedFigures, speedup };
  print(result, table(result, throughputKey));
  return original.status === 'failed' || optimized.status === 'failed' ? 1 : 0;
}

function figures(record: RunRecord): Record<string, unknown> {
  const summary = record.summary;
  const envSteps = rlFigures(summary).envSteps;
  return {
    runId: record.id,
    status: record.status,
    ...(record.error ? { error: record.error } : {}),
    seconds: summary?.seconds ?? null,
    episodes: summary?.episodes ?? null,
    episodesPerMin: summary?.episodesPerMin ?? null,
    backend: record.backend ?? null,
    device: record.device ?? null,
    finalEquity: summary?.finalEquity ?? null,
    envStepsPerSec: envSteps !== undefined && summary && summary.seconds > 0 ? envSteps / summary.seconds : null,
    ...(summary?.extra ?? {}),
    ...(summary?.result ?? {}),
  };
}

function table(result: { original: Record<string, unknown>; optimized: Record<string, unknown>; speedup: number | null }, throughputKey: string): string {
  const keys = [throughputKey, 'envStepsPerSec', 'forwardPassesPerSec', 'seconds', 'finalEquity', 'testSharpe', 'testReturnPct', 'testMaxDrawdownPct', 'testTrades', 'buyAndHoldTestSharpe', 'randomTestSharpe', 'finalPolicyTestSharpe', 'backend', 'device', 'status'];
  const show = (value: unknown) => (typeof value === 'number' ? (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(3)) : String(value ?? '—'));
  const shown = keys.filter((key) => result.original[key] !== undefined || result.optimized[key] !== undefined);
  const width = Math.max(12, ...shown.flatMap((key) => [show(result.original[key]).length, show(result.optimized[key]).length])) + 2;
  const lines = [`${'figure'.padEnd(22)}${'original'.padStart(width)}${'optimized'.padStart(width)}`];
  for (const key of shown) lines.push(`${key.padEnd(22)}${show(result.original[key]).padStart(width)}${show(result.optimized[key]).padStart(width)}`);
  lines.push(`${'speedup'.padEnd(22)}${''.padStart(width)}${(result.speedup === null ? '—' : `${result.speedup.toFixed(2)}x`).padStart(width)}`);
  return `${lines.join('\n')}\n`;
}

interface AblationRequest {
  seconds: number | undefined;
  generations: number | undefined;
  seed: number;
  options: Record<string, unknown>;
  json: boolean;
}

async function runAblation(trainer: TrainerName, request: AblationRequest): Promise<Record<string, unknown>> {
  const onRun = (label: string) => {
    if (!request.json && process.stderr.isTTY) process.stderr.write(`ablation: ${label} done\n`);
  };
  if (trainer === 'neat') {
    const { runNeatComparison } = await import('../bench/neat.ts');
    return runNeatComparison({ ablate: true, seed: request.seed, generations: request.generations ?? 10, options: request.options, onRun });
  }
  if (trainer === 'rl') {
    const { compareRl } = await import('../bench/rl.ts');
    const algorithm = request.options.algorithm === 'ppo' ? 'ppo' : 'reinforce';
    return compareRl({ seconds: request.seconds ?? 30, seed: request.seed, ablate: true, algorithm });
  }
  throw new UsageError(`--ablate measures optimization flags of the rl and neat trainers; ${trainer} has none`);
}
