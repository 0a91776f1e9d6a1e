// Binary series format: lossless round trips, compact encodings chosen when lossless, and clear
// errors for anything that is not an intact series file.
import { describe, expect, it } from 'vitest';
import { decodeSeries, encodeSeries, readSeriesHeader, SERIES_HEADER_BYTES, SeriesFormatError } from '../../../src/core/market/binary.ts';
import { createSeries, type OhlcvSeries } from '../../../src/core/market/series.ts';

function sampleSeries(length: number, regular: boolean, precise: boolean): OhlcvSeries {
  const series = createSeries(length);
  for (let i = 0; i < length; i++) {
    series.timestamps[i] = 1_700_000_000_000 + i * 60_000 + (regular || i < 2 ? 0 : i * 7);
    const price = precise ? 42_000.12 + i * 0.01 : 1000 + i * 0.5;
    series.open[i] = price;
    series.high[i] = price + 1;
    series.low[i] = price - 1;
    series.close[i] = price + 0.25;
    series.volume[i] = precise ? 0.1 * i : i;
  }
  return series;
}

function expectSameSeries(a: OhlcvSeries, b: OhlcvSeries): void {
  expect(b.length).toBe(a.length);
  for (const key of ['timestamps', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(b[key])).toEqual(Array.from(a[key]));
}

describe('series binary format', () => {
  it('round-trips Float64 values and irregular timestamps exactly', () => {
    const series = sampleSeries(50, false, true);
    const bytes = encodeSeries(series);
    const header = readSeriesHeader(bytes);
    expect(header).toMatchObject({ version: 1, rows: 50, regularTimestamps: false, valuePrecision: 'float64' });
    expect(bytes.length).toBe(SERIES_HEADER_BYTES + 50 * 8 * 6);
    expectSameSeries(series, decodeSeries(bytes).series);
  });

  it('stores implied timestamps and Float32 columns when that is lossless', () => {
    const series = sampleSeries(100, true, false);
    const bytes = encodeSeries(series);
    expect(readSeriesHeader(bytes)).toMatchObject({ regularTimestamps: true, valuePrecision: 'float32', intervalMs: 60_000 });
    expect(bytes.length).toBe(SERIES_HEADER_BYTES + 100 * 4 * 5);
    expectSameSeries(series, decodeSeries(bytes).series);
  });

  it('decodes from an unaligned view', () => {
    const bytes = encodeSeries(sampleSeries(10, false, true));
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expectSameSeries(decodeSeries(bytes).series, decodeSeries(padded.subarray(3)).series);
  });

  it('handles empty and single-bar series', () => {
    expect(decodeSeries(encodeSeries(createSeries(0))).series.length).toBe(0);
    expectSameSeries(sampleSeries(1, true, true), decodeSeries(encodeSeries(sampleSeries(1, true, true))).series);
  });

  it('rejects bad magic, unknown versions, truncation and corruption with clear errors', () => {
    const bytes = encodeSeries(sampleSeries(20, true, true));
    expect(() => decodeSeries(new TextEncoder().encode('hello world, not a series file at all, padding padding padding!!'))).toThrow(/bad magic/);
    expect(() => decodeSeries(bytes.subarray(0, 10))).toThrow(/shorter than/);
    const future = bytes.slice();
    future[8] = 99;
    expect(() => decodeSeries(future)).toThrow(/version 99/);
    expect(() => decodeSeries(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(() => decodeSeries(corrupt)).toThrow(SeriesFormatError);
    expect(() => decodeSeries(corrupt)).toThrow(/checksum/);
  });

  it('the checksum identifies content', () => {
    const a = readSeriesHeader(encodeSeries(sampleSeries(20, true, true))).checksum;
    const changed = sampleSeries(20, true, true);
    changed.close[5] += 0.01;
    expect(readSeriesHeader(encodeSeries(changed)).checksum).not.toBe(a);
    expect(readSeriesHeader(encodeSeries(sampleSeries(20, true, true))).checksum).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });
});
