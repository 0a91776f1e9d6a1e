// The compact on-disk form of an OHLCV series: a 64-byte versioned header followed by raw
// little-endian typed-array columns. Timestamps are implied (start + i * interval) when the series
// is perfectly regular, and values are stored as Float32 when that is lossless (or when asked to).
// Pure: Uint8Array in and out; the host does the file I/O.

import { contentHash } from '../features/content-hash.ts';
import { createSeries, VALUE_COLUMNS, type OhlcvSeries } from './series.ts';

export const SERIES_MAGIC = 'TDKOHLCV';
export const SERIES_FORMAT_VERSION = 1;
export const SERIES_HEADER_BYTES = 64;

const TIMESTAMPS_COLUMN = 0;
const TIMESTAMPS_REGULAR = 1;
const VALUES_FLOAT64 = 0;
const VALUES_FLOAT32 = 1;

/** `auto` stores Float32 only when every value survives the round trip exactly. */
export type ValuePrecision = 'auto' | 'float32' | 'float64';

/** What the header says about an encoded series. */
export interface SeriesFileHeader {
  readonly version: number;
  readonly rows: number;
  readonly regularTimestamps: boolean;
  readonly valuePrecision: 'float32' | 'float64';
  readonly startMs: number;
  readonly intervalMs: number;
  /** Content hash of the payload (16 hex digits); it doubles as the dataset's identity for caches. */
  readonly checksum: string;
}

/** Thrown when bytes are not a valid encoded series. */
export class SeriesFormatError extends Error {
  override name = 'SeriesFormatError';
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new SeriesFormatError('series files need a little-endian machine');
}

function isRegular(timestamps: Float64Array): boolean {
  if (timestamps.length < 2) return true;
  const start = timestamps[0];
  const interval = timestamps[1] - timestamps[0];
  for (let i = 2; i < timestamps.length; i++) if (timestamps[i] !== start + i * interval) return false;
  return true;
}

function fitsFloat32(series: OhlcvSeries): boolean {
  for (const column of VALUE_COLUMNS) {
    const values = series[column];
    for (let i = 0; i < values.length; i++) if (Math.fround(values[i]) !== values[i]) return false;
  }
  return true;
}

/** Encodes a series. The payload checksum is stored in the header. */
export function encodeSeries(series: OhlcvSeries, precision: ValuePrecision = 'auto'): Uint8Array {
  assertLittleEndian();
  const rows = series.length;
  const regular = isRegular(series.timestamps);
  const float32 = precision === 'float32' || (precision === 'auto' && fitsFloat32(series));
  const valueBytes = float32 ? 4 : 8;
  const timestampBytes = regular ? 0 : rows * 8;
  const bytes = new Uint8Array(SERIES_HEADER_BYTES + timestampBytes + 5 * rows * valueBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(SERIES_MAGIC), 0);
  view.setUint32(8, SERIES_FORMAT_VERSION, true);
  view.setUint32(12, rows, true);
  view.setUint8(16, regular ? TIMESTAMPS_REGULAR : TIMESTAMPS_COLUMN);
  view.setUint8(17, float32 ? VALUES_FLOAT32 : VALUES_FLOAT64);
  view.setFloat64(24, rows > 0 ? series.timestamps[0] : 0, true);
  view.setFloat64(32, rows > 1 ? series.timestamps[1] - series.timestamps[0] : 0, true);
  let offset = SERIES_HEADER_BYTES;
  if (!regular) {
    new Float64Array(bytes.buffer, offset, rows).set(series.timestamps);
    offset += timestampBytes;
  }
  for (const column of VALUE_COLUMNS) {
    const target = float32 ? new Float32Array(bytes.buffer, offset, rows) : new Float64Array(bytes.buffer, offset, rows);
    target.set(series[column]);
    offset += rows * valueBytes;
  }
  const checksum = contentHash(bytes.subarray(SERIES_HEADER_BYTES));
  bytes.set(new TextEncoder().encode(checksum), 40);
  return bytes;
}

/** Reads and checks the header (not the payload checksum). */
export function readSeriesHeader(bytes: Uint8Array): SeriesFileHeader {
  if (bytes.length < SERIES_HEADER_BYTES) throw new SeriesFormatError(`not a series file: ${bytes.length} bytes is shorter than the ${SERIES_HEADER_BYTES}-byte header`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== SERIES_MAGIC) throw new SeriesFormatError('not a series file: bad magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, SERIES_HEADER_BYTES);
  const version = view.getUint32(8, true);
  if (version !== SERIES_FORMAT_VERSION) throw new SeriesFormatError(`series file version ${version} is not supported (this build reads version ${SERIES_FORMAT_VERSION})`);
  const timestampEncoding = view.getUint8(16);
  const valueEncoding = view.getUint8(17);
  if (timestampEncoding > TIMESTAMPS_REGULAR || valueEncoding > VALUES_FLOAT32) throw new SeriesFormatError('series file header has an unknown column encoding');
  return {
    version,
    rows: view.getUint32(12, true),
    regularTimestamps: timestampEncoding === TIMESTAMPS_REGULAR,
    valuePrecision: valueEncoding === VALUES_FLOAT32 ? 'float32' : 'float64',
    startMs: view.getFloat64(24, true),
    intervalMs: view.getFloat64(32, true),
    checksum: new TextDecoder().decode(bytes.subarray(40, 56)),
  };
}

/** Decodes a series (copying into fresh Float64Array columns), verifying size and checksum. */
export function decodeSeries(bytes: Uint8Array): { series: OhlcvSeries; header: SeriesFileHeader } {
  assertLittleEndian();
  const header = readSeriesHeader(bytes);
  const { rows } = header;
  const valueBytes = header.valuePrecision === 'float32' ? 4 : 8;
  const expected = SERIES_HEADER_BYTES + (header.regularTimestamps ? 0 : rows * 8) + 5 * rows * valueBytes;
  if (bytes.length !== expected) throw new SeriesFormatError(`series file is truncated or padded: ${bytes.length} bytes, expected ${expected} for ${rows} rows`);
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const payload = aligned.subarray(SERIES_HEADER_BYTES);
  if (contentHash(payload) !== header.checksum) throw new SeriesFormatError('series file is corrupt: payload checksum mismatch');
  const series = createSeries(rows);
  let offset = aligned.byteOffset + SERIES_HEADER_BYTES;
  if (header.regularTimestamps) {
    for (let i = 0; i < rows; i++) series.timestamps[i] = header.startMs + i * header.intervalMs;
  } else {
    series.timestamps.set(new Float64Array(aligned.buffer, offset, rows));
    offset += rows * 8;
  }
  for (const column of VALUE_COLUMNS) {
    series[column].set(valueBytes === 4 ? new Float32Array(aligned.buffer, offset, rows) : new Float64Array(aligned.buffer, offset, rows));
    offset += rows * valueBytes;
  }
  return { series, header };
}

/** The checksum stored in an encoded series (its content identity), without decoding the payload. */
export function seriesChecksum(bytes: Uint8Array): string {
  return readSeriesHeader(bytes).checksum;
}
