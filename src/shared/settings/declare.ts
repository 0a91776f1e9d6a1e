// How a trainer declares its settings, once: each setting with its one-line doc, unit, allowed
// range, default (one value, or one per training mode for the optimization flags) and whether a
// resumed run may change it. Validation (zod, in resolve.ts), the New run form, the CLI's --set help
// and the settings tables in docs/*.md are all generated from these declarations.
import type { TrainingMode } from '../run.ts';

/** A default per training mode: the optimization flags are off in `original` and on in `optimized`. */
export type ModeDefaults<T> = Readonly<Record<TrainingMode, T>>;

/** Where the New run form shows a setting. */
export interface FormHint {
  /** The field's label. */
  label: string;
  /** Shown only when one of these modes runs (e.g. vectorized envs mean nothing in original mode). */
  modes?: readonly TrainingMode[];
  /** Shown only while the choice `key` of the same form is one of `values` (e.g. REINFORCE's settings, not PPO's). */
  onlyWith?: { readonly key: string; readonly values: readonly string[] };
}

interface LeafOptions<T> {
  /** One line: what the setting does. */
  doc: string;
  /** Unit of a number, where it has one (`steps`, `envs`, `bps`, ...). */
  unit?: string;
  /** The value when the options leave it out. */
  default: T;
  /** A resumed run must keep the checkpoint's value (it shapes what the checkpoint holds). */
  fixedOnResume?: boolean;
  /** Set by the workload, never by a user: refused in a run's options and left out of the tables. */
  setBy?: string;
  /** Offered on the New run form. */
  form?: FormHint;
}

interface LeafCommon<T> extends Omit<LeafOptions<T>, 'default'> {
  /** The default when it does not depend on the mode. */
  default?: T;
  /** The default per mode (optimization flags). */
  modeDefaults?: ModeDefaults<T>;
}

export interface NumberSetting extends LeafCommon<number> {
  kind: 'number';
  min: number;
  max: number;
  integer: boolean;
  /** The value must be strictly greater than `min`. */
  exclusiveMin: boolean;
}
export interface BooleanSetting extends LeafCommon<boolean> {
  kind: 'boolean';
}
export interface ChoiceSetting<T extends string = string> extends LeafCommon<T> {
  kind: 'choice';
  options: readonly T[];
}
export interface ChoiceListSetting<T extends string = string> extends LeafCommon<T[]> {
  kind: 'choices';
  options: readonly T[];
  minLength: number;
}
export type LeafSetting = NumberSetting | BooleanSetting | ChoiceSetting | ChoiceListSetting;

/** A problem that involves more than one setting, at a path relative to the section. */
export interface CheckIssue {
  path: string;
  message: string;
}

/** A check as a section stores it (the builder types its arguments from the section's fields). */
export type SectionCheck = (value: never, input: never) => CheckIssue[];

export interface SettingsSection<F extends SettingFields = SettingFields> {
  kind: 'section';
  doc: string;
  fields: F;
  /**
   * Checks across fields, run on the resolved section (defaults filled) and on what the options
   * gave; each problem is named at its path.
   */
  checks: ReadonlyArray<SectionCheck>;
  /** Keys accepted at this level for compatibility, moved to their path (`vectorizedEnvs` -> `flags.vectorizedEnvs`). */
  moved: Readonly<Record<string, string>>;
}

export type Setting = LeafSetting | SettingsSection;
export type SettingFields = { readonly [key: string]: Setting };

/** The resolved value of a setting: a section becomes an object of its fields' values. */
export type SettingValue<S> = S extends SettingsSection<infer F>
  ? { -readonly [K in keyof F]: SettingValue<F[K]> }
  : S extends { kind: 'choices'; options: readonly (infer T)[] }
    ? T[]
    : S extends { kind: 'choice'; options: readonly (infer T)[] }
      ? T
      : S extends { kind: 'number' }
        ? number
        : S extends { kind: 'boolean' }
          ? boolean
          : never;

/** What a run's options may give for a setting: any subset, nested by section. */
export type SettingInput<S> = S extends SettingsSection<infer F> ? { -readonly [K in keyof F]?: SettingInput<F[K]> } : SettingValue<S>;

function leafCommon<T>(options: LeafOptions<T> | (Omit<LeafOptions<T>, 'default'> & { modeDefaults: ModeDefaults<T> })): LeafCommon<T> {
  return { ...options };
}

/** A real number in [min, max] (or (min, max] with `exclusiveMin`). */
export function number(min: number, max: number, options: LeafOptions<number> & { exclusiveMin?: boolean }): NumberSetting {
  const { exclusiveMin = false, ...rest } = options;
  return { kind: 'number', min, max, integer: false, exclusiveMin, ...leafCommon(rest) };
}

/** A whole number in [min, max]. */
export function integer(min: number, max: number, options: LeafOptions<number>): NumberSetting {
  return { kind: 'number', min, max, integer: true, exclusiveMin: false, ...leafCommon(options) };
}

/** A probability or fraction in [0, 1]. */
export function fraction(options: LeafOptions<number>): NumberSetting {
  return number(0, 1, options);
}

export function boolean(options: LeafOptions<boolean>): BooleanSetting {
  return { kind: 'boolean', ...leafCommon(options) };
}

/** An optimization flag: off in original mode, on in optimized mode, settable alone for ablations. */
export function flag(doc: string): BooleanSetting {
  return { kind: 'boolean', ...leafCommon<boolean>({ doc, modeDefaults: { original: false, optimized: true } }) };
}

/** One of `options`. */
export function choice<const T extends string>(options: readonly T[], spec: LeafOptions<NoInfer<T>>): ChoiceSetting<T> {
  return { kind: 'choice', options, ...leafCommon(spec) };
}

/** A list of distinct items of `options`, at least `minLength` long. */
export function choiceList<const T extends string>(options: readonly T[], minLength: number, spec: LeafOptions<NoInfer<T>[]>): ChoiceListSetting<T> {
  return { kind: 'choices', options, minLength, ...leafCommon(spec) };
}

export function section<const F extends SettingFields>(
  doc: string,
  fields: F,
  extra: {
    checks?: ReadonlyArray<(value: SettingValue<SettingsSection<F>>, input: SettingInput<SettingsSection<F>>) => CheckIssue[]>;
    moved?: Record<string, string>;
  } = {},
): SettingsSection<F> {
  return { kind: 'section', doc, fields, checks: extra.checks ?? [], moved: extra.moved ?? {} };
}

/** The defaults of a section; mode-dependent ones (the flags) only when `mode` is given. */
export function defaultsOf<S extends SettingsSection>(section: S, mode?: TrainingMode): SettingValue<S> {
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(section.fields)) {
    if (field.kind === 'section') result[key] = defaultsOf(field, mode);
    else if (field.modeDefaults) {
      if (mode) result[key] = field.modeDefaults[mode];
    } else result[key] = structuredClone(field.default);
  }
  return result as SettingValue<S>;
}
