// Trainer-specific command-line flags (RL: --algo, --envs, --accum, --backend; NEAT: --objectives,
// --threads) and the generic --set key=value, turned into RunConfig.options. The trainer validates
// the result again and names any bad key.
import type { TrainerName } from '../../shared/run.ts';
import { choiceOption, integerOption, UsageError } from '../arguments.ts';

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

export const backendNames = ['auto', 'onnx', 'tfjs-node', 'tfjs-webgpu', 'tfjs-wasm', 'js'] as const;
const objectiveNames = ['return', 'drawdown', 'turnover'] as const;

export function trainerFlagOptionsFor(trainer: TrainerName, values: TrainerFlagValues): Record<string, unknown> {
  for (const flag of Object.keys(flagTrainers) as Array<keyof TrainerFlagValues>) {
    if (values[flag] !== undefined && flagTrainers[flag] !== trainer) throw new UsageError(`--${flag} applies to the ${flagTrainers[flag]} trainer, not ${trainer}`);
  }
  const options: Record<string, unknown> = {};
  if (trainer === 'rl') {
    if (values.algo !== undefined) options.algorithm = choiceOption(values.algo, 'algo', ['reinforce', 'ppo']);
    if (values.envs !== undefined) options.envs = integerOption(values.envs, 'envs', 1, 4096);
    if (values.accum !== undefined) options.accumulation = integerOption(values.accum, 'accum', 1, 1024);
    if (values.backend !== undefined) options.backend = choiceOption(values.backend, 'backend', backendNames);
  }
  if (trainer === 'neat') {
    if (values.objectives !== undefined) {
      const objectives = values.objectives.split(',').map((name) => name.trim());
      for (const name of objectives) choiceOption(name, 'objectives', objectiveNames);
      options.selection = 'nsga2';
      options.objectives = objectives;
    }
    if (values.threads !== undefined) options.threads = integerOption(values.threads, 'threads', 0, 64);
  }
  return options;
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
    setPath(options, key.split('.'), value);
  }
  return options;
}

/** Deep-merges `override` into `base` (plain objects only). */
export function mergeOptions(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = merged[key];
    merged[key] = isPlainObject(existing) && isPlainObject(value) ? mergeOptions(existing, value) : value;
  }
  return merged;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (!head) throw new UsageError('--set needs a key before "="');
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (!isPlainObject(target[head])) target[head] = {};
  setPath(target[head] as Record<string, unknown>, rest, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
