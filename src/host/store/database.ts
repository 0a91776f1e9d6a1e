// Opens the run database safely: detects a damaged file, a newer schema and a foreign database
// before writing anything, copies the file aside before any migration or recovery rewrites it,
// then switches to WAL and migrates to the current schema version.
import { copyFileSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { RunStoreError } from './errors.ts';
import { currentSchemaVersion, migrations, type Migration } from './migrations.ts';

export interface OpenDatabaseOptions {
  /** On a damaged file: false (default) throws a `corrupt` RunStoreError after backing it up; true backs it up and starts an empty database. */
  recoverCorrupt?: boolean;
  /** Clock for backup names; tests inject one. */
  now?: () => number;
}

/** What opening did to the file, for the log and the UI. */
export interface OpenReport {
  /** The file did not exist (or was empty) and was created at the current version. */
  created: boolean;
  /** Schema version found before migrating (0 for a new file). */
  previousVersion: number;
  version: number;
  /** Copy made before a migration or a corrupt-file recovery. */
  backupPath?: string;
  /** Set when a damaged file was moved aside and an empty database started. */
  recoveredFromCorrupt?: boolean;
}

/** SQLite primary result codes that mean the file itself is damaged. */
const sqliteCorrupt = 11;
const sqliteNotADatabase = 26;

export function openRunDatabase(path: string, options: OpenDatabaseOptions = {}): { db: DatabaseSync; report: OpenReport } {
  const now = options.now ?? Date.now;
  const existed = existsSync(path) && statSync(path).size > 0;
  let db: DatabaseSync;
  let version: number;
  try {
    db = new DatabaseSync(path, { timeout: 5000 });
  } catch (error) {
    if (!isCorruption(error)) throw new RunStoreError('open-failed', `Cannot open the run database ${path}: ${(error as Error).message}`, { cause: error });
    return recoverOrThrow(path, (error as Error).message, options, now);
  }
  let problems: string[] = [];
  try {
    version = readNumber(db, 'PRAGMA user_version', 'user_version');
    // quick_check reads every page (without cross-checking indexes), so damage past the header shows up here and not mid-run.
    if (existed) problems = db.prepare('PRAGMA quick_check(5)').all().map((row) => String(row.quick_check));
  } catch (error) {
    db.close();
    if (!isCorruption(error)) throw new RunStoreError('open-failed', `Cannot read the run database ${path}: ${(error as Error).message}`, { cause: error });
    return recoverOrThrow(path, (error as Error).message, options, now);
  }
  if (existed && (problems.length !== 1 || problems[0] !== 'ok')) {
    db.close();
    return recoverOrThrow(path, `integrity check failed: ${problems.join('; ').replace(/\s*\n\s*/g, ' ')}`, options, now);
  }

  if (version > currentSchemaVersion) {
    db.close();
    throw new RunStoreError(
      'newer-version',
      `The run database ${path} has schema version ${version}, written by a newer TrainDeck; this version reads up to schema version ${currentSchemaVersion}. ` +
        'Update TrainDeck to open it. The file was not changed.',
    );
  }
  if (version === 0 && readNumber(db, "SELECT count(*) AS tables FROM sqlite_master WHERE type = 'table'", 'tables') > 0) {
    db.close();
    throw new RunStoreError('not-a-run-store', `${path} is a SQLite database that TrainDeck did not create (it has tables but no schema version). Move it away; it was not changed.`);
  }

  const report: OpenReport = { created: !existed || version === 0, previousVersion: version, version };
  if (existed && version > 0 && version < currentSchemaVersion) {
    // VACUUM INTO writes a consistent copy, including what is still only in the WAL.
    const backupPath = freeBackupPath(path, `v${version}`, now);
    db.exec(`VACUUM INTO '${backupPath.replaceAll("'", "''")}'`);
    report.backupPath = backupPath;
  }
  configure(db);
  try {
    report.version = migrateDatabase(db, migrations, currentSchemaVersion);
  } catch (error) {
    const leftAt = readNumber(db, 'PRAGMA user_version', 'user_version');
    db.close();
    throw new RunStoreError('migration-failed', `${(error as Error).message}. The run database ${path} was left at schema version ${leftAt}${report.backupPath ? `; a copy from before is at ${report.backupPath}` : ''}.`, {
      cause: error,
      backupPath: report.backupPath,
    });
  }
  return { db, report };
}

/**
 * Connection settings: WAL for crash safety with concurrent readers, foreign keys for cascading
 * deletes, and a busy timeout so two processes on one data directory (serve and a CLI) wait for each
 * other's short write transactions instead of failing with "database is locked".
 */
function configure(db: DatabaseSync): void {
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
}

/** Applies every migration above the database's version up to `target`, each in its own transaction. Returns the new version. */
export function migrateDatabase(db: DatabaseSync, list: readonly Migration[], target: number): number {
  let version = readNumber(db, 'PRAGMA user_version', 'user_version');
  for (const migration of list) {
    if (migration.version <= version || migration.version > target) continue;
    if (migration.version !== version + 1) throw new Error(`migration to schema version ${migration.version} cannot follow version ${version}`);
    db.exec('BEGIN IMMEDIATE');
    try {
      migration.up(db);
      db.exec(`PRAGMA user_version = ${migration.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw new Error(`Migration to schema version ${migration.version} (${migration.description}) failed: ${(error as Error).message}`, { cause: error });
    }
    version = migration.version;
  }
  return version;
}

function recoverOrThrow(path: string, detail: string, options: OpenDatabaseOptions, now: () => number): { db: DatabaseSync; report: OpenReport } {
  let backupPath: string;
  try {
    backupPath = backUpFiles(path, 'corrupt', now);
  } catch (error) {
    throw new RunStoreError('corrupt', `The run database ${path} is damaged (${detail}) and could not be backed up (${(error as Error).message}); it was left as it is.`, { cause: error });
  }
  if (!options.recoverCorrupt) {
    throw new RunStoreError(
      'corrupt',
      `The run database ${path} is damaged (${detail}). It was copied to ${backupPath} and left as it is. ` + 'Start with an empty run history (the damaged file stays in the backup), or restore an earlier copy.',
      { backupPath },
    );
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = new DatabaseSync(path, { timeout: 5000 });
  configure(db);
  const version = migrateDatabase(db, migrations, currentSchemaVersion);
  return { db, report: { created: true, previousVersion: 0, version, backupPath, recoveredFromCorrupt: true } };
}

/** Copies the database and its WAL and shared-memory files byte for byte; returns the main copy's path. */
function backUpFiles(path: string, label: string, now: () => number): string {
  const backupPath = freeBackupPath(path, label, now);
  copyFileSync(path, backupPath, constants.COPYFILE_EXCL);
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) copyFileSync(path + suffix, backupPath + suffix, constants.COPYFILE_EXCL);
  return backupPath;
}

/** `<path>.<label>-<UTC time>.bak`, with a counter when that name is taken. */
export function freeBackupPath(path: string, label: string, now: () => number): string {
  const stamp = new Date(now()).toISOString().replaceAll(':', '-').replace('.', '-');
  for (let attempt = 0; ; attempt++) {
    const candidate = `${path}.${label}-${stamp}${attempt === 0 ? '' : `-${attempt}`}.bak`;
    if (!existsSync(candidate)) return candidate;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' && ((code & 0xff) === sqliteCorrupt || (code & 0xff) === sqliteNotADatabase);
}

function readNumber(db: DatabaseSync, sql: string, column: string): number {
  return Number(db.prepare(sql).get()?.[column] ?? 0);
}
