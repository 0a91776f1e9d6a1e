// Opening the run database: WAL, migrations from an older version (with a backup), a newer
// version, damaged and foreign files (original never rewritten without a backup), and a process
// killed mid-run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../../src/host/store/database.ts';
import { RunStoreError } from '../../../src/host/store/errors.ts';
import { currentSchemaVersion, migrations, type Migration } from '../../../src/host/store/migrations.ts';
import { RunStore } from '../../../src/host/store/run-store.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'traindeck-db-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const backupsIn = (dataDir: string) => readdirSync(dataDir).filter((name) => name.endsWith('.bak'));

function openError(dataDir: string, options: Parameters<typeof RunStore.open>[1] = {}): RunStoreError {
  try {
    RunStore.open(dataDir, options).close();
  } catch (error) {
    expect(error).toBeInstanceOf(RunStoreError);
    return error as RunStoreError;
  }
  throw new Error('RunStore.open did not fail');
}

/** A valid run database at the current version holding one run with a few hundred points. */
function writeValidStore(dataDir: string): void {
  const store = RunStore.open(dataDir);
  store.createRun({ id: 'r', status: 'completed', createdAt: 1, config: { trainer: 'neat', mode: 'original', seed: 1, budget: { generations: 5 } } });
  store.appendMetrics('r', Array.from({ length: 3000 }, (_, i) => ({ name: `series-${i % 5}`, value: i, elapsedMs: i, step: i })));
  store.close();
}

describe('opening the run database', () => {
  it('creates a new database at the current version in WAL mode', () => {
    const dataDir = tempDataDir();
    const store = RunStore.open(dataDir);
    expect(store.openReport).toEqual({ created: true, previousVersion: 0, version: currentSchemaVersion });
    expect(store.databasePath).toBe(join(dataDir, 'runs.sqlite'));
    const probe = new DatabaseSync(store.databasePath);
    expect(probe.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    expect(probe.prepare('PRAGMA user_version').get()?.user_version).toBe(currentSchemaVersion);
    probe.close();
    store.close();
    expect(backupsIn(dataDir)).toEqual([]);
  });

  it('numbers migrations 1, 2, ... without gaps', () => {
    expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
    expect(currentSchemaVersion).toBe(migrations.length);
  });

  it('migrates a version-1 database, keeping its runs and a backup of the original', () => {
    const dataDir = tempDataDir();
    const path = join(dataDir, 'runs.sqlite');
    const old = new DatabaseSync(path);
    old.exec('PRAGMA journal_mode = WAL');
    migrateDatabase(old, migrations, 1);
    old.prepare(
      `INSERT INTO runs (id, trainer, mode, status, created_at, started_at, config_json, error, progress)
       VALUES ('v1-run', 'rl', 'original', 'running', 1000, 2000, ?, 'diverged once', 0.5)`,
    ).run(JSON.stringify({ trainer: 'rl', mode: 'original', seed: 3, budget: { episodes: 10 }, dataset: 'default', options: {} }));
    old.close();

    const store = RunStore.open(dataDir, { now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) });
    cleanups.push(() => store.close());
    expect(store.openReport).toMatchObject({ created: false, previousVersion: 1, version: currentSchemaVersion });
    expect(store.openReport.backupPath).toBe(`${path}.v1-2025-01-02T03-04-05-006Z.bak`);
    expect(store.getRun('v1-run')).toMatchObject({ status: 'running', startedAt: 2000, progress: 0.5, error: 'diverged once' });
    // Version 2 moved the existing error into the history and backfilled the last-activity time.
    expect(store.getErrors('v1-run')).toEqual([{ at: 1000, message: 'diverged once' }]);
    expect(store.markLiveRunsInterrupted()[0]).toMatchObject({ id: 'v1-run', status: 'interrupted', endedAt: 2000 });

    const backup = new DatabaseSync(store.openReport.backupPath!, { readOnly: true });
    expect(backup.prepare('PRAGMA user_version').get()?.user_version).toBe(1);
    expect(backup.prepare('SELECT status FROM runs').get()?.status).toBe('running');
    backup.close();
  });

  it('rolls a failed migration back and leaves the earlier version in place', () => {
    const db = new DatabaseSync(':memory:');
    migrateDatabase(db, migrations, 1);
    const broken: Migration[] = [...migrations.slice(0, 1), { version: 2, description: 'broken', up: (target) => target.exec('CREATE TABLE half_done (x); SELECT * FROM no_such_table;') }];
    expect(() => migrateDatabase(db, broken, 2)).toThrow(/Migration to schema version 2 \(broken\) failed: .*no_such_table/);
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()?.n).toBe(0);
    db.close();
  });

  it('refuses a database from a newer version, naming both versions, without touching it', () => {
    const dataDir = tempDataDir();
    const path = join(dataDir, 'runs.sqlite');
    const future = new DatabaseSync(path);
    future.exec('CREATE TABLE runs_v99 (id TEXT); PRAGMA user_version = 99;');
    future.close();
    const before = hashOf(path);
    const error = openError(dataDir);
    expect(error.kind).toBe('newer-version');
    expect(error.message).toContain('schema version 99');
    expect(error.message).toContain(`up to schema version ${currentSchemaVersion}`);
    expect(hashOf(path)).toBe(before);
    expect(backupsIn(dataDir)).toEqual([]);
  });

  it('refuses a SQLite file TrainDeck did not create', () => {
    const dataDir = tempDataDir();
    const other = new DatabaseSync(join(dataDir, 'runs.sqlite'));
    other.exec('CREATE TABLE cookies (name TEXT)');
    other.close();
    expect(openError(dataDir).kind).toBe('not-a-run-store');
  });

  it('reports a garbage file as damaged, keeps a byte-identical backup and the original as is', () => {
    const dataDir = tempDataDir();
    const path = join(dataDir, 'runs.sqlite');
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31 + 7) % 256)));
    const before = hashOf(path);
    const error = openError(dataDir);
    expect(error.kind).toBe('corrupt');
    expect(error.message).toMatch(/runs\.sqlite is damaged \(file is not a database\)/);
    expect(error.backupPath).toMatch(/runs\.sqlite\.corrupt-.*\.bak$/);
    expect(error.message).toContain(error.backupPath!);
    expect(hashOf(error.backupPath!)).toBe(before);
    expect(hashOf(path)).toBe(before);

    // Opening again makes a second backup rather than overwriting the first.
    const again = openError(dataDir);
    expect(again.backupPath).not.toBe(error.backupPath);
    expect(backupsIn(dataDir)).toHaveLength(2);

    const recovered = RunStore.open(dataDir, { recoverCorrupt: true });
    expect(recovered.openReport).toMatchObject({ created: true, recoveredFromCorrupt: true, version: currentSchemaVersion });
    expect(recovered.listRuns()).toEqual([]);
    recovered.close();
    expect(hashOf(error.backupPath!)).toBe(before);
  });

  it('detects damage inside a database whose header is intact', () => {
    const dataDir = tempDataDir();
    writeValidStore(dataDir);
    const path = join(dataDir, 'runs.sqlite');
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    for (let i = 2 * pageSize; i < 3 * pageSize; i++) bytes[i] = (i * 7) & 255;
    writeFileSync(path, bytes);
    const error = openError(dataDir);
    expect(error.kind).toBe('corrupt');
    expect(hashOf(error.backupPath!)).toBe(hashOf(path));
  });
});

describe('a process killed while a run is live', () => {
  it('leaves the run and its metrics readable, and the run is then interrupted', () => {
    const dataDir = tempDataDir();
    const storeModule = resolve(import.meta.dirname, '../../../src/host/store/run-store.ts');
    const script = `
      import { RunStore } from ${JSON.stringify(storeModule)};
      const store = RunStore.open(${JSON.stringify(dataDir)});
      store.createRun({ id: 'live', status: 'running', createdAt: 1, startedAt: 2, config: { trainer: 'rl', mode: 'optimized', seed: 1, budget: { seconds: 600 } } });
      store.appendMetrics('live', [{ name: 'episodesPerMin', value: 420, elapsedMs: 5000, step: 35 }]);
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(existsSync(join(dataDir, 'runs.sqlite-wal'))).toBe(true);

    const store = RunStore.open(dataDir);
    cleanups.push(() => store.close());
    expect(store.getMetrics('live').episodesPerMin.value).toEqual([420]);
    const [interrupted] = store.markLiveRunsInterrupted();
    expect(interrupted).toMatchObject({ id: 'live', status: 'interrupted' });
    expect(interrupted.endedAt).toBeGreaterThan(2);
    expect(interrupted.progressMessage).toContain('cannot be resumed');
  });
});
