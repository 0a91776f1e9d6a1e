// Errors of the run store, each with a kind the caller can branch on (e.g. show a "database is
// damaged, start fresh?" dialog) and a message that names the file, the problem and what to do.

export const runStoreErrorKinds = [
  /** The file is not a readable SQLite database or failed its integrity check; a backup copy was made. */
  'corrupt',
  /** The database was written by a newer TrainDeck (schema version above what this build knows). */
  'newer-version',
  /** The file is a SQLite database, but not one TrainDeck made. */
  'not-a-run-store',
  /** A schema migration failed; the database was left at its previous version. */
  'migration-failed',
  /** The file could not be opened at all (permissions, locked, a directory in its place, ...). */
  'open-failed',
  /** A run id that is not usable as a file name (it names the checkpoint folder). */
  'invalid-run-id',
  'unknown-run',
  'duplicate-run',
  /** A value to store failed validation; the message names the field. */
  'invalid-input',
] as const;
export type RunStoreErrorKind = (typeof runStoreErrorKinds)[number];

export class RunStoreError extends Error {
  readonly kind: RunStoreErrorKind;
  /** Copy of the original database made before anything touched it, when there is one. */
  readonly backupPath: string | undefined;

  constructor(kind: RunStoreErrorKind, message: string, options: { backupPath?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunStoreError';
    this.kind = kind;
    this.backupPath = options.backupPath;
  }
}
