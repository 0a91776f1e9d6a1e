// Dataset names and the store's error type. Names are lowercase (macOS file systems ignore case, so
// `BTC` and `btc` must be one dataset), filesystem-safe, and `default` is reserved for the embedded
// dataset.

import { basename, extname } from 'node:path';

export const DEFAULT_DATASET_NAME = 'default';
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Why a store operation failed; the CLI and IPC map codes to exit codes and messages. */
export type DatasetErrorCode = 'not-found' | 'exists' | 'read-only' | 'invalid-name' | 'io' | 'corrupt';

export class DatasetError extends Error {
  override name = 'DatasetError';
  readonly code: DatasetErrorCode;

  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A name as stored (lowercased), or a DatasetError saying what is wrong with it. */
export function normaliseDatasetName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (!NAME_PATTERN.test(lower)) {
    throw new DatasetError(
      'invalid-name',
      `dataset name ${JSON.stringify(name)} is invalid: use 1-64 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return lower;
}

/** A dataset name derived from a file name: `BTCUSDT-1m-2024-01.csv` -> `btcusdt-1m-2024-01`. */
export function datasetNameFromFile(file: string): string {
  const stem = basename(file, extname(file)).toLowerCase();
  const cleaned = stem.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'dataset';
}
