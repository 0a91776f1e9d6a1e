#!/usr/bin/env node
// Launches the TrainDeck CLI. The CLI is TypeScript run directly by Node's type stripping
// (on by default since Node 22.18; earlier 22.x releases get the flag).
import { spawnSync } from 'node:child_process';
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(`traindeck needs Node.js >= 22.13 (this is ${process.versions.node}). Install a current LTS, e.g. Node 24.`);
  process.exit(1);
}
const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (process.features.typescript) {
  // Node caches compiled and type-stripped modules there (keyed by contents): later starts skip
  // the type stripper. Trainer processes use the same folder (src/host/child-process-trainer.ts).
  enableCompileCache?.();
  await import(entry);
} else {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
