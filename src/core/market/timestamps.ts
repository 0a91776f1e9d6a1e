// Timestamp parsing for CSV import: epoch numbers in seconds, milliseconds, microseconds or
// nanoseconds (told apart by magnitude, per value, so concatenated Binance files that switched
// from ms to us in 2025 still import), and ISO 8601 dates. Everything becomes epoch ms, UTC.

/** Earliest accepted bar time: 1980-01-01T00:00:00Z. Anything earlier is almost surely a unit mix-up. */
export const MIN_TIMESTAMP_MS = 315_532_800_000;
/** Latest accepted bar time: 2200-01-01T00:00:00Z. */
export const MAX_TIMESTAMP_MS = 7_258_118_400_000;

/** Unit an epoch number was read in. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

/**
 * The unit of an epoch number from its magnitude: below 1e11 seconds, below 1e14 milliseconds,
 * below 1e17 microseconds, below 1e20 nanoseconds. Each band covers 1973..5138, so the rule is
 * unambiguous for any date TrainDeck accepts.
 */
export function epochUnitOf(value: number): EpochUnit | null {
  if (!(value >= 0)) return null;
  if (value < 1e11) return 's';
  if (value < 1e14) return 'ms';
  if (value < 1e17) return 'us';
  if (value < 1e20) return 'ns';
  return null;
}

const EPOCH_SCALE: Record<EpochUnit, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/** An epoch number in any supported unit as milliseconds, or NaN when it is outside the accepted range. */
export function epochToMilliseconds(value: number): number {
  const unit = epochUnitOf(value);
  if (unit === null) return Number.NaN;
  // Division keeps microsecond values such as 1735689600000000 exact (multiplying by 1e-3 would not).
  const milliseconds = unit === 'us' ? value / 1000 : unit === 'ns' ? value / 1e6 : value * EPOCH_SCALE[unit];
  return milliseconds >= MIN_TIMESTAMP_MS && milliseconds < MAX_TIMESTAMP_MS ? milliseconds : Number.NaN;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * An ISO 8601 date or date-time as epoch ms. A date-time without an offset is taken as UTC
 * (exchanges publish UTC), unlike `Date.parse`, which would use the machine's local zone.
 * Returns NaN for anything malformed, impossible (2024-02-30, 25:00) or outside the accepted range.
 */
export function parseIsoTimestamp(text: string): number {
  const match = ISO_PATTERN.exec(text);
  if (match === null) return Number.NaN;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = match[4] === undefined ? 0 : Number(match[4]);
  const minute = match[5] === undefined ? 0 : Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > monthDays) return Number.NaN;
  let milliseconds = Date.UTC(year, month - 1, day, hour, minute, second);
  if (match[7] !== undefined) milliseconds += Number(`0.${match[7]}`) * 1000;
  const offset = match[8];
  if (offset !== undefined && offset !== 'Z' && offset !== 'z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
    milliseconds -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return milliseconds >= MIN_TIMESTAMP_MS && milliseconds < MAX_TIMESTAMP_MS ? milliseconds : Number.NaN;
}

/** A CSV timestamp field (epoch number in any unit, or ISO 8601) as epoch ms; NaN when it is not a valid date. */
export function parseTimestampField(field: string): number {
  const code = field.charCodeAt(0);
  const looksNumeric = code >= 48 && code <= 57 && field.indexOf('-') < 0 && field.indexOf(':') < 0;
  if (looksNumeric) {
    const value = Number(field);
    return Number.isFinite(value) ? epochToMilliseconds(value) : Number.NaN;
  }
  return parseIsoTimestamp(field);
}
