// The on-disk feature cache: one file per (dataset content, feature config), named by the content
// hash key, holding the normalisation statistics and both normalised matrices. A hit reads the file
// straight into one SharedArrayBuffer and hands out Float32Array views of it, so nothing is copied
// and worker threads can share the arrays. Files are written to a temp name and renamed into place.

import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureMatrices } from '../../core/features/pipeline.ts';

export const FEATURE_CACHE_MAGIC = 'TDKFEAT1';
export const FEATURE_CACHE_VERSION = 1;
const HEADER_BYTES = 64;
/** Where each cache file's matrices start: after the header and 4 x 60 Float64 statistics (8-byte aligned). */
function statsBytes(macroSize: number, microSize: number): number {
  return 2 * (macroSize + microSize) * 8;
}

/** File name of a cache entry; the dataset checksum prefix lets `remove` find a dataset's entries. */
export function featureCacheFileName(datasetChecksum: string, featureKey: string): string {
  return `${datasetChecksum}-${featureKey}.features`;
}

/** The 64-byte header: magic, version, rows, sizes and the feature key. */
function encodeHeader(features: FeatureMatrices, featureKey: string): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode(FEATURE_CACHE_MAGIC), 0);
  view.setUint32(8, FEATURE_CACHE_VERSION, true);
  view.setUint32(12, features.rows, true);
  view.setUint32(16, features.macroSize, true);
  view.setUint32(20, features.microSize, true);
  header.set(new TextEncoder().encode(featureKey.slice(0, 16)), 24);
  return header;
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes a cache entry atomically (temp file in the same directory, then rename). */
export async function writeFeatureCache(directory: string, fileName: string, featureKey: string, features: FeatureMatrices): Promise<void> {
  await mkdir(directory, { recursive: true });
  const target = join(directory, fileName);
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  const stats = new Float64Array(statsBytes(features.macroSize, features.microSize) / 8);
  stats.set(features.macroStats.mean, 0);
  stats.set(features.macroStats.std, features.macroSize);
  stats.set(features.microStats.mean, 2 * features.macroSize);
  stats.set(features.microStats.std, 2 * features.macroSize + features.microSize);
  const handle = await open(temporary, 'w');
  try {
    for (const part of [encodeHeader(features, featureKey), bytesOf(stats), bytesOf(features.macro), bytesOf(features.micro)]) {
      let written = 0;
      while (written < part.length) written += (await handle.write(part, written, part.length - written)).bytesWritten;
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, target);
}

/**
 * Reads a cache entry into one SharedArrayBuffer. Returns null when the file does not exist; throws
 * when it exists but does not match (wrong key, rows or size), so a stale entry is never used.
 */
export async function readFeatureCache(directory: string, fileName: string, featureKey: string, rows: number): Promise<FeatureMatrices | null> {
  const path = join(directory, fileName);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const shared = new SharedArrayBuffer(size);
    const bytes = new Uint8Array(shared);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(bytes, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return decodeFeatureCache(shared, read, featureKey, rows, path);
  } finally {
    await handle.close();
  }
}

function decodeFeatureCache(shared: SharedArrayBuffer, size: number, featureKey: string, rows: number, path: string): FeatureMatrices {
  const bytes = new Uint8Array(shared, 0, size);
  const fail = (problem: string): never => {
    throw new Error(`feature cache file ${path} is unusable: ${problem}`);
  };
  if (size < HEADER_BYTES) fail('shorter than its header');
  const view = new DataView(shared, 0, HEADER_BYTES);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== FEATURE_CACHE_MAGIC) fail('bad magic bytes');
  if (view.getUint32(8, true) !== FEATURE_CACHE_VERSION) fail(`version ${view.getUint32(8, true)} is not ${FEATURE_CACHE_VERSION}`);
  if (new TextDecoder().decode(bytes.subarray(24, 40)) !== featureKey) fail('it belongs to another feature key');
  const fileRows = view.getUint32(12, true);
  const macroSize = view.getUint32(16, true);
  const microSize = view.getUint32(20, true);
  if (fileRows !== rows) fail(`it has ${fileRows} rows, the dataset ${rows}`);
  const statsOffset = HEADER_BYTES;
  const macroOffset = statsOffset + statsBytes(macroSize, microSize);
  const microOffset = macroOffset + rows * macroSize * 4;
  const expected = microOffset + rows * microSize * 4;
  if (size !== expected) fail(`it is ${size} bytes, expected ${expected}`);
  const stats = new Float64Array(shared, statsOffset, 2 * (macroSize + microSize));
  return {
    rows,
    macroSize,
    microSize,
    macro: new Float32Array(shared, macroOffset, rows * macroSize),
    micro: new Float32Array(shared, microOffset, rows * microSize),
    macroStats: { mean: stats.subarray(0, macroSize), std: stats.subarray(macroSize, 2 * macroSize) },
    microStats: { mean: stats.subarray(2 * macroSize, 2 * macroSize + microSize), std: stats.subarray(2 * macroSize + microSize) },
  };
}

/** Deletes every cache entry of a dataset checksum; returns how many were removed. */
export async function removeFeatureCaches(directory: string, datasetChecksum: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const doomed = names.filter((name) => name.startsWith(`${datasetChecksum}-`));
  await Promise.all(doomed.map((name) => rm(join(directory, name), { force: true })));
  return doomed.length;
}

/** Total bytes of the cache directory (for diagnostics). */
export async function featureCacheBytes(directory: string): Promise<number> {
  try {
    const names = await readdir(directory);
    const sizes = await Promise.all(names.map(async (name) => (await stat(join(directory, name))).size));
    return sizes.reduce((a, b) => a + b, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
