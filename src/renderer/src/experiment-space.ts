// The New experiment form's space editor, as data: one row per varied setting (a comma list of
// values, or a min/max range for random search), checked against the trainer's setting bounds for
// inline feedback, and turned into the spec's `space`. The host validates every trial again.
import type { ExperimentSpecInput, SettingRange, SettingValue } from '../../shared/experiment.ts';
import { numberOptionError, type ChoiceOption, type NumberOption, type TrainerForm } from './trainer-options.ts';

export interface SpaceRow {
  key: string;
  kind: 'list' | 'range';
  /** Comma-separated values, e.g. `10, 20, 40` or `reinforce, ppo`. */
  values: string;
  min: number;
  max: number;
  log: boolean;
  integer: boolean;
}

export type SettingDefinition = { kind: 'number'; option: NumberOption } | { kind: 'choice'; option: ChoiceOption };

/** Every setting of a trainer the space may vary, by dotted key. */
export function settingsOf(form: TrainerForm): Map<string, SettingDefinition> {
  return new Map<string, SettingDefinition>([
    ...form.choices.map((option) => [option.key, { kind: 'choice', option }] as [string, SettingDefinition]),
    ...form.numbers.map((option) => [option.key, { kind: 'number', option }] as [string, SettingDefinition]),
  ]);
}

/** A new row for a setting: its default as the one listed value, and a range around the default. */
export function newRow(definition: SettingDefinition): SpaceRow {
  if (definition.kind === 'choice') return { key: definition.option.key, kind: 'list', values: definition.option.choices.join(', '), min: 0, max: 1, log: false, integer: false };
  const { key, defaultValue, min, max, integer } = definition.option;
  // A decade either side of the default, inside the setting's bounds, log-spaced for small reals.
  const low = Math.max(min, integer ? Math.max(1, Math.round(defaultValue / 2)) : defaultValue / 10);
  const high = Math.min(max, integer ? defaultValue * 2 : defaultValue * 10);
  return { key, kind: 'list', values: String(defaultValue), min: low, max: high, log: !integer && low > 0, integer };
}

/** The row's values parsed: numbers for number settings, text for choices. */
export function parseValues(row: SpaceRow, definition: SettingDefinition | undefined): SettingValue[] {
  const parts = row.values.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return definition?.kind === 'number' ? parts.map((part) => Number(part)) : parts;
}

/** What is wrong with a row, or '' when it is fine. */
export function rowProblem(row: SpaceRow, definition: SettingDefinition | undefined, search: 'grid' | 'random'): string {
  if (!definition) return `${row.key} is not a setting of this trainer`;
  if (row.kind === 'range') {
    if (definition.kind !== 'number') return `${definition.option.label} takes a list of choices, not a range`;
    if (search !== 'random') return 'A range needs random search; grid search takes a list of values';
    const boundsProblem = numberOptionError({ ...definition.option, integer: false }, row.min) || numberOptionError({ ...definition.option, integer: false }, row.max);
    if (boundsProblem) return boundsProblem;
    if (!(row.max > row.min)) return 'Max must be above min';
    if (row.log && !(row.min > 0)) return 'A log range needs min above 0';
    return '';
  }
  const values = parseValues(row, definition);
  if (values.length === 0) return 'List at least one value, separated by commas';
  for (const value of values) {
    if (definition.kind === 'number') {
      const problem = numberOptionError(definition.option, value as number);
      if (problem) return `${problem} (got ${Number.isNaN(value) ? 'text' : value})`;
    } else if (!definition.option.choices.includes(value as string)) {
      return `${definition.option.label} is one of ${definition.option.choices.join(', ')} (got "${value}")`;
    }
  }
  return '';
}

/** The spec's space from the rows (rows with problems are refused before this is called). */
export function spaceOf(rows: SpaceRow[], settings: Map<string, SettingDefinition>): NonNullable<ExperimentSpecInput['space']> {
  const space: Record<string, SettingValue[] | SettingRange> = {};
  for (const row of rows) {
    space[row.key] = row.kind === 'range' ? { min: row.min, max: row.max, ...(row.log ? { log: true } : {}), ...(row.integer ? { integer: true } : {}) } : parseValues(row, settings.get(row.key));
  }
  return space;
}

/** How many trials the spec expands to (points x seeds x modes), as the host will plan them. */
export function trialCount(rows: SpaceRow[], settings: Map<string, SettingDefinition>, search: { kind: 'grid' } | { kind: 'random'; trials: number }, seeds: number, modes: number): number {
  const points = search.kind === 'random' ? search.trials : rows.reduce((product, row) => product * Math.max(1, parseValues(row, settings.get(row.key)).length), 1);
  return points * seeds * modes;
}

/** Parses `1, 2, 3` into seeds; returns the seeds or the problem. */
export function parseSeeds(text: string): { seeds: number[]; problem: string } {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const seeds = parts.map((part) => Number(part));
  if (seeds.length === 0) return { seeds, problem: 'List at least one seed, separated by commas' };
  const bad = parts.find((_, index) => !Number.isInteger(seeds[index]) || seeds[index] < 0 || seeds[index] >= 2 ** 32);
  if (bad !== undefined) return { seeds, problem: `"${bad}" is not a seed: seeds are whole numbers from 0 to 4,294,967,295` };
  if (new Set(seeds).size !== seeds.length) return { seeds, problem: 'Seeds must not repeat' };
  return { seeds, problem: '' };
}
