// DatasetStore on a temp directory: list/info/import/remove, all-or-nothing imports, the read-only
// embedded default, and the feature cache (a hit returns identical, shared arrays).
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRegimeMarket } from '../../../src/core/market/generator.ts';
import { DatasetError, DatasetStore } from '../../../src/host/datasets/store.ts';

let root: string;
let inputs: string;

/** A headerless Binance kline CSV of `bars` one-minute bars from the generator. */
function binanceCsv(bars: number, seed = 3): string {
  const { series } = generateRegimeMarket({ bars, seed });
  const lines: string[] = [];
  for (let t = 0; t < bars; t++) {
    const open = series.timestamps[t];
    lines.push([open, series.open[t], series.high[t], series.low[t], series.close[t], series.volume[t], open + 59_999, 0, 0, 0, 0, 0].join(','));
  }
  return `${lines.join('\n')}\n`;
}

async function expectNoLeftovers(): Promise<void> {
  const staging = await readdir(join(root, '.staging')).catch(() => []);
  expect(staging).toEqual([]);
}

function expectDatasetError(promise: Promise<unknown>, code: string): Promise<void> {
  return expect(promise).rejects.toSatisfy((error) => error instanceof DatasetError && error.code === code);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-datasets-'));
  inputs = await mkdtemp(join(tmpdir(), 'traindeck-inputs-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(inputs, { recursive: true, force: true });
});

describe('DatasetStore', () => {
  it('lists the embedded default first, ready at first launch, read-only', async () => {
    const store = new DatasetStore({ rootDir: join(root, 'not-yet-created') });
    const list = await store.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'default', builtin: true, rows: 200_000, intervalMs: 60_000, importedAt: null, firstTimestamp: '2024-01-01T00:00:00.000Z' });
    const info = await store.info('DEFAULT');
    expect(info.gaps).toEqual({ count: 0, largestMs: 0, missingBars: 0 });
    expect(info.source.kind).toBe('generated');
    expect(info.storedBytes).toBeLessThan(5_000_000);
    await expectDatasetError(store.remove('default'), 'read-only');
  });

  it('imports a CSV file, derives a lowercase name, and shows it in list and info', async () => {
    const file = join(inputs, 'BTCUSDT-1m 2024.csv');
    await writeFile(file, binanceCsv(2500));
    const store = new DatasetStore({ rootDir: root });
    const result = await store.importCsv(file);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.info).toMatchObject({ name: 'btcusdt-1m-2024', builtin: false, rows: 2500, intervalMs: 60_000 });
    expect(result.report.format).toBe('binance');
    expect(result.info.source).toMatchObject({ kind: 'csv', file: 'BTCUSDT-1m 2024.csv' });
    expect((await store.list()).map((d) => d.name)).toEqual(['default', 'btcusdt-1m-2024']);
    const fresh = new DatasetStore({ rootDir: root });
    expect(await fresh.info('btcusdt-1m-2024')).toEqual(result.info);
    const series = await fresh.loadSeries('btcusdt-1m-2024');
    expect(series.close[2499]).toBe(generateRegimeMarket({ bars: 2500, seed: 3 }).series.close[2499]);
    expect(await readdir(join(root, 'btcusdt-1m-2024'))).toEqual(['meta.json', 'series.bin']);
    await expectNoLeftovers();
  });

  it('a rejected file returns its errors and leaves no dataset behind', async () => {
    const lines = binanceCsv(50).trim().split('\n');
    lines[10] = lines[10].replace(/^(\d+),([\d.]+)/, '$1,oops');
    lines[20] = lines[19];
    const file = join(inputs, 'bad.csv');
    await writeFile(file, lines.join('\n'));
    const store = new DatasetStore({ rootDir: root });
    const result = await store.importCsv(file, { name: 'bad' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.kind])).toEqual([[11, 'non-numeric'], [21, 'duplicate-timestamp']]);
    expect((await store.list()).map((d) => d.name)).toEqual(['default']);
    await expectDatasetError(store.info('bad'), 'not-found');
    await expectNoLeftovers();
  });

  it('rejects binary garbage and empty files without storing anything', async () => {
    const store = new DatasetStore({ rootDir: root });
    const garbage = join(inputs, 'garbage.csv');
    await writeFile(garbage, Uint8Array.from({ length: 2048 }, (_, i) => (i * 151 + 7) & 0xff));
    const binary = await store.importCsv(garbage);
    expect(binary.ok === false && binary.errors[0].kind).toBe('binary');
    const empty = join(inputs, 'empty.csv');
    await writeFile(empty, '');
    const nothing = await store.importCsv(empty);
    expect(nothing.ok === false && nothing.errors[0].message).toBe('the file is empty');
    expect((await store.list()).map((d) => d.name)).toEqual(['default']);
  });

  it('refuses devices and directories without reading them, and files over the limit', async () => {
    const store = new DatasetStore({ rootDir: root, csv: { maxBytes: 4096 } });
    const kindOf = async (path: string) => {
      const result = await store.importCsv(path, { name: 'refused' });
      return result.ok ? 'imported' : result.errors[0].kind;
    };
    // /dev/zero reports size 0 and never ends; before the regular-file check it was read forever.
    if (existsSync('/dev/zero')) expect(await kindOf('/dev/zero')).toBe('not-a-file');
    expect(await kindOf(inputs)).toBe('not-a-file');
    const big = join(inputs, 'big.csv');
    await writeFile(big, binanceCsv(2500));
    expect(await kindOf(big)).toBe('too-large');
    expect((await store.list()).map((d) => d.name)).toEqual(['default']);
  });

  it('refuses at import a series too short for the feature warm-up and the three splits', async () => {
    const store = new DatasetStore({ rootDir: root });
    for (const bars of [2, 500]) {
      const result = await store.importCsvBytes(binanceCsv(bars), `short-${bars}`);
      expect(result.ok === false && result.errors[0]).toMatchObject({ line: 0, kind: 'too-few-rows' });
      expect(result.ok === false && result.errors[0].message).toMatch(new RegExp(`^${bars} bars are too few`));
    }
    expect((await store.list()).map((d) => d.name)).toEqual(['default']);
  });

  it('refuses taken, reserved and invalid names, and missing files', async () => {
    const store = new DatasetStore({ rootDir: root });
    expect((await store.importCsvBytes(binanceCsv(2500), 'one')).ok).toBe(true);
    await expectDatasetError(store.importCsvBytes(binanceCsv(2500), 'ONE'), 'exists');
    await expectDatasetError(store.importCsvBytes(binanceCsv(2500), 'default'), 'exists');
    await expectDatasetError(store.importCsvBytes(binanceCsv(2500), '../escape'), 'invalid-name');
    await expectDatasetError(store.importCsv(join(inputs, 'missing.csv')), 'not-found');
    await expectDatasetError(store.info('nope'), 'not-found');
    await expectDatasetError(store.remove('nope'), 'not-found');
  });

  it('removes a dataset and its feature caches', async () => {
    const store = new DatasetStore({ rootDir: root });
    expect((await store.importCsvBytes(binanceCsv(3000), 'gone')).ok).toBe(true);
    await store.loadMarketData('gone');
    expect((await readdir(store.featureCacheDir)).length).toBe(1);
    await store.remove('gone');
    expect((await store.list()).map((d) => d.name)).toEqual(['default']);
    expect(await readdir(store.featureCacheDir)).toEqual([]);
    await expectDatasetError(store.loadSeries('gone'), 'not-found');
  });
});

describe('feature cache', () => {
  it('computes once, then a fresh process-like store loads identical shared arrays from disk', async () => {
    const first = new DatasetStore({ rootDir: root });
    expect((await first.importCsvBytes(binanceCsv(3000, 9), 'cached')).ok).toBe(true);
    const computed = await first.loadMarketData('cached', { embargoBars: 5 });
    expect(await first.loadMarketData('cached', { embargoBars: 5 })).toBe(computed); // once per process
    const files = await readdir(first.featureCacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(computed.featureKey);

    const second = new DatasetStore({ rootDir: root, onWarning: (message) => { throw new Error(message); } });
    const loaded = await second.loadMarketData('cached', { embargoBars: 5 });
    expect(loaded.macro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.micro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(loaded.featureKey).toBe(computed.featureKey);
    expect(loaded.splits).toEqual(computed.splits);
    expect(loaded.barIntervalMs).toBe(60_000);
    expect(Buffer.from(loaded.macro.buffer, loaded.macro.byteOffset, loaded.macro.byteLength).equals(Buffer.from(computed.macro.buffer, computed.macro.byteOffset, computed.macro.byteLength))).toBe(true);
    expect(Buffer.from(loaded.micro.buffer, loaded.micro.byteOffset, loaded.micro.byteLength).equals(Buffer.from(computed.micro.buffer, computed.micro.byteOffset, computed.micro.byteLength))).toBe(true);
    expect(Array.from(loaded.close)).toEqual(Array.from(computed.close));
    expect(loaded.macro.byteOffset % 8).toBe(0);
    const posted = structuredClone(loaded); // what postMessage to a worker thread does
    posted.micro[0] = 42;
    expect(loaded.micro[0]).toBe(42); // same memory, not a copy

    await second.loadMarketData('cached');
    expect(await readdir(first.featureCacheDir)).toHaveLength(2); // another config, another entry
  });

  it('a damaged cache entry is reported and recomputed, never used', async () => {
    const store = new DatasetStore({ rootDir: root });
    expect((await store.importCsvBytes(binanceCsv(3000, 4), 'damaged')).ok).toBe(true);
    const original = await store.loadMarketData('damaged');
    const [file] = await readdir(store.featureCacheDir);
    await writeFile(join(store.featureCacheDir, file), 'not a cache');
    const warnings: string[] = [];
    const again = await new DatasetStore({ rootDir: root, onWarning: (m) => warnings.push(m) }).loadMarketData('damaged');
    expect(warnings.join()).toMatch(/unusable/);
    expect(Array.from(again.micro.subarray(-600))).toEqual(Array.from(original.micro.subarray(-600)));
  });
});
