// Versioned schema of the run store. `PRAGMA user_version` holds the version a database is at;
// each migration moves it up by one inside a transaction, so a failure leaves the previous
// version intact. Never edit a released migration: add the next one.
import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  /** The user_version the database has after this migration. */
  version: number;
  description: string;
  up(db: DatabaseSync): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, metric series and evaluations',
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          trainer TEXT NOT NULL,
          mode TEXT NOT NULL,
          status TEXT NOT NULL,
          compare_group TEXT,
          created_at INTEGER NOT NULL,
          started_at INTEGER,
          ended_at INTEGER,
          config_json TEXT NOT NULL,
          summary_json TEXT,
          error TEXT,
          backend TEXT,
          device TEXT,
          progress REAL NOT NULL DEFAULT 0,
          progress_message TEXT
        );
        CREATE INDEX runs_by_created ON runs (created_at);
        CREATE INDEX runs_by_status ON runs (status);

        -- One row per stored point. Long series are compacted (see metrics-table.ts), so the
        -- count per (run, name) stays bounded; metric_series keeps that count and the bucket width.
        CREATE TABLE metric_points (
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          elapsed_ms REAL NOT NULL,
          step REAL NOT NULL,
          value REAL NOT NULL
        );
        CREATE INDEX metric_points_by_series ON metric_points (run_id, name, elapsed_ms);
        CREATE TABLE metric_series (
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          point_count INTEGER NOT NULL,
          bucket_ms REAL NOT NULL DEFAULT 0,
          PRIMARY KEY (run_id, name)
        ) WITHOUT ROWID;

        CREATE TABLE evaluations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          split TEXT NOT NULL,
          step REAL NOT NULL,
          elapsed_ms REAL NOT NULL,
          report_json TEXT NOT NULL
        );
        CREATE INDEX evaluations_by_run ON evaluations (run_id, split, elapsed_ms);
      `);
    },
  },
  {
    version: 2,
    description: 'error history and last activity of each run',
    up(db) {
      db.exec(`
        -- When the store last heard from a run: the end time of a run the app died under.
        ALTER TABLE runs ADD COLUMN updated_at INTEGER;
        UPDATE runs SET updated_at = COALESCE(ended_at, started_at, created_at);

        CREATE TABLE run_errors (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          at INTEGER NOT NULL,
          message TEXT NOT NULL
        );
        CREATE INDEX run_errors_by_run ON run_errors (run_id, at);
        INSERT INTO run_errors (run_id, at, message)
          SELECT id, COALESCE(ended_at, created_at), error FROM runs WHERE error IS NOT NULL;
      `);
    },
  },
  {
    version: 3,
    description: 'experiments and their trials',
    up(db) {
      db.exec(`
        CREATE TABLE experiments (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          spec_json TEXT NOT NULL,
          status TEXT NOT NULL,
          executor TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX experiments_by_created ON experiments (created_at);

        -- One row per trial (one run: one point, one seed, one mode). run_id names the run that
        -- recorded it; deleting an experiment deletes those runs in code (they own files too).
        CREATE TABLE trials (
          id TEXT PRIMARY KEY,
          experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
          idx INTEGER NOT NULL,
          seed INTEGER NOT NULL,
          mode TEXT NOT NULL,
          params_json TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          worker TEXT,
          run_id TEXT,
          error TEXT,
          started_at INTEGER,
          ended_at INTEGER,
          UNIQUE (experiment_id, idx)
        );
      `);
    },
  },
  {
    version: 4,
    description: 'the process that owns a live run',
    up(db) {
      db.exec(`
        -- The pid of the host process that made the run live. Another process opening the store
        -- (serve while a CLI trains, say) leaves runs alone whose owner is still alive.
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      `);
    },
  },
];

/** The schema version this build writes. */
export const currentSchemaVersion = migrations[migrations.length - 1].version;
