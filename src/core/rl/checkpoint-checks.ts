// What an RL training checkpoint must hold beyond its byte format: a header with every field of the
// expected shape, and arrays of finite numbers (variances and second moments also non-negative).
// A resume refuses anything else, naming the field or array; the same test stops a run whose
// weights diverged before it can write such a checkpoint.
import { DamagedCheckpointError } from '../checkpoint-integrity.ts';
import type { RandomState } from '../random.ts';
import type { RlSettings } from '../../shared/settings/rl.ts';
import type { CheckpointArray } from './checkpoint.ts';

/** Independent random streams, each derived from the run seed, so one consumer never shifts another. */
export const randomStreams = ['init', 'env', 'action', 'dropout', 'shuffle', 'evaluation'] as const;
export type RandomStream = (typeof randomStreams)[number];

export interface TrainingCounters {
  episodes: number;
  rollouts: number;
  /** Optimizer steps. */
  updates: number;
  envSteps: number;
  /** Training milliseconds before this process (from the checkpoint a run resumed). */
  elapsedMs: number;
}

export interface CheckpointHeader {
  format: 'traindeck-rl';
  seed: number;
  /** The run's settings; `baseline` is absent in checkpoints written before the learned baseline. */
  config: Omit<RlSettings, 'baseline'> & Partial<Pick<RlSettings, 'baseline'>>;
  counters: TrainingCounters;
  random: Record<RandomStream, RandomState>;
  adamStep: number;
  accumulatedCount: number;
  stateVersion: number;
  best?: { update: number; validationSharpe: number };
}

/** Arrays whose values are variances or squared moments: negative ones are as broken as NaN. */
const nonNegativeArrays = new Set(['runningVariance', 'adamV', 'bestRunningVariance']);

/** Checks a decoded header field by field; throws DamagedCheckpointError naming the first bad field. */
export function checkHeader(header: unknown): CheckpointHeader {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new DamagedCheckpointError(`RL checkpoint header field ${field} is ${describe(value)}, expected ${expected}`);
  };
  const record = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(field, value, 'an object');
  const count = (value: unknown, field: string) => {
    if (!Number.isSafeInteger(value) || (value as number) < 0) fail(field, value, 'a whole number from 0');
  };
  const fields = record(header, 'header');
  if (fields.format !== 'traindeck-rl') fail('format', fields.format, '"traindeck-rl"');
  if (!Number.isSafeInteger(fields.seed) || (fields.seed as number) < 0 || (fields.seed as number) >= 2 ** 32) fail('seed', fields.seed, 'a whole number from 0 to 2^32-1');
  const config = record(fields.config, 'config');
  if (config.algorithm !== 'reinforce' && config.algorithm !== 'ppo') fail('config.algorithm', config.algorithm, '"reinforce" or "ppo"');
  // absent in checkpoints written before the learned baseline: those used b(t, p)
  if (config.baseline !== undefined && config.baseline !== 'value' && config.baseline !== 'state') fail('config.baseline', config.baseline, '"value" or "state"');
  const counters = record(fields.counters, 'counters');
  for (const name of ['episodes', 'rollouts', 'updates', 'envSteps'] as const) count(counters[name], `counters.${name}`);
  if (typeof counters.elapsedMs !== 'number' || !Number.isFinite(counters.elapsedMs) || counters.elapsedMs < 0) fail('counters.elapsedMs', counters.elapsedMs, 'a finite number from 0');
  const random = record(fields.random, 'random');
  for (const stream of randomStreams) {
    const state = random[stream];
    const words = Array.isArray(state) && state.length === 4 && state.every((word) => Number.isInteger(word) && word >= 0 && word < 2 ** 32);
    if (!words || state.every((word: number) => word === 0)) fail(`random.${stream}`, state, 'four 32-bit words, not all zero');
  }
  count(fields.adamStep, 'adamStep');
  count(fields.accumulatedCount, 'accumulatedCount');
  count(fields.stateVersion, 'stateVersion');
  if (fields.best !== undefined) {
    const best = record(fields.best, 'best');
    count(best.update, 'best.update');
    if (typeof best.validationSharpe !== 'number' || !Number.isFinite(best.validationSharpe)) fail('best.validationSharpe', best.validationSharpe, 'a finite number');
  }
  return fields as unknown as CheckpointHeader;
}

/** Values of an array that no sound run can hold: how many, and the first of them. */
export interface BadValues {
  /** "non-finite", or "non-finite or negative" for variances and second moments. */
  kind: string;
  count: number;
  length: number;
  firstIndex: number;
  firstValue: number;
}

/** The array's bad values (non-finite; for variances also negative), or undefined when there are none. */
export function badValues(name: string, array: CheckpointArray): BadValues | undefined {
  const nonNegative = nonNegativeArrays.has(name);
  let firstIndex = -1;
  let count = 0;
  for (let i = 0; i < array.length; i++) {
    const value = array[i];
    if (Number.isFinite(value) && !(nonNegative && value < 0)) continue;
    if (firstIndex < 0) firstIndex = i;
    count++;
  }
  if (firstIndex < 0) return undefined;
  return { kind: nonNegative ? 'non-finite or negative' : 'non-finite', count, length: array.length, firstIndex, firstValue: array[firstIndex] };
}

/** "82,595 of 82,595 values, the first NaN at index 0". */
export function describeBadValues(bad: BadValues): string {
  const number = (value: number) => value.toLocaleString('en-US');
  return `${number(bad.count)} of ${number(bad.length)} values, the first ${bad.firstValue} at index ${bad.firstIndex}`;
}

/** Throws DamagedCheckpointError when a checkpoint array holds values no training run can have written. */
export function checkArray(name: string, array: CheckpointArray): void {
  const bad = badValues(name, array);
  if (bad) throw new DamagedCheckpointError(`RL checkpoint array ${name} holds ${bad.kind} values (${describeBadValues(bad)})`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
