// Where the app's own files are, packaged or not, and where smoke mode (smoke.ts) reports. The embedded dataset is passed to the host
// explicitly in both cases: the bundled code must never work it out from its own location, which
// changes with how the bundler splits chunks.
import { join } from 'node:path';
import { DEFAULT_DATASET_FILE_NAME } from '../core/market/default-dataset.ts';

export interface AppLocation {
  isPackaged: boolean;
  /** process.resourcesPath: TrainDeck.app/Contents/Resources when packaged. */
  resourcesPath: string;
  /** app.getAppPath(): the repository when run unpackaged (`electron .`), app.asar when packaged. */
  appPath: string;
}

/** electron-builder's extraResources puts resources/ in Contents/Resources/resources. */
export function defaultDatasetFile(location: AppLocation): string {
  return location.isPackaged ? join(location.resourcesPath, 'resources', DEFAULT_DATASET_FILE_NAME) : join(location.appPath, 'resources', DEFAULT_DATASET_FILE_NAME);
}

/** The folder after `--smoke` (or `--smoke=DIR`), if the app was started in smoke mode. */
export function smokeDirectory(argv: readonly string[]): string | undefined {
  return folderOption(argv, 'smoke', '/tmp/traindeck-smoke');
}

/** `--data-dir DIR`: the app keeps its runs there instead of its userData folder (as the CLI's flag). */
export function dataDirOption(argv: readonly string[]): string | undefined {
  return folderOption(argv, 'data-dir', '/tmp/traindeck-data');
}

function folderOption(argv: readonly string[], name: string, example: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index < 0) return undefined;
  const value = argv[index].startsWith(`--${name}=`) ? argv[index].slice(name.length + 3) : argv[index + 1];
  if (!value || value.startsWith('--')) throw new Error(`--${name} needs a folder, e.g. --${name} ${example}`);
  return value;
}
