// A small declarative schema for NEAT configs: each field has a kind, a range or option list and
// a one-line description. Resolving a user object against it fills defaults, rejects unknown keys
// (suggesting the closest known one) and names every out-of-range value with its allowed range.
// The same descriptions generate the field table in docs/neat.md.

export interface NumberSpec {
  kind: 'number';
  doc: string;
  min: number;
  max: number;
  integer?: boolean;
  /** When true the value must be strictly greater than `min`. */
  exclusiveMin?: boolean;
}
export interface BooleanSpec {
  kind: 'boolean';
  doc: string;
}
export interface ChoiceSpec {
  kind: 'choice';
  doc: string;
  options: readonly string[];
}
export interface ChoiceListSpec {
  kind: 'choices';
  doc: string;
  options: readonly string[];
  minLength: number;
}
export interface SectionSpec {
  kind: 'section';
  doc: string;
  fields: Record<string, FieldSpec>;
}
export type FieldSpec = NumberSpec | BooleanSpec | ChoiceSpec | ChoiceListSpec | SectionSpec;

/** A config that failed validation; `issues` lists every problem, one per line. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(what: string, issues: string[]) {
    super(`invalid ${what}: ${issues.join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
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

function unknownKeyMessage(path: string, key: string, known: string[]): string {
  const lower = key.toLowerCase();
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  const hint = bestDistance <= Math.max(2, key.length / 3) ? ` (did you mean "${best}"?)` : '';
  return `${path}: unknown key${hint}; allowed keys: ${known.join(', ')}`;
}

function describeRange(spec: NumberSpec): string {
  const low = spec.exclusiveMin ? `> ${spec.min}` : `>= ${spec.min}`;
  return `${spec.integer ? 'an integer' : 'a number'} ${low} and <= ${spec.max}`;
}

function resolveField(spec: FieldSpec, fallback: unknown, value: unknown, path: string, issues: string[]): unknown {
  if (value === undefined) return structuredClone(fallback);
  switch (spec.kind) {
    case 'number': {
      const tooLow = typeof value === 'number' && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
      if (typeof value !== 'number' || !Number.isFinite(value) || tooLow || value > spec.max || (spec.integer && !Number.isInteger(value))) {
        issues.push(`${path}: ${JSON.stringify(value)} is not allowed; expected ${describeRange(spec)}`);
        return fallback;
      }
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') {
        issues.push(`${path}: ${JSON.stringify(value)} is not allowed; expected true or false`);
        return fallback;
      }
      return value;
    case 'choice':
      if (typeof value !== 'string' || !spec.options.includes(value)) {
        issues.push(`${path}: ${JSON.stringify(value)} is not allowed; expected one of ${spec.options.join(', ')}`);
        return fallback;
      }
      return value;
    case 'choices': {
      if (!Array.isArray(value) || value.length < spec.minLength) {
        issues.push(`${path}: expected a list of at least ${spec.minLength} of ${spec.options.join(', ')}`);
        return structuredClone(fallback);
      }
      const bad = value.filter((item) => typeof item !== 'string' || !spec.options.includes(item));
      if (bad.length > 0) {
        issues.push(`${path}: ${bad.map((item) => JSON.stringify(item)).join(', ')} not allowed; expected items from ${spec.options.join(', ')}`);
        return structuredClone(fallback);
      }
      if (new Set(value).size !== value.length) {
        issues.push(`${path}: the list repeats an item`);
        return structuredClone(fallback);
      }
      return [...value];
    }
    case 'section':
      return resolveSection(spec, fallback as Record<string, unknown>, value, path, issues);
  }
}

/** Resolves `input` against `spec`, starting from `defaults`; problems are appended to `issues`. */
export function resolveSection(spec: SectionSpec, defaults: Record<string, unknown>, input: unknown, path: string, issues: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const known = Object.keys(spec.fields);
  if (input !== undefined && !isPlainObject(input)) {
    issues.push(`${path || 'config'}: expected an object, got ${JSON.stringify(input)}`);
    input = undefined;
  }
  const source = (input ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!known.includes(key)) issues.push(unknownKeyMessage(path ? `${path}.${key}` : key, key, known));
  }
  for (const key of known) {
    result[key] = resolveField(spec.fields[key], defaults[key], source[key], path ? `${path}.${key}` : key, issues);
  }
  return result;
}

/** Rows `(path, kind, allowed, default, description)` for documentation tables. */
export function describeSpec(spec: SectionSpec, defaults: Record<string, unknown>, path = ''): string[][] {
  const rows: string[][] = [];
  for (const [key, field] of Object.entries(spec.fields)) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (field.kind === 'section') {
      rows.push(...describeSpec(field, defaults[key] as Record<string, unknown>, fieldPath));
      continue;
    }
    const allowed = field.kind === 'number' ? describeRange(field)
      : field.kind === 'boolean' ? 'true / false'
        : field.kind === 'choice' ? field.options.join(' | ')
          : `list of ${field.options.join(' | ')}`;
    rows.push([fieldPath, allowed, JSON.stringify(defaults[key]), field.doc]);
  }
  return rows;
}
