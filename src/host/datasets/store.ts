// DatasetStore: the datasets on disk and the embedded default. Layout under the root directory
// (the lead passes <dataDir>/datasets):
//   <name>/series.bin, <name>/meta.json   one imported dataset (binary columns + metadata)
//   .staging/                             imports in progress; renamed into place when complete
//   .trash/                               datasets being deleted
//   .feature-cache/<checksum>-<key>.features   normalised features per (dataset, feature config)
// Imports are all or nothing: a rejected or failed import leaves nothing behind. Series and feature
// arrays are loaded once per process and shared (features in SharedArrayBuffer).

import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFeatureConfig, type FeatureConfig } from '../../core/features/config.ts';
import { createMarketData, type MarketData } from '../../core/features/market-data.ts';
import { computeFeatures, FEATURE_WARMUP_BARS, featureCacheKey } from '../../core/features/pipeline.ts';
import { computeSplits } from '../../core/features/splits.ts';
import { decodeSeries, encodeSeries, readSeriesHeader, SeriesFormatError } from '../../core/market/binary.ts';
import { parseOhlcvCsv, type CsvError, type CsvImportReport, type CsvParseOptions } from '../../core/market/csv.ts';
import { DEFAULT_DATASET_FILE_NAME } from '../../core/market/default-dataset.ts';
import { DEFAULT_MARKET_PARAMS, type RegimeMarketParams } from '../../core/market/generator.ts';
import type { OhlcvSeries } from '../../core/market/series.ts';
import { computeSeriesStats, type GapReport, type SeriesStats } from '../../core/market/stats.ts';
import { featureCacheFileName, readFeatureCache, removeFeatureCaches, writeFeatureCache } from './feature-cache.ts';
import { DatasetError, datasetNameFromFile, DEFAULT_DATASET_NAME, normaliseDatasetName } from './names.ts';
import { dataLayout } from '../data-layout.ts';
import { readCsvFile } from './csv-file.ts';

export { DatasetError, DEFAULT_DATASET_NAME, type DatasetErrorCode } from './names.ts';

/** The embedded dataset shipped in resources/ (pass process.resourcesPath-based paths in packaged builds). */
export function defaultDatasetPath(): string {
  return fileURLToPath(new URL(`../../../resources/${DEFAULT_DATASET_FILE_NAME}`, import.meta.url));
}

export type DatasetSource =
  | { readonly kind: 'generated'; readonly process: 'regime-switching'; readonly params: RegimeMarketParams }
  | { readonly kind: 'csv'; readonly file: string; readonly format: CsvImportReport['format']; readonly hasHeader: boolean; readonly delimiter: string; readonly blankLines: number };

/** One line of `data list`. */
export interface DatasetSummary {
  readonly name: string;
  /** True for the embedded, read-only `default`. */
  readonly builtin: boolean;
  readonly rows: number;
  /** ISO 8601 UTC. */
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly intervalMs: number;
  /** ISO 8601 UTC, null for the embedded dataset. */
  readonly importedAt: string | null;
}

/** Everything `data info` shows. */
export interface DatasetInfo extends DatasetSummary {
  readonly checksum: string;
  readonly spanMs: number;
  readonly gaps: GapReport;
  readonly price: SeriesStats['price'];
  readonly returns: SeriesStats['returns'];
  readonly volume: SeriesStats['volume'];
  readonly source: DatasetSource;
  /** Bytes of the stored series file. */
  readonly storedBytes: number;
}

export type ImportResult =
  | { readonly ok: true; readonly info: DatasetInfo; readonly report: CsvImportReport }
  | { readonly ok: false; readonly errors: readonly CsvError[]; readonly errorCount: number; readonly truncated: boolean };

export interface DatasetStoreOptions {
  /** Directory holding the datasets; created when first needed. */
  readonly rootDir: string;
  /** The embedded dataset file (default: resources/default-market.bin of this checkout). */
  readonly defaultDatasetFile?: string;
  /** Receives non-fatal problems (e.g. a feature cache that could not be written). Default: console.warn. */
  readonly onWarning?: (message: string) => void;
  /** CSV parser limits. */
  readonly csv?: CsvParseOptions;
}

interface StoredMeta {
  readonly formatVersion: 1;
  readonly name: string;
  readonly importedAt: string;
  readonly checksum: string;
  readonly source: DatasetSource;
  readonly stats: SeriesStats;
  readonly storedBytes: number;
}

interface LoadedSeries {
  readonly series: OhlcvSeries;
  readonly info: DatasetInfo;
}

const SERIES_FILE = 'series.bin';
const META_FILE = 'meta.json';
const STALE_STAGING_MS = 3600_000;

function toInfo(name: string, builtin: boolean, importedAt: string | null, checksum: string, stats: SeriesStats, source: DatasetSource, storedBytes: number): DatasetInfo {
  const iso = (ms: number) => (stats.rows > 0 ? new Date(ms).toISOString() : '');
  return {
    name,
    builtin,
    rows: stats.rows,
    firstTimestamp: iso(stats.firstTimestampMs),
    lastTimestamp: iso(stats.lastTimestampMs),
    intervalMs: stats.intervalMs,
    importedAt,
    checksum,
    spanMs: stats.spanMs,
    gaps: stats.gaps,
    price: stats.price,
    returns: stats.returns,
    volume: stats.volume,
    source,
    storedBytes,
  };
}

function summaryOf(info: DatasetInfo): DatasetSummary {
  const { name, builtin, rows, firstTimestamp, lastTimestamp, intervalMs, importedAt } = info;
  return { name, builtin, rows, firstTimestamp, lastTimestamp, intervalMs, importedAt };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** The dataset store of a data directory (at its layout's datasets path). */
export function datasetStoreFor(dataDir: string, defaultDatasetFile?: string): DatasetStore {
  return new DatasetStore({ rootDir: dataLayout(dataDir).datasets, ...(defaultDatasetFile ? { defaultDatasetFile } : {}) });
}

export class DatasetStore {
  readonly rootDir: string;
  readonly defaultDatasetFile: string;
  readonly featureCacheDir: string;
  private readonly warn: (message: string) => void;
  private readonly csvOptions: CsvParseOptions;
  private readonly seriesMemo = new Map<string, Promise<LoadedSeries>>();
  private readonly marketMemo = new Map<string, Promise<MarketData>>();

  constructor(options: DatasetStoreOptions) {
    this.rootDir = options.rootDir;
    this.defaultDatasetFile = options.defaultDatasetFile ?? defaultDatasetPath();
    this.featureCacheDir = join(this.rootDir, '.feature-cache');
    this.warn = options.onWarning ?? ((message) => console.warn(`traindeck datasets: ${message}`));
    this.csvOptions = options.csv ?? {};
  }

  /** Every dataset, `default` first, then by name. */
  async list(): Promise<DatasetSummary[]> {
    const summaries = [summaryOf(await this.info(DEFAULT_DATASET_NAME))];
    let entries: string[] = [];
    try {
      entries = await readdir(this.rootDir);
    } catch (error) {
      if (!isMissing(error)) throw new DatasetError('io', `cannot read the dataset directory ${this.rootDir}: ${(error as Error).message}`, { cause: error });
    }
    for (const entry of entries.filter((name) => !name.startsWith('.')).sort()) {
      try {
        summaries.push(summaryOf(await this.info(entry)));
      } catch (error) {
        if (error instanceof DatasetError && error.code === 'not-found') continue; // a stray directory without metadata
        throw error;
      }
    }
    return summaries;
  }

  /** Rows, span, interval, gaps and price and return statistics of one dataset. */
  async info(name: string): Promise<DatasetInfo> {
    const key = normaliseDatasetName(name);
    if (key === DEFAULT_DATASET_NAME) return (await this.loadSeriesEntry(key)).info;
    const meta = await this.readMeta(key);
    return toInfo(meta.name, false, meta.importedAt, meta.checksum, meta.stats, meta.source, meta.storedBytes);
  }

  /** Imports a CSV file. A rejected file returns its errors and leaves nothing behind. */
  async importCsv(file: string, options: { name?: string } = {}): Promise<ImportResult> {
    const name = normaliseDatasetName(options.name ?? datasetNameFromFile(file));
    await this.assertFree(name);
    const read = await readCsvFile(file, this.csvOptions.maxBytes ?? 512 * 1024 * 1024);
    if (!read.ok) return read;
    const bytes = read.bytes;
    return this.importCsvBytes(bytes, name, file);
  }

  /** Imports CSV content already in memory (e.g. from the app's file picker). */
  async importCsvBytes(bytes: Uint8Array | string, name: string, sourceFile = `${name}.csv`): Promise<ImportResult> {
    const key = normaliseDatasetName(name);
    await this.assertFree(key);
    const parsed = parseOhlcvCsv(bytes, this.csvOptions);
    if (!parsed.ok) return parsed;
    try {
      // A series the default splits cannot cut would fail only when a run starts: refuse it now.
      computeSplits(parsed.series.length, FEATURE_WARMUP_BARS, createFeatureConfig());
    } catch (error) {
      return { ok: false, errors: [{ line: 0, kind: 'too-few-rows', message: (error as Error).message }], errorCount: 1, truncated: false };
    }
    const encoded = encodeSeries(parsed.series);
    const checksum = readSeriesHeader(encoded).checksum;
    const stats = computeSeriesStats(parsed.series);
    const { report } = parsed;
    const source: DatasetSource = { kind: 'csv', file: sourceFile.split(/[\\/]/).pop() ?? sourceFile, format: report.format, hasHeader: report.hasHeader, delimiter: report.delimiter, blankLines: report.blankLines };
    const meta: StoredMeta = { formatVersion: 1, name: key, importedAt: new Date().toISOString(), checksum, source, stats, storedBytes: encoded.length };
    await this.writeAtomically(key, encoded, meta);
    return { ok: true, info: toInfo(key, false, meta.importedAt, checksum, stats, source, encoded.length), report };
  }

  /** Deletes an imported dataset and its feature caches. The embedded `default` cannot be removed. */
  async remove(name: string): Promise<void> {
    const key = normaliseDatasetName(name);
    if (key === DEFAULT_DATASET_NAME) throw new DatasetError('read-only', 'the embedded dataset "default" is read-only and cannot be removed');
    const meta = await this.readMeta(key);
    const trash = join(this.rootDir, '.trash', `${key}-${process.pid}-${Date.now()}`);
    await mkdir(join(this.rootDir, '.trash'), { recursive: true });
    await rename(join(this.rootDir, key), trash); // atomic: the dataset disappears at once
    this.seriesMemo.delete(key);
    for (const memoKey of [...this.marketMemo.keys()]) if (memoKey.startsWith(`${key}:`)) this.marketMemo.delete(memoKey);
    await rm(trash, { recursive: true, force: true });
    const stillUsed = await this.checksumInUse(meta.checksum);
    if (!stillUsed) await removeFeatureCaches(this.featureCacheDir, meta.checksum);
  }

  /** The bars of a dataset (decoded once per process). */
  async loadSeries(name: string): Promise<OhlcvSeries> {
    return (await this.loadSeriesEntry(normaliseDatasetName(name))).series;
  }

  /** A dataset's stored series file with its info, to hand to another machine (the bytes carry their checksum). */
  async storedSeries(name: string): Promise<{ bytes: Uint8Array; info: DatasetInfo }> {
    const key = normaliseDatasetName(name);
    const info = await this.info(key);
    const path = key === DEFAULT_DATASET_NAME ? this.defaultDatasetFile : join(this.rootDir, key, SERIES_FILE);
    const bytes = await this.readBytes(path, `dataset ${key}`);
    if (this.decode(bytes, path).header.checksum !== info.checksum) throw new DatasetError('corrupt', `dataset ${key}: ${path} does not match its metadata checksum`);
    return { bytes, info };
  }

  /** Stores a series file received from another machine under a new name; decoding verifies its checksum. */
  async importSeriesFile(bytes: Uint8Array, name: string, source: DatasetSource): Promise<DatasetInfo> {
    const key = normaliseDatasetName(name);
    await this.assertFree(key);
    const { series, header } = this.decode(bytes, `the series received for ${key}`);
    const stats = computeSeriesStats(series);
    const meta: StoredMeta = { formatVersion: 1, name: key, importedAt: new Date().toISOString(), checksum: header.checksum, source, stats, storedBytes: bytes.length };
    await this.writeAtomically(key, bytes, meta);
    return toInfo(key, false, meta.importedAt, header.checksum, stats, source, bytes.length);
  }

  /**
   * Features and splits of a dataset under a feature config, ready for envs and trainers: from the
   * disk cache when present (SharedArrayBuffer-backed), else computed and cached. Once per process.
   */
  async loadMarketData(name: string, config: Partial<FeatureConfig> = {}): Promise<MarketData> {
    const key = normaliseDatasetName(name);
    const featureConfig = createFeatureConfig(config);
    const { series, info } = await this.loadSeriesEntry(key);
    const featureKey = featureCacheKey(info.checksum, featureConfig);
    const memoKey = `${key}:${featureKey}`;
    let market = this.marketMemo.get(memoKey);
    if (market === undefined) {
      market = this.buildMarketData(key, series, info, featureConfig, featureKey);
      this.marketMemo.set(memoKey, market);
      market.catch(() => this.marketMemo.delete(memoKey));
    }
    return market;
  }

  private async buildMarketData(name: string, series: OhlcvSeries, info: DatasetInfo, config: FeatureConfig, featureKey: string): Promise<MarketData> {
    const fileName = featureCacheFileName(info.checksum, featureKey);
    let cached = null;
    try {
      cached = await readFeatureCache(this.featureCacheDir, fileName, featureKey, series.length);
    } catch (error) {
      this.warn(`${(error as Error).message}; recomputing it`);
    }
    if (cached !== null) {
      const splits = computeSplits(series.length, FEATURE_WARMUP_BARS, config);
      return createMarketData({ datasetName: name, datasetChecksum: info.checksum, series, config, computed: { features: cached, splits }, barIntervalMs: info.intervalMs });
    }
    const computed = computeFeatures(series, config);
    try {
      await writeFeatureCache(this.featureCacheDir, fileName, featureKey, computed.features);
    } catch (error) {
      this.warn(`could not write the feature cache for ${name}: ${(error as Error).message}`);
    }
    return createMarketData({ datasetName: name, datasetChecksum: info.checksum, series, config, computed, barIntervalMs: info.intervalMs });
  }

  private loadSeriesEntry(key: string): Promise<LoadedSeries> {
    let entry = this.seriesMemo.get(key);
    if (entry === undefined) {
      entry = key === DEFAULT_DATASET_NAME ? this.readDefault() : this.readImported(key);
      this.seriesMemo.set(key, entry);
      entry.catch(() => this.seriesMemo.delete(key));
    }
    return entry;
  }

  private async readDefault(): Promise<LoadedSeries> {
    const bytes = await this.readBytes(this.defaultDatasetFile, 'the embedded default dataset');
    const { series, header } = this.decode(bytes, this.defaultDatasetFile);
    const stats = computeSeriesStats(series);
    const source: DatasetSource = { kind: 'generated', process: 'regime-switching', params: DEFAULT_MARKET_PARAMS };
    return { series, info: toInfo(DEFAULT_DATASET_NAME, true, null, header.checksum, stats, source, bytes.length) };
  }

  private async readImported(key: string): Promise<LoadedSeries> {
    const meta = await this.readMeta(key);
    const path = join(this.rootDir, key, SERIES_FILE);
    const { series, header } = this.decode(await this.readBytes(path, `dataset ${key}`), path);
    if (header.checksum !== meta.checksum) throw new DatasetError('corrupt', `dataset ${key}: ${path} does not match its metadata checksum`);
    return { series, info: toInfo(key, false, meta.importedAt, meta.checksum, meta.stats, meta.source, meta.storedBytes) };
  }

  private decode(bytes: Uint8Array, path: string): ReturnType<typeof decodeSeries> {
    try {
      return decodeSeries(bytes);
    } catch (error) {
      if (error instanceof SeriesFormatError) throw new DatasetError('corrupt', `${path}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  private async readBytes(path: string, what: string): Promise<Uint8Array> {
    try {
      return await readFile(path);
    } catch (error) {
      throw new DatasetError(isMissing(error) ? 'not-found' : 'io', `cannot read ${what} at ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async readMeta(key: string): Promise<StoredMeta> {
    const path = join(this.rootDir, key, META_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) throw new DatasetError('not-found', `no dataset named ${JSON.stringify(key)}`);
      throw new DatasetError('io', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const meta = JSON.parse(text) as StoredMeta;
      if (meta.formatVersion !== 1 || meta.name !== key || typeof meta.checksum !== 'string') throw new Error('unexpected content');
      return meta;
    } catch (error) {
      throw new DatasetError('corrupt', `${path} is not valid dataset metadata: ${(error as Error).message}`, { cause: error });
    }
  }

  private async assertFree(key: string): Promise<void> {
    if (key === DEFAULT_DATASET_NAME) throw new DatasetError('exists', 'the name "default" is reserved for the embedded dataset');
    try {
      await stat(join(this.rootDir, key));
    } catch (error) {
      if (isMissing(error)) return;
      throw new DatasetError('io', `cannot check ${join(this.rootDir, key)}: ${(error as Error).message}`, { cause: error });
    }
    throw new DatasetError('exists', `a dataset named ${JSON.stringify(key)} already exists (remove it first or choose another --name)`);
  }

  /** Writes into .staging, then renames the finished directory into place; nothing is left on failure. */
  private async writeAtomically(key: string, encoded: Uint8Array, meta: StoredMeta): Promise<void> {
    const stagingRoot = join(this.rootDir, '.staging');
    await mkdir(stagingRoot, { recursive: true });
    await this.removeStaleStaging(stagingRoot);
    const staging = join(stagingRoot, `${key}-${process.pid}-${Date.now()}`);
    try {
      await mkdir(staging);
      await writeFile(join(staging, SERIES_FILE), encoded);
      await writeFile(join(staging, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
      await rename(staging, join(this.rootDir, key));
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new DatasetError('exists', `a dataset named ${JSON.stringify(key)} was created meanwhile`, { cause: error });
      throw new DatasetError('io', `could not store dataset ${key}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Leftovers of imports that crashed more than an hour ago. */
  private async removeStaleStaging(stagingRoot: string): Promise<void> {
    for (const entry of await readdir(stagingRoot)) {
      const path = join(stagingRoot, entry);
      const { mtimeMs } = await stat(path);
      if (Date.now() - mtimeMs > STALE_STAGING_MS) await rm(path, { recursive: true, force: true });
    }
  }

  private async checksumInUse(checksum: string): Promise<boolean> {
    const summaries = await this.list();
    for (const summary of summaries) if ((await this.info(summary.name)).checksum === checksum) return true;
    return false;
  }
}
