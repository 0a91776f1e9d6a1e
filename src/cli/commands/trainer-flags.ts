// Trainer-specific command-line flags (RL: --algo, --envs, --accum, --backend; NEAT: --objectives,
// --threads) and the generic --set key=value, turned into RunConfig.options. The trainer validates
// the result again and names any bad key.
import { budgetKindsByTrainer, maxBudgetCount, maxBudgetSeconds, type Budget, type TrainerName } from '../../shared/run.ts';
import { choiceOption, integerOption, positiveNumberOption, UsageError } from '../arguments.ts';
import { rlSettings } from '../../shared/settings/rl.ts';
import { neatSettings } from '../../shared/settings/neat.ts';
import { allowedText, defaultText, userSettings } from '../../shared/settings/table.ts';
import { trainerSettings } from '../../shared/settings/trainers.ts';
import { setDottedOption } from '../../shared/experiment.ts';

/** The budget flags of `train` and `compare`. */
export const budgetFlagOptions = {
  seconds: { type: 'string' },
  episodes: { type: 'string' },
  generations: { type: 'string' },
} as const;

/**
 * The run budget from --seconds/--episodes/--generations, with `defaultSeconds` when none is given.
 * A budget the trainer does not count is a usage error (it would never end the run).
 */
export function budgetFromFlags(trainer: TrainerName, values: { seconds?: string; episodes?: string; generations?: string }, defaultSeconds: number): Budget {
  for (const kind of ['episodes', 'generations'] as const) {
    if (values[kind] !== undefined && !budgetKindsByTrainer[trainer].includes(kind)) {
      throw new UsageError(`--${kind} is not a budget of the ${trainer} trainer (it counts ${budgetKindsByTrainer[trainer].join(', ')})`);
    }
  }
  const episodes = integerOption(values.episodes, 'episodes', 1, maxBudgetCount);
  const generations = integerOption(values.generations, 'generations', 1, maxBudgetCount);
  const seconds = positiveNumberOption(values.seconds, 'seconds', maxBudgetSeconds) ?? (episodes === undefined && generations === undefined ? defaultSeconds : undefined);
  return { seconds, episodes, generations };
}

export const trainerFlagOptions = {
  algo: { type: 'string' },
  envs: { type: 'string' },
  accum: { type: 'string' },
  backend: { type: 'string' },
  objectives: { type: 'string' },
  threads: { type: 'string' },
} as const;

export interface TrainerFlagValues {
  algo?: string;
  envs?: string;
  accum?: string;
  backend?: string;
  objectives?: string;
  threads?: string;
}

const flagTrainers: Record<keyof TrainerFlagValues, TrainerName> = {
  algo: 'rl',
  envs: 'rl',
  accum: 'rl',
  backend: 'rl',
  objectives: 'neat',
  threads: 'neat',
};

// Ranges and choices come from the trainers' settings declarations, so the CLI never accepts what
// the trainer refuses.
const rl = rlSettings.fields;
const neat = neatSettings.fields;

export function trainerFlagOptionsFor(trainer: TrainerName, values: TrainerFlagValues): Record<string, unknown> {
  for (const flag of Object.keys(flagTrainers) as Array<keyof TrainerFlagValues>) {
    if (values[flag] !== undefined && flagTrainers[flag] !== trainer) throw new UsageError(`--${flag} applies to the ${flagTrainers[flag]} trainer, not ${trainer}`);
  }
  const options: Record<string, unknown> = {};
  if (trainer === 'rl') {
    if (values.algo !== undefined) options.algorithm = choiceOption(values.algo, 'algo', rl.algorithm.options);
    if (values.envs !== undefined) options.envs = integerOption(values.envs, 'envs', rl.envs.min, rl.envs.max);
    if (values.accum !== undefined) options.accumulation = integerOption(values.accum, 'accum', rl.accumulation.min, rl.accumulation.max);
    if (values.backend !== undefined) options.backend = choiceOption(values.backend, 'backend', rl.backend.options);
  }
  if (trainer === 'neat') {
    if (values.objectives !== undefined) {
      const objectives = values.objectives.split(',').map((name) => name.trim());
      for (const name of objectives) choiceOption(name, 'objectives', neat.objectives.options);
      options.selection = 'nsga2';
      options.objectives = objectives;
    }
    if (values.threads !== undefined) options.threads = integerOption(values.threads, 'threads', neat.threads.min, neat.threads.max);
  }
  return options;
}

/** The trainer flags' lines of a usage text, with their choices from the settings declarations. */
export const trainerFlagsUsage = `RL:    --algo ${rl.algorithm.options.join('|')}  --envs N  --accum K  --backend ${rl.backend.options.join('|')}
NEAT:  --objectives ${neat.objectives.options.join(',')} (NSGA-II selection)  --threads N`;

/** Every key `--set` takes for a trainer, from its settings declaration: allowed values, default, doc. */
export function settingsHelp(trainer: TrainerName): string {
  const settings = userSettings(trainerSettings[trainer]);
  if (settings.length === 0) return `The ${trainer} trainer takes no --set keys.`;
  const width = Math.max(...settings.map(({ key }) => key.length));
  const lines = settings.map(({ key, setting }) => `  ${key.padEnd(width)}  ${allowedText(setting)}${setting.unit ? ` ${setting.unit}` : ''}; default ${defaultText(setting)}. ${setting.doc}`);
  return [`--set keys of the ${trainer} trainer (KEY=VALUE, dotted keys, JSON values):`, ...lines].join('\n');
}

/** A command's --help: its usage, and with a trainer named among the arguments, that trainer's --set keys. */
export function usageWithSettings(usage: string): (args: string[]) => string {
  return (args) => {
    const trainer = args.find((arg): arg is TrainerName => Object.hasOwn(trainerSettings, arg));
    return trainer ? `${usage}\n\n${settingsHelp(trainer)}` : usage;
  };
}

/** `--set a.b=3 --set c=ppo` -> { a: { b: 3 }, c: 'ppo' }; values parse as JSON when they can. */
export function parseSetOptions(entries: string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const entry of entries) {
    const separator = entry.indexOf('=');
    if (separator <= 0) throw new UsageError(`--set takes key=value, got "${entry}"`);
    const key = entry.slice(0, separator).trim();
    const text = entry.slice(separator + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    for (const part of key.split('.')) {
      if (!part) throw new UsageError(`--set key "${key}" has an empty part`);
      // Assigning these would reach Object.prototype (or a constructor) instead of an option.
      if (reservedKeys.has(part)) throw new UsageError(`--set key "${key}": "${part}" is not an option name`);
    }
    setDottedOption(options, key, value);
  }
  return options;
}

const reservedKeys = new Set(['__proto__', 'prototype', 'constructor']);

/** Deep-merges `override` into `base` (plain objects only). */
export function mergeOptions(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (reservedKeys.has(key)) throw new UsageError(`"${key}" is not an option name`);
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? mergeOptions(existing, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
