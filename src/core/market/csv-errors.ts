// The problems CSV import reports, each with a line number, and the bounded list that collects
// them: every problem is counted, but only the first few hundred are kept, so a file with a
// million bad rows still produces a small, readable report quickly.

/** Every kind of problem CSV import can report, with what it means. */
export const CSV_ERROR_KINDS = {
  empty: 'the file has no content',
  'too-large': 'the file is larger than the import limit',
  binary: 'the file is not text (control bytes or invalid UTF-8)',
  'line-too-long': 'a line is longer than the line limit',
  'missing-columns': 'the header lacks a required column, or a headerless file has fewer than 6 columns',
  'no-rows': 'there is a header but no data rows',
  'short-row': 'a row has fewer fields than the required columns need',
  'non-numeric': 'a price or volume field is not a number',
  'non-finite': 'a price or volume field is NaN or Infinity',
  'bad-date': 'the timestamp is neither an epoch number (s, ms, us, ns) nor an ISO 8601 date in 1980..2199',
  'non-monotonic': 'the timestamp is earlier than the previous row',
  'duplicate-timestamp': 'the timestamp equals the previous row',
  'high-below-low': 'high is below low',
  'price-outside-range': 'open or close is outside [low, high]',
  'non-positive-price': 'a price is zero or negative',
  'negative-volume': 'volume is negative',
  'not-a-file': 'the path is not a regular file (a directory, device or pipe)',
  'too-few-rows': 'too few bars for the train, validation and test splits after the feature warm-up',
} as const;

export type CsvErrorKind = keyof typeof CSV_ERROR_KINDS;

/** One problem: 1-based physical line number in the file (0 when it concerns the whole file). */
export interface CsvError {
  readonly line: number;
  readonly kind: CsvErrorKind;
  readonly message: string;
}

/** Keeps the first `limit` errors and counts all of them. */
export class CsvErrorList {
  readonly errors: CsvError[] = [];
  count = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  add(line: number, kind: CsvErrorKind, message: string): void {
    this.count++;
    if (this.errors.length < this.limit) this.errors.push({ line, kind, message });
  }

  /** Adds an error whose message is only built when it will be kept (the common case is a huge count). */
  addLazy(line: number, kind: CsvErrorKind, message: () => string): void {
    this.count++;
    if (this.errors.length < this.limit) this.errors.push({ line, kind, message: message() });
  }
}

/** A field shown in a message, cut so a pathological value cannot bloat the report. */
export function quoteField(field: string): string {
  const shown = field.length > 40 ? `${field.slice(0, 40)}…` : field;
  return JSON.stringify(shown);
}
