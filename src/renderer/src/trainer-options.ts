// The New run form's fields per trainer, generated from the trainers' settings declarations
// (src/shared/settings): the settings each declaration marks for the form, with their label, unit,
// default and bounds. The host validates the options again against the same declarations.
import { budgetKindsByTrainer, maxBudgetCount, maxBudgetSeconds, trainerNames, type BudgetKind, type TrainerName, type TrainingMode } from '../../shared/run.ts';
import { flagNamesOf, isAllowedNumber } from '../../shared/settings/resolve.ts';
import { userSettings } from '../../shared/settings/table.ts';
import { trainerSettings } from '../../shared/settings/trainers.ts';

export interface NumberOption {
  key: string;
  label: string;
  /** The setting's doc line, for a tooltip. */
  doc: string;
  unit: string;
  defaultValue: number;
  min: number;
  max: number;
  integer: boolean;
  exclusiveMin: boolean;
  /** Shown only in these modes (e.g. vectorized envs mean nothing in original mode). */
  modes?: readonly TrainingMode[];
  /** Shown only while another choice has one of these values. */
  onlyWith?: ChoiceCondition;
}

/** A choice of the same form and the values under which a field applies. */
export interface ChoiceCondition {
  readonly key: string;
  readonly values: readonly string[];
}

export interface ChoiceOption {
  key: string;
  label: string;
  doc: string;
  choices: readonly string[];
  defaultValue: string;
  onlyWith?: ChoiceCondition;
}

export interface TrainerForm {
  /** Whether the trainer has optimization flags an ablation can measure one by one. */
  ablation: boolean;
  budgetUnits: readonly BudgetKind[];
  choices: ChoiceOption[];
  numbers: NumberOption[];
}

function trainerForm(trainer: TrainerName): TrainerForm {
  const form: TrainerForm = { ablation: flagNamesOf(trainerSettings[trainer]).length > 0, budgetUnits: budgetKindsByTrainer[trainer], choices: [], numbers: [] };
  for (const { key, setting } of userSettings(trainerSettings[trainer])) {
    if (!setting.form) continue;
    const { label, modes, onlyWith } = setting.form;
    const condition = onlyWith ? { onlyWith } : {};
    if (setting.kind === 'choice' && setting.default !== undefined) {
      form.choices.push({ key, label, doc: setting.doc, choices: setting.options, defaultValue: setting.default, ...condition });
    } else if (setting.kind === 'number' && setting.default !== undefined) {
      const { min, max, integer, exclusiveMin } = setting;
      form.numbers.push({ key, label, doc: setting.doc, unit: setting.unit ?? '', defaultValue: setting.default, min, max, integer, exclusiveMin, ...(modes ? { modes } : {}), ...condition });
    }
  }
  return form;
}

/**
 * Whether a field applies under the form's current choices: always, unless it names a choice whose
 * value is not one of its values. A choice in `varied` (an experiment's space) may take any value.
 */
export function appliesWith(option: { onlyWith?: ChoiceCondition }, choices: Readonly<Record<string, string>>, varied: ReadonlySet<string> = new Set()): boolean {
  const condition = option.onlyWith;
  return !condition || varied.has(condition.key) || condition.values.includes(choices[condition.key]);
}

export const trainerForms = Object.fromEntries(trainerNames.map((trainer) => [trainer, trainerForm(trainer)])) as Record<TrainerName, TrainerForm>;

/** The problem with a number option's value, or '' when it is fine. */
export function numberOptionError(option: NumberOption, value: number): string {
  if (!Number.isFinite(value)) return `${option.label} must be a number`;
  if (option.integer && !Number.isInteger(value)) return `${option.label} must be a whole number`;
  if (!isAllowedNumber(option, value)) return `${option.label} must be ${option.exclusiveMin ? 'above' : 'from'} ${option.min} ${option.exclusiveMin ? 'and at most' : 'to'} ${option.max}`;
  return '';
}

/** The problem with a seed, or '' when it is fine. */
export function seedError(seed: number): string {
  return Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32 ? '' : 'Seed must be a whole number from 0 to 4,294,967,295';
}

/** The problem with a budget in the given unit, or '' when it is fine. */
export function budgetError(value: number, unit: 'seconds' | 'episodes' | 'generations'): string {
  const max = unit === 'seconds' ? maxBudgetSeconds : maxBudgetCount;
  if (!Number.isFinite(value) || value <= 0 || value > max) return `Budget must be above 0 and at most ${max.toLocaleString('en-US')} ${unit}${unit === 'seconds' ? ' (7 days)' : ''}`;
  if (unit !== 'seconds' && !Number.isInteger(value)) return `A budget in ${unit} must be a whole number`;
  return '';
}
