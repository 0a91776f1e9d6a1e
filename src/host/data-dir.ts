// Where TrainDeck keeps everything runs write: --data-dir, else TRAINDECK_HOME, else ~/.traindeck.
// (The Electron app passes its userData path instead.)
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(explicit?: string): string {
  const directory = explicit ? resolve(explicit) : process.env.TRAINDECK_HOME ? resolve(process.env.TRAINDECK_HOME) : join(homedir(), '.traindeck');
  mkdirSync(directory, { recursive: true });
  return directory;
}
