// Settings declarations (declare.ts) turned into what runs use: the zod schema of a run's options
// (every problem named at its path with the allowed range, all at once), the defaults for a mode,
// the resolved settings, and the settings a resume may not change.
import { z } from 'zod';
import { defaultsOf, type CheckIssue, type LeafSetting, type Setting, type SettingInput, type SettingsSection, type SettingValue } from './declare.ts';

/** Settings that failed validation; `issues` lists every problem, one `path: problem` line each. */
export class SettingsError extends Error {
  readonly issues: string[];
  constructor(what: string, issues: string[]) {
    super(`invalid ${what}: ${issues.join('; ')}`);
    this.name = 'SettingsError';
    this.issues = issues;
  }
}

/** The allowed values of a setting in words, e.g. `an integer >= 1 and <= 1024`. */
export function describeAllowed(setting: LeafSetting): string {
  switch (setting.kind) {
    case 'number':
      return `${setting.integer ? 'an integer' : 'a number'} ${setting.exclusiveMin ? '>' : '>='} ${setting.min} and <= ${setting.max}`;
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of ${setting.options.join(', ')}`;
    case 'choices':
      return `a list of at least ${setting.minLength} of ${setting.options.join(', ')}`;
  }
}

export function isAllowedNumber(setting: { min: number; max: number; integer: boolean; exclusiveMin: boolean }, value: number): boolean {
  const aboveMin = setting.exclusiveMin ? value > setting.min : value >= setting.min;
  return Number.isFinite(value) && aboveMin && value <= setting.max && (!setting.integer || Number.isInteger(value));
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** `unknown key (did you mean "weight"?); allowed keys: ...`: the closest known key when one is close. */
function unknownKeyMessage(key: string, known: string[]): string {
  if (known.length === 0) return 'unknown key; this trainer takes no options';
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  const hint = bestDistance <= Math.max(2, key.length / 3) ? ` (did you mean "${best}"?)` : '';
  return `unknown key${hint}; allowed keys: ${known.join(', ')}`;
}

/** A value as a message shows it: JSON, except the numbers JSON cannot write (NaN, Infinity). */
const shown = (value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value));
const rejected = (input: unknown, expected: string) => `${shown(input)} is not allowed; expected ${expected}`;

function leafSchema(setting: LeafSetting, refuseSetBy: boolean): z.ZodType {
  if (refuseSetBy && setting.setBy !== undefined) {
    return z.unknown().refine(() => false, { error: `set by ${setting.setBy}; remove it from the options` });
  }
  const expected = describeAllowed(setting);
  const error = (issue: { input?: unknown }) => rejected(issue.input, expected);
  switch (setting.kind) {
    case 'number':
      return z.number({ error }).refine((value) => isAllowedNumber(setting, value), { error });
    case 'boolean':
      return z.boolean({ error });
    case 'choice':
      return z.string({ error }).refine((value) => setting.options.includes(value), { error });
    case 'choices':
      return z.array(z.unknown(), { error: `expected ${expected}` }).superRefine((items, context) => {
        const bad = items.filter((item) => typeof item !== 'string' || !setting.options.includes(item));
        if (items.length < setting.minLength) context.addIssue({ code: 'custom', message: `expected ${expected}` });
        else if (bad.length > 0) context.addIssue({ code: 'custom', message: `${bad.map((item) => JSON.stringify(item)).join(', ')} not allowed; expected items from ${setting.options.join(', ')}` });
        else if (new Set(items).size !== items.length) context.addIssue({ code: 'custom', message: 'the list repeats an item' });
      });
  }
}

function sectionSchema(section: SettingsSection, refuseSetBy: boolean): z.ZodType {
  const known = Object.keys(section.fields);
  const shape = Object.fromEntries(known.map((key) => [key, fieldSchema(section.fields[key], refuseSetBy).optional()]));
  // Unknown keys are named one by one, at their own path, even when other fields are bad too.
  const object = z.looseObject(shape, { error: (issue) => `expected an object of settings, got ${JSON.stringify(issue.input)}` }).check(
    z.superRefine(
      (value: Record<string, unknown>, context) => {
        for (const key of Object.keys(value)) {
          if (!Object.hasOwn(section.fields, key)) context.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, known), input: value[key] });
        }
      },
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
    ),
  );
  if (Object.keys(section.moved).length === 0) return object;
  return z.preprocess((input, context) => moveKeys(section, input, context), object);
}

/** Moves the keys a section still accepts at their old place (`section.moved`) to their path. */
function moveKeys(section: SettingsSection, input: unknown, context: { addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[]; input: unknown }): void }): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const source = input as Record<string, unknown>;
  if (!Object.keys(source).some((key) => Object.hasOwn(section.moved, key))) return input;
  const result: Record<string, unknown> = structuredClone(source);
  for (const [from, to] of Object.entries(section.moved)) {
    if (!Object.hasOwn(result, from)) continue;
    const value = result[from];
    delete result[from];
    const parts = to.split('.');
    let node = result;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null || Array.isArray(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (Object.hasOwn(node, last) && JSON.stringify(node[last]) !== JSON.stringify(value)) {
      context.addIssue({ code: 'custom', path: [from], message: `also given as ${to} with another value (${JSON.stringify(node[last])}); give it once`, input: value });
    }
    node[last] = value;
  }
  return result;
}

function fieldSchema(setting: Setting, refuseSetBy: boolean): z.ZodType {
  return setting.kind === 'section' ? sectionSchema(setting, refuseSetBy) : leafSchema(setting, refuseSetBy);
}

const userSchemas = new WeakMap<SettingsSection, z.ZodType>();
const workloadSchemas = new WeakMap<SettingsSection, z.ZodType>();

/** The fields' schema, built once per section: users may not give `setBy` settings, workloads may. */
function fieldsSchema(section: SettingsSection, refuseSetBy: boolean): z.ZodType {
  const cache = refuseSetBy ? userSchemas : workloadSchemas;
  let schema = cache.get(section);
  if (!schema) cache.set(section, (schema = sectionSchema(section, refuseSetBy)));
  return schema;
}

/**
 * The schema of a run's options for a trainer: any subset of the settings, each checked against its
 * range, unknown keys named, and the checks across fields run against the defaults. Options keep
 * only what was given (defaults are filled where the run resolves them, for its mode).
 */
export function optionsSchema<S extends SettingsSection>(section: S): z.ZodType<SettingInput<S>, Record<string, unknown>> {
  const checks = z.superRefine(
    (input: unknown, context) => {
      for (const issue of checkIssues(section, mergeSettings(defaultsOf(section), input), input)) {
        context.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message, input });
      }
    },
    // only on settings that are each valid, as resolveSettings does
    { when: (payload) => payload.issues.length === 0 },
  );
  return fieldsSchema(section, true).check(checks) as unknown as z.ZodType<SettingInput<S>, Record<string, unknown>>;
}

/** Every check of the section and its subsections, with paths from the section's root. */
function checkIssues(section: SettingsSection, value: unknown, input: unknown, prefix = ''): CheckIssue[] {
  const at = (path: string) => (prefix ? `${prefix}.${path}` : path);
  const issues: CheckIssue[] = [];
  for (const [key, field] of Object.entries(section.fields)) {
    if (field.kind !== 'section') continue;
    issues.push(...checkIssues(field, (value as Record<string, unknown>)[key], (input as Record<string, unknown> | undefined)?.[key] ?? {}, at(key)));
  }
  for (const check of section.checks) {
    for (const issue of check(value as never, (input ?? {}) as never)) issues.push({ path: at(issue.path), message: issue.message });
  }
  return issues;
}

/** `input` over `base`, section by section (values are validated elsewhere). */
export function mergeSettings<T>(base: T, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return structuredClone(base);
  const result: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const current = result[key];
    const nested = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null && !Array.isArray(current);
    result[key] = nested ? mergeSettings(current, value) : structuredClone(value);
  }
  return result as T;
}

/**
 * Validates `input` (a run's options, or part of them) against the section and fills the rest from
 * `base`; throws a SettingsError naming every problem. `workload: true` lets the caller set the
 * settings the workload owns (`setBy`), e.g. the genome shape of a population.
 */
export function resolveSettings<S extends SettingsSection, B = SettingValue<S>>(section: S, input: unknown, base: B, options: { what: string; path?: string; workload?: boolean }): B {
  const prefix = options.path ? `${options.path}.` : '';
  const parsed = fieldsSchema(section, !options.workload).safeParse(input ?? {});
  if (!parsed.success) throw new SettingsError(options.what, parsed.error.issues.map((issue) => `${prefix}${issue.path.join('.') || '(options)'}: ${issue.message}`));
  const resolved = mergeSettings(base, parsed.data);
  const issues = checkIssues(section, resolved, parsed.data);
  if (issues.length > 0) throw new SettingsError(options.what, issues.map((issue) => `${prefix}${issue.path}: ${issue.message}`));
  return resolved;
}

function valueAt(object: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
}

/** Every leaf setting of a section with its dotted path, in declaration order. */
export function leafSettings(section: SettingsSection, prefix: string[] = []): Array<{ path: string[]; setting: LeafSetting }> {
  return Object.entries(section.fields).flatMap(([key, field]) =>
    field.kind === 'section' ? leafSettings(field, [...prefix, key]) : [{ path: [...prefix, key], setting: field }]);
}

/** The leaf paths whose values differ between two resolved settings objects. */
export function changedSettings(section: SettingsSection, saved: unknown, requested: unknown): string[] {
  return leafSettings(section)
    .filter(({ path }) => JSON.stringify(valueAt(saved, path)) !== JSON.stringify(valueAt(requested, path)))
    .map(({ path }) => path.join('.'));
}

/** A problem for every setting a resume changed that must keep the checkpoint's value (`fixedOnResume`). */
export function resumeConflicts(section: SettingsSection, saved: unknown, requested: unknown): string[] {
  return leafSettings(section)
    .filter(({ path, setting }) => setting.fixedOnResume && JSON.stringify(valueAt(saved, path)) !== JSON.stringify(valueAt(requested, path)))
    .map(({ path }) => `${path.join('.')}: cannot change when resuming (checkpoint has ${JSON.stringify(valueAt(saved, path))}, requested ${JSON.stringify(valueAt(requested, path))})`);
}

/** The names of a section's `flags` subsection (the optimization flags), in declaration order. */
export function flagNamesOf(section: SettingsSection): string[] {
  const flags = section.fields.flags;
  return flags?.kind === 'section' ? Object.keys(flags.fields) : [];
}
