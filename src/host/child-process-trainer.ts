// TrainerProcess over child_process.fork: how serve mode and the CLI run trainer workers. The
// worker entry is TypeScript run directly by Node (type stripping), so no build step is needed.
// A terminal's Ctrl-C reaches the host and its workers alike; both ways lead to the same graceful
// stop (the worker checkpoints first). Workers stay in the host's session on purpose: a session of
// their own (detached) would also give each its own Linux scheduler autogroup, taking CPU from the
// window beside them (the UI soak test's frame time tripled). If the host exits without stopping
// them, they are killed; if it is killed outright, each worker sees its IPC channel close and stops.
// Workers run with Node's compile cache (see compileCacheDirectory).
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostToWorkerMessage } from './protocol.ts';
import { describeExit, OutputTail, type TrainerExit, type TrainerProcess, type TrainerProcessFactory } from './trainer-process.ts';

export const workerEntryPath = fileURLToPath(new URL('../workers/trainer-worker.ts', import.meta.url));

/** Workers still running, killed if the host process exits without having stopped them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLiveChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/**
 * Where trainer processes keep Node's compile cache: the user's NODE_COMPILE_CACHE, else the
 * folder Node's module.enableCompileCache() picks by default (the CLI's own, bin/traindeck.js).
 * Why: Node caches the type-stripped sources there too, and a process or thread that finds every
 * module in it never loads the type stripper, ~30-35 MB in each isolate (the trainer thread and
 * every helper thread; docs/memory.md). Entries are keyed by the file's contents and the Node
 * version, so a changed file is stripped again; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
export function compileCacheDirectory(): string {
  return process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
}

/** `env` adds variables to the worker's environment (e.g. TRAINDECK_BUNDLE_DIR for a bundled entry). */
export function createChildProcessTrainerFactory(entryPath = workerEntryPath, env?: Record<string, string>): TrainerProcessFactory {
  killLiveChildrenOnExit();
  return () => {
    const child = fork(entryPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      execArgv: ['--disable-warning=ExperimentalWarning'],
      env: { ...process.env, NODE_COMPILE_CACHE: compileCacheDirectory(), ...env },
    });
    liveChildren.add(child);
    const stderr = new OutputTail();
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr.append(chunk);
      if (process.env.TRAINDECK_WORKER_STDERR === 'inherit') process.stderr.write(chunk);
    });
    const exitListeners: Array<(exit: TrainerExit) => void> = [];
    let exited = false;
    const finish = (exit: TrainerExit) => {
      if (exited) return;
      exited = true;
      liveChildren.delete(child);
      for (const listener of exitListeners) listener(exit);
    };
    child.on('error', (error) => finish({ kind: 'crashed', reason: `Trainer process failed: ${error.message}`, exitCode: null, signal: null }));
    // 'close' (not 'exit') so the stderr tail is complete when the crash is described.
    child.on('close', (exitCode, signal) => {
      finish(exitCode === 0 ? { kind: 'clean' } : { kind: 'crashed', reason: describeExit(exitCode, signal, stderr.lastLines()), exitCode, signal });
    });
    const trainer: TrainerProcess = {
      get pid() {
        return child.pid;
      },
      send(message: HostToWorkerMessage) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
    return trainer;
  };
}
