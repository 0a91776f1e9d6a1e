// The built app as Electron loads it, copied away from the sources: out/ and package.json in an
// app folder (as in app.asar), node_modules beside them, and the embedded dataset under
// Resources/resources (as electron-builder's extraResources puts it). Anything the bundle still
// reaches in src/ or at a path relative to the repository is absent there, so it fails.
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describeExit, OutputTail, type TrainerExit, type TrainerProcess, type TrainerProcessFactory } from '../../src/host/trainer-process.ts';
import type { HostToWorkerMessage } from '../../src/host/protocol.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const builtOutDir = join(repoRoot, 'out');

/** Every file the Electron app loads from out/ (src/main/index.ts and electron.vite.config.ts name them). */
export const bundledEntries = [
  'main/index.js',
  'main/trainer-worker.js',
  'main/neat-evaluation-thread.js',
  'main/rl-mask-thread.js',
  'main/rl-learning-thread.js',
  'main/backend-probe.js',
  'preload/index.cjs',
  'renderer/index.html',
] as const;

export function missingBundledEntries(outDir = builtOutDir): string[] {
  return bundledEntries.filter((entry) => !existsSync(join(outDir, entry)));
}

export interface StagedBundle {
  root: string;
  /** The staged out/main: the folder main passes to workers as TRAINDECK_BUNDLE_DIR. */
  mainDir: string;
  outDir: string;
  defaultDatasetFile: string;
  dataDir: string;
  remove(): void;
}

/** Copies the built bundle into a fresh folder; `without` names out/ files to leave out. */
export function stageBundle(options: { without?: string[] } = {}): StagedBundle {
  const missing = missingBundledEntries();
  if (missing.length > 0) throw new Error(`The bundle is not built (missing out/${missing.join(', out/')}): run \`npm run build\` first`);
  const root = mkdtempSync(join(tmpdir(), 'traindeck-bundle-'));
  const appDir = join(root, 'app');
  const outDir = join(appDir, 'out');
  cpSync(builtOutDir, outDir, { recursive: true });
  for (const file of options.without ?? []) rmSync(join(outDir, file));
  cpSync(join(repoRoot, 'package.json'), join(appDir, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(appDir, 'node_modules'), 'dir');
  const defaultDatasetFile = join(root, 'Resources', 'resources', 'default-market.bin');
  mkdirSync(dirname(defaultDatasetFile), { recursive: true });
  cpSync(join(repoRoot, 'resources', 'default-market.bin'), defaultDatasetFile);
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  return { root, mainDir: join(outDir, 'main'), outDir, defaultDatasetFile, dataDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * A TrainerProcessFactory standing in for src/main/utility-process-trainer.ts: it starts the
 * staged trainer-worker.js through the parentPort adapter, with TRAINDECK_BUNDLE_DIR set to its
 * folder as main sets it, and the staged folder as working directory.
 */
export function bundledTrainerFactory(bundle: StagedBundle): TrainerProcessFactory {
  const adapter = join(import.meta.dirname, 'parent-port-adapter.mjs');
  const entry = join(bundle.mainDir, 'trainer-worker.js');
  return () => {
    const child = fork(adapter, [entry], {
      cwd: bundle.root,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, TRAINDECK_BUNDLE_DIR: bundle.mainDir },
      execArgv: ['--disable-warning=ExperimentalWarning'],
    });
    const stderr = new OutputTail();
    child.stderr?.on('data', (chunk: Buffer) => stderr.append(chunk));
    const exitListeners: Array<(exit: TrainerExit) => void> = [];
    let exited = false;
    child.on('close', (exitCode, signal) => {
      if (exited) return;
      exited = true;
      const exit: TrainerExit = exitCode === 0 ? { kind: 'clean' } : { kind: 'crashed', reason: describeExit(exitCode, signal, stderr.lastLines()), exitCode, signal };
      for (const listener of exitListeners) listener(exit);
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message: HostToWorkerMessage) => {
        if (child.connected) child.send(message);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => exitListeners.push(listener),
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    } satisfies TrainerProcess;
  };
}
