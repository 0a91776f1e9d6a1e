// OHLCV CSV parsing and validation, all or nothing. Accepts Binance kline CSV with or without a
// header (open time in ms or, since 2025, us) and generic headed CSV (timestamp|time|date|open_time,
// open, high, low, close, volume; epoch s/ms/us/ns or ISO 8601). Pure: bytes or text in, either a
// series with an import report or the full list of problems, each with its line, out.

import { CsvErrorList, quoteField, type CsvError } from './csv-errors.ts';
import { createSeries, truncateSeries, type OhlcvSeries } from './series.ts';
import { detectGaps, medianInterval, type GapReport } from './stats.ts';
import { parseTimestampField } from './timestamps.ts';

export { CSV_ERROR_KINDS, type CsvError, type CsvErrorKind } from './csv-errors.ts';

export interface CsvParseOptions {
  /** Errors kept in the result (all are counted). Default 200, allowed 1..100000. */
  readonly maxErrors?: number;
  /** Longest accepted line in characters. Default 4096, allowed 64..1048576. */
  readonly maxLineLength?: number;
  /** Largest accepted input in bytes (or characters for text). Default 512 MiB. */
  readonly maxBytes?: number;
}

export interface CsvImportReport {
  /** `binance` for the headerless Binance kline layout, `generic` for a headed file (Binance headed files included). */
  readonly format: 'binance' | 'generic';
  readonly hasHeader: boolean;
  readonly delimiter: ',' | ';' | '\t';
  readonly rows: number;
  /** Empty lines skipped (a trailing newline does not count). */
  readonly blankLines: number;
  /** The bar interval: median step between timestamps, ms. */
  readonly intervalMs: number;
  readonly gaps: GapReport;
}

export type CsvParseResult =
  | { readonly ok: true; readonly series: OhlcvSeries; readonly report: CsvImportReport }
  | { readonly ok: false; readonly errors: readonly CsvError[]; readonly errorCount: number; readonly truncated: boolean };

/** Header names accepted for the time column, in order of preference. */
export const TIME_COLUMN_NAMES = ['timestamp', 'time', 'date', 'open_time'] as const;
/** Value columns every file needs, in series order. */
const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;

const DEFAULT_MAX_ERRORS = 200;
const DEFAULT_MAX_LINE_LENGTH = 4096;
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** Control characters other than tab, LF and CR mark a file as binary. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

type Failure = Extract<CsvParseResult, { ok: false }>;

function failure(list: CsvErrorList): Failure {
  return { ok: false, errors: list.errors, errorCount: list.count, truncated: list.count > list.errors.length };
}

function fatal(line: number, kind: CsvError['kind'], message: string): Failure {
  return { ok: false, errors: [{ line, kind, message }], errorCount: 1, truncated: false };
}

function checkedOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`CSV option ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Line number (1-based) of a UTF-8 byte offset. */
function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8, for locating a decoding failure. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const extra = byte < 0x80 ? 0 : byte >= 0xc2 && byte < 0xe0 ? 1 : byte >= 0xe0 && byte < 0xf0 ? 2 : byte >= 0xf0 && byte < 0xf5 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return bytes.length;
}

/** Text from bytes, or a fatal error for input that is not UTF-8 text. */
function decode(bytes: Uint8Array): string | Failure {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // strips a UTF-8 BOM
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return fatal(lineOfByte(bytes, offset), 'binary', `the file is not UTF-8 text (invalid byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset})`);
  }
}

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.charCodeAt(0) === 34 && trimmed.charCodeAt(trimmed.length - 1) === 34 ? trimmed.slice(1, -1).trim() : trimmed;
}

/** A numeric field, or NaN when it is empty, non-numeric or non-finite (the caller classifies). */
function parseNumber(field: string): number {
  const value = Number(field);
  if (value === 0 && field.trim().length === 0) return Number.NaN; // Number('') is 0
  if (field.length > 1) {
    const second = field.charCodeAt(1) | 32; // Number() also reads 0x.., 0b.., 0o..
    if (second === 120 || second === 98 || second === 111) return Number.NaN;
  }
  return value;
}

const NON_FINITE_LITERAL = /^[+-]?(nan|inf|infinity)$/i;

interface Layout {
  readonly timeColumn: number;
  /** Column index of open, high, low, close, volume. */
  readonly valueColumns: readonly number[];
  /** Fields a row must have. */
  readonly requiredFields: number;
  readonly hasHeader: boolean;
}

/** The column layout from the first line: a header, or a headerless Binance row. */
function detectLayout(firstLine: string, delimiter: string, lineNumber: number, list: CsvErrorList): Layout | null {
  const fields = firstLine.split(delimiter).map(unquote);
  if (!Number.isNaN(parseTimestampField(fields[0]))) {
    if (fields.length < 6) {
      list.add(lineNumber, 'missing-columns', `a headerless file needs the Binance kline columns (open time, open, high, low, close, volume, ...); found ${fields.length} column(s)`);
      return null;
    }
    return { timeColumn: 0, valueColumns: [1, 2, 3, 4, 5], requiredFields: 6, hasHeader: false };
  }
  const names = fields.map((name) => name.toLowerCase());
  const timeColumn = TIME_COLUMN_NAMES.map((name) => names.indexOf(name)).find((index) => index >= 0) ?? -1;
  const valueColumns = VALUE_NAMES.map((name) => names.indexOf(name));
  const missing = [timeColumn < 0 ? TIME_COLUMN_NAMES.join('|') : null, ...VALUE_NAMES.filter((_, k) => valueColumns[k] < 0)].filter((name) => name !== null);
  if (missing.length > 0) {
    list.add(lineNumber, 'missing-columns', `the header lacks required column(s): ${missing.join(', ')} (found: ${fields.slice(0, 20).map(quoteField).join(', ')})`);
    return null;
  }
  return { timeColumn, valueColumns, requiredFields: Math.max(timeColumn, ...valueColumns) + 1, hasHeader: true };
}

/** Parses and validates an OHLCV CSV file. Never throws for bad input: problems come back as errors. */
export function parseOhlcvCsv(input: string | Uint8Array, options: CsvParseOptions = {}): CsvParseResult {
  const maxErrors = checkedOption('maxErrors', options.maxErrors, DEFAULT_MAX_ERRORS, 1, 100_000);
  const maxLineLength = checkedOption('maxLineLength', options.maxLineLength, DEFAULT_MAX_LINE_LENGTH, 64, 1_048_576);
  const maxBytes = checkedOption('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES, 1, 2 ** 31);
  if (input.length > maxBytes) return fatal(0, 'too-large', `the file is ${input.length} bytes; the import limit is ${maxBytes}`);
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const decoded = decode(input);
    if (typeof decoded !== 'string') return decoded;
    text = decoded;
  }
  if (text.trim().length === 0) return fatal(0, 'empty', 'the file is empty');
  const control = text.search(CONTROL_CHARACTER);
  if (control >= 0) {
    const line = text.slice(0, control).split('\n').length;
    return fatal(line, 'binary', `the file is not text: control character 0x${text.charCodeAt(control).toString(16).padStart(2, '0')} on line ${line}`);
  }
  return parseText(text, maxErrors, maxLineLength);
}

function parseText(text: string, maxErrors: number, maxLineLength: number): CsvParseResult {
  const list = new CsvErrorList(maxErrors);
  let position = 0;
  let lineNumber = 0;
  let blankLines = 0;
  let layout: Layout | null = null;
  let delimiter: ',' | ';' | '\t' = ',';
  let series = createSeries(Math.min(1 << 16, Math.ceil(text.length / 24) + 1));
  let rows = 0;
  let previousTime = Number.NaN;
  let previousTimeLine = 0;
  const values = [0, 0, 0, 0, 0];
  while (position < text.length) {
    let end = text.indexOf('\n', position);
    if (end < 0) end = text.length;
    lineNumber++;
    const lineEnd = end > position && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const lineStart = position;
    position = end + 1;
    if (lineEnd - lineStart > maxLineLength) {
      list.add(lineNumber, 'line-too-long', `line is ${lineEnd - lineStart} characters long; the limit is ${maxLineLength}`);
      if (layout === null) return failure(list); // without a first line there is no layout to check the rest against
      continue;
    }
    const line = text.slice(lineStart, lineEnd);
    if (line.trim().length === 0) {
      if (position < text.length) blankLines++;
      continue;
    }
    if (layout === null) {
      delimiter = line.includes(',') ? ',' : line.includes(';') ? ';' : line.includes('\t') ? '\t' : ',';
      layout = detectLayout(line, delimiter, lineNumber, list);
      if (layout === null) return failure(list);
      if (layout.hasHeader) continue;
    }
    // Split only as far as the last required column.
    const fields: string[] = [];
    let fieldStart = 0;
    while (fields.length < layout.requiredFields) {
      const next = line.indexOf(delimiter, fieldStart);
      if (next < 0) {
        fields.push(line.slice(fieldStart));
        break;
      }
      fields.push(line.slice(fieldStart, next));
      fieldStart = next + 1;
    }
    if (fields.length < layout.requiredFields) {
      list.add(lineNumber, 'short-row', `expected at least ${layout.requiredFields} fields, found ${fields.length}`);
      continue;
    }
    let rowValid = true;
    const timeField = unquote(fields[layout.timeColumn]);
    const time = parseTimestampField(timeField);
    if (Number.isNaN(time)) {
      list.addLazy(lineNumber, 'bad-date', () => `timestamp ${quoteField(timeField)} is not an epoch number or ISO 8601 date in 1980..2199`);
      rowValid = false;
    }
    for (let k = 0; k < 5; k++) {
      let field = fields[layout.valueColumns[k]];
      if (field.charCodeAt(0) === 34 || field.charCodeAt(field.length - 1) === 34) field = unquote(field);
      const value = parseNumber(field);
      values[k] = value;
      if (value !== value || value === Infinity || value === -Infinity) {
        rowValid = false;
        const kind = value !== value && !NON_FINITE_LITERAL.test(field.trim()) ? 'non-numeric' : 'non-finite';
        list.addLazy(lineNumber, kind, () => `${VALUE_NAMES[k]} ${quoteField(field)} is ${kind === 'non-numeric' ? 'not a number' : 'not finite'}`);
      }
    }
    if (!Number.isNaN(time)) {
      if (time === previousTime) {
        list.addLazy(lineNumber, 'duplicate-timestamp', () => `timestamp ${new Date(time).toISOString()} repeats line ${previousTimeLine}`);
        rowValid = false;
      } else if (time < previousTime) {
        list.addLazy(lineNumber, 'non-monotonic', () => `timestamp ${new Date(time).toISOString()} is earlier than line ${previousTimeLine} (${new Date(previousTime).toISOString()})`);
        rowValid = false;
      }
      previousTime = time;
      previousTimeLine = lineNumber;
    }
    if (!rowValid) continue;
    const [open, high, low, close, volume] = values;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      list.addLazy(lineNumber, 'non-positive-price', () => `prices must be positive (open ${open}, high ${high}, low ${low}, close ${close})`);
      rowValid = false;
    }
    if (volume < 0) {
      list.addLazy(lineNumber, 'negative-volume', () => `volume ${volume} is negative`);
      rowValid = false;
    }
    if (high < low) {
      list.addLazy(lineNumber, 'high-below-low', () => `high ${high} is below low ${low}`);
      rowValid = false;
    } else if (open < low || open > high || close < low || close > high) {
      list.addLazy(lineNumber, 'price-outside-range', () => `open ${open} or close ${close} is outside [low ${low}, high ${high}]`);
      rowValid = false;
    }
    if (!rowValid || list.count > 0) continue; // once rejected, only keep looking for problems
    if (rows === series.length) series = grow(series);
    series.timestamps[rows] = time;
    series.open[rows] = open;
    series.high[rows] = high;
    series.low[rows] = low;
    series.close[rows] = close;
    series.volume[rows] = volume;
    rows++;
  }
  if (list.count > 0) return failure(list);
  if (layout === null) return fatal(0, 'empty', 'the file is empty');
  if (rows === 0) return fatal(lineNumber, 'no-rows', 'the file has a header but no data rows');
  const result = truncateSeries(series, rows);
  const intervalMs = medianInterval(result.timestamps);
  return {
    ok: true,
    series: result,
    report: {
      format: layout.hasHeader ? 'generic' : 'binance',
      hasHeader: layout.hasHeader,
      delimiter,
      rows,
      blankLines,
      intervalMs,
      gaps: detectGaps(result.timestamps, intervalMs),
    },
  };
}

function grow(series: OhlcvSeries): OhlcvSeries {
  const bigger = createSeries(series.length * 2);
  bigger.timestamps.set(series.timestamps);
  bigger.open.set(series.open);
  bigger.high.set(series.high);
  bigger.low.set(series.low);
  bigger.close.set(series.close);
  bigger.volume.set(series.volume);
  return bigger;
}
