// CSV import: every accepted format, every validation kind with its line number, and the
// pathological inputs (binary, one 5 MB line, empty) that must fail fast with a clear message.
import { describe, expect, it } from 'vitest';
import { parseOhlcvCsv, type CsvParseResult } from '../../../src/core/market/csv.ts';

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** A Binance kline row (12 columns) for bar i at the given time unit. */
function binanceRow(i: number, unit: 'ms' | 'us' = 'ms', price = 100 + i): string {
  const open = T0 + i * MINUTE;
  const scale = unit === 'us' ? 1000 : 1;
  return [open * scale, price, price + 2, price - 1, price + 1, 12.5, (open + MINUTE - 1) * scale, 1250, 42, 6, 600, 0].join(',');
}

function ok(result: CsvParseResult) {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result;
}

function failed(result: CsvParseResult) {
  if (result.ok) throw new Error('expected rejection');
  return result;
}

const HEADER = 'timestamp,open,high,low,close,volume';

describe('parseOhlcvCsv: accepted formats', () => {
  it('reads headerless Binance klines with millisecond open times', () => {
    const result = ok(parseOhlcvCsv([0, 1, 2].map((i) => binanceRow(i)).join('\n') + '\n'));
    expect(result.report).toMatchObject({ format: 'binance', hasHeader: false, rows: 3, intervalMs: MINUTE });
    expect(Array.from(result.series.timestamps)).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE]);
    expect(Array.from(result.series.close)).toEqual([101, 102, 103]);
    expect(result.series.volume[0]).toBe(12.5);
  });

  it('reads Binance microsecond open times (spot files since 2025) and mixed ms/us files', () => {
    const micro = ok(parseOhlcvCsv([0, 1].map((i) => binanceRow(i, 'us')).join('\n')));
    expect(Array.from(micro.series.timestamps)).toEqual([T0, T0 + MINUTE]);
    const mixed = ok(parseOhlcvCsv([binanceRow(0, 'ms'), binanceRow(1, 'us')].join('\n')));
    expect(Array.from(mixed.series.timestamps)).toEqual([T0, T0 + MINUTE]);
  });

  it('reads headed Binance files', () => {
    const header = 'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
    const result = ok(parseOhlcvCsv([header, binanceRow(0), binanceRow(1)].join('\n')));
    expect(result.report).toMatchObject({ format: 'generic', hasHeader: true, rows: 2 });
  });

  it('reads generic CSV with reordered columns, seconds, quotes, BOM and CRLF', () => {
    const text = '\uFEFFVolume,Close,Low,High,Open,"Time"\r\n' + `5,11,9,12,10,${T0 / 1000}\r\n` + `6,12,10,13,11,${T0 / 1000 + 60}\r\n`;
    const result = ok(parseOhlcvCsv(text));
    expect(Array.from(result.series.timestamps)).toEqual([T0, T0 + MINUTE]);
    expect(Array.from(result.series.open)).toEqual([10, 11]);
    expect(Array.from(result.series.volume)).toEqual([5, 6]);
  });

  it('reads bytes with a UTF-8 BOM', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${HEADER}\n2024-01-01,1,2,0.5,1.5,10\n`);
    expect(bytes[0]).toBe(0xef);
    expect(ok(parseOhlcvCsv(bytes)).series.length).toBe(1);
  });

  it('reads ISO 8601 dates, date-times with offsets and fractional seconds, as UTC', () => {
    const rows = ['2024-01-01,1,2,0.5,1.5,10', '2024-01-01T00:01:00Z,1,2,0.5,1.5,10', '2024-01-01 00:02:00.500,1,2,0.5,1.5,10', '2024-01-01T02:03:00+02:00,1,2,0.5,1.5,10'];
    const result = ok(parseOhlcvCsv(['date,open,high,low,close,volume', ...rows].join('\n')));
    expect(Array.from(result.series.timestamps)).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE + 500, T0 + 3 * MINUTE]);
  });

  it('accepts semicolon and tab delimiters and skips blank lines', () => {
    const semicolon = ok(parseOhlcvCsv(`timestamp;open;high;low;close;volume\n${T0};1;2;0.5;1.5;1\n\n${T0 + MINUTE};1;2;0.5;1.5;1\n`));
    expect(semicolon.report).toMatchObject({ delimiter: ';', rows: 2, blankLines: 1 });
    const tab = ok(parseOhlcvCsv(`time\topen\thigh\tlow\tclose\tvolume\n${T0}\t1\t2\t0.5\t1.5\t1`));
    expect(tab.report.delimiter).toBe('\t');
  });

  it('reports gaps: count, largest and missing bars', () => {
    const rows = [0, 1, 2, 5, 6, 16].map((i) => binanceRow(i));
    const result = ok(parseOhlcvCsv(rows.join('\n')));
    expect(result.report.gaps).toEqual({ count: 2, largestMs: 10 * MINUTE, missingBars: 2 + 9 });
  });
});

describe('parseOhlcvCsv: validation kinds with line numbers', () => {
  const cases: Array<[string, string, number, string]> = [
    ['short-row', `${T0},1,2,0.5`, 3, 'short-row'],
    ['non-numeric', `${T0 + 60_000},1,abc,0.5,1.5,1`, 3, 'non-numeric'],
    ['empty field', `${T0 + 60_000},1,,0.5,1.5,1`, 3, 'non-numeric'],
    ['hex number', `${T0 + 60_000},0x10,20,0.5,1.5,1`, 3, 'non-numeric'],
    ['NaN', `${T0 + 60_000},NaN,2,0.5,1.5,1`, 3, 'non-finite'],
    ['Infinity', `${T0 + 60_000},1,Infinity,0.5,1.5,1`, 3, 'non-finite'],
    ['bad date', `2024-02-30,1,2,0.5,1.5,1`, 3, 'bad-date'],
    ['date before 1980', `1000,1,2,0.5,1.5,1`, 3, 'bad-date'],
    ['duplicate timestamp', `${T0},1,2,0.5,1.5,1`, 3, 'duplicate-timestamp'],
    ['non-monotonic', `${T0 - 60_000},1,2,0.5,1.5,1`, 3, 'non-monotonic'],
    ['high below low', `${T0 + 60_000},1,0.4,0.5,0.45,1`, 3, 'high-below-low'],
    ['open above high', `${T0 + 60_000},3,2,0.5,1.5,1`, 3, 'price-outside-range'],
    ['close below low', `${T0 + 60_000},1,2,0.5,0.2,1`, 3, 'price-outside-range'],
    ['zero price', `${T0 + 60_000},0,2,0,1.5,1`, 3, 'non-positive-price'],
    ['negative volume', `${T0 + 60_000},1,2,0.5,1.5,-1`, 3, 'negative-volume'],
  ];
  for (const [label, row, line, kind] of cases) {
    it(`${label} -> ${kind} on line ${line}`, () => {
      const text = [HEADER, `${T0},1,2,0.5,1.5,1`, row, `${T0 + 120_000},1,2,0.5,1.5,1`].join('\n');
      const result = failed(parseOhlcvCsv(text));
      expect(result.errors).toContainEqual(expect.objectContaining({ line, kind }));
      expect(result.errors.every((error) => error.message.length > 0)).toBe(true);
    });
  }

  it('missing columns in the header name what is missing', () => {
    const result = failed(parseOhlcvCsv('timestamp,open,high,close\n1,2,3,4'));
    expect(result.errors).toEqual([expect.objectContaining({ line: 1, kind: 'missing-columns' })]);
    expect(result.errors[0].message).toContain('low');
    expect(result.errors[0].message).toContain('volume');
    const noTime = failed(parseOhlcvCsv('when,open,high,low,close,volume\n'));
    expect(noTime.errors[0].message).toContain('timestamp|time|date|open_time');
  });

  it('a headerless file with too few columns is missing columns', () => {
    expect(failed(parseOhlcvCsv(`${T0},1,2,3`)).errors[0]).toMatchObject({ line: 1, kind: 'missing-columns' });
  });

  it('reports every problem in the file, all or nothing, with line numbers', () => {
    const lines = [HEADER, `${T0},1,2,0.5,1.5,1`, `${T0 + MINUTE},x,2,0.5,1.5,1`, `${T0 + 2 * MINUTE},1,2,0.5,1.5,1`, `${T0 + 2 * MINUTE},1,2,0.5,1.5,1`, `${T0 + 4 * MINUTE},1,2,3,1.5,1`];
    const result = failed(parseOhlcvCsv(lines.join('\n')));
    expect(result.errors.map((error) => [error.line, error.kind])).toEqual([
      [3, 'non-numeric'],
      [5, 'duplicate-timestamp'],
      [6, 'high-below-low'],
    ]);
    expect(result.errorCount).toBe(3);
  });

  it('caps the listed errors but counts them all', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${T0 + i * MINUTE},1,2,0.5,9,1`);
    const result = failed(parseOhlcvCsv([HEADER, ...rows].join('\n'), { maxErrors: 10 }));
    expect(result.errors).toHaveLength(10);
    expect(result.errorCount).toBe(1000);
    expect(result.truncated).toBe(true);
    expect(result.errors[9].line).toBe(11);
  });

  it('reports a too-long line and keeps going', () => {
    const long = `${T0 + MINUTE},1,2,0.5,1.5,${'1'.repeat(5000)}`;
    const result = failed(parseOhlcvCsv([HEADER, `${T0},1,2,0.5,1.5,1`, long].join('\n')));
    expect(result.errors).toEqual([expect.objectContaining({ line: 3, kind: 'line-too-long' })]);
  });

  it('rejects a header with no rows', () => {
    expect(failed(parseOhlcvCsv(`${HEADER}\n`)).errors[0].kind).toBe('no-rows');
  });

  it('rejects bad options naming the option', () => {
    expect(() => parseOhlcvCsv('', { maxErrors: 0 })).toThrow(/maxErrors/);
  });
});

describe('parseOhlcvCsv: pathological input fails fast and clearly', () => {
  it('empty and whitespace-only files', () => {
    expect(failed(parseOhlcvCsv('')).errors[0]).toMatchObject({ kind: 'empty', message: 'the file is empty' });
    expect(failed(parseOhlcvCsv(new Uint8Array(0))).errors[0].kind).toBe('empty');
    expect(failed(parseOhlcvCsv(' \n\r\n')).errors[0].kind).toBe('empty');
  });

  it('binary garbage: invalid UTF-8 and control bytes, with the line', () => {
    const garbage = new Uint8Array(4096);
    let state = 7;
    for (let i = 0; i < garbage.length; i++) garbage[i] = state = (state * 1103515245 + 12345) & 0xff;
    const result = failed(parseOhlcvCsv(garbage));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].kind).toBe('binary');
    const withNul = new TextEncoder().encode(`${HEADER}\n${T0},1,2,0.5,1.5,1\n\0\0\0`);
    expect(failed(parseOhlcvCsv(withNul)).errors[0]).toMatchObject({ kind: 'binary', line: 3 });
  });

  it('a 5 MB single line is rejected with its length (a hang would hit the test timeout)', () => {
    const line = 'a'.repeat(5 * 1024 * 1024);
    const result = failed(parseOhlcvCsv(line));
    expect(result.errors).toEqual([expect.objectContaining({ line: 1, kind: 'line-too-long' })]);
    expect(result.errors[0].message).toContain(String(line.length));
  });

  it('rejects input over the size limit before reading it', () => {
    expect(failed(parseOhlcvCsv('x'.repeat(100), { maxBytes: 10 })).errors[0].kind).toBe('too-large');
  });
});
