// Command-line parsing with clear errors: every bad flag or value names itself and the fix.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the CLI was called; printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCommandArguments<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  // `--seed -3` should reach the range check ("must be a whole number from 0"), not be taken for a flag.
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const flag = args[index].startsWith('--') ? args[index].slice(2) : '';
    if (flag && !flag.includes('=') && options[flag]?.type === 'string' && /^-\d/.test(args[index + 1] ?? '')) {
      joined.push(`${args[index]}=${args[index + 1]}`);
      index++;
    } else {
      joined.push(args[index]);
    }
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Parses a whole number flag within [min, max], naming the flag on error. */
export function integerOption(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

/** Parses a positive number flag (seconds may be fractional), naming the flag on error. */
export function positiveNumberOption(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > max) {
    throw new UsageError(`--${flag} must be a number above 0 and at most ${max}, got "${value}"`);
  }
  return number;
}

export function choiceOption<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}
