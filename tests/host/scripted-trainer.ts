// RunManager driven by scripted in-memory trainer processes: the worker's side of the protocol is
// said by the test, so the host's state machine can be checked message by message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';
import { RunManager } from '../../src/host/run-manager.ts';
import type { HostToWorkerMessage } from '../../src/host/protocol.ts';
import type { TrainerExit, TrainerProcess } from '../../src/host/trainer-process.ts';
import type { RunRecord } from '../../src/shared/run.ts';

export class ScriptedProcess implements TrainerProcess {
  readonly pid = 4242;
  readonly sent: HostToWorkerMessage[] = [];
  private messageListeners: Array<(message: unknown) => void> = [];
  private exitListeners: Array<(exit: TrainerExit) => void> = [];
  killed = false;
  /** Called when the host sends something, to script the worker's answer. */
  onSend: (message: HostToWorkerMessage) => void = () => {};

  send(message: HostToWorkerMessage): void {
    this.sent.push(message);
    this.onSend(message);
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: TrainerExit) => void): void {
    this.exitListeners.push(listener);
  }
  kill(): void {
    this.killed = true;
    this.exit({ kind: 'crashed', reason: 'Trainer process was killed by SIGKILL', exitCode: null, signal: 'SIGKILL' });
  }
  say(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(exit: TrainerExit): void {
    for (const listener of this.exitListeners.splice(0)) listener(exit);
  }
}

export const config = { trainer: 'baseline' as const, mode: 'original' as const, seed: 3, budget: { seconds: 5 } };
export const summary = { seconds: 1, episodes: 10, episodesPerMin: 600, finalEquity: 10_100, extra: {} };

let managers: RunManager[] = [];
let cleanups: Array<() => void> = [];

/** Runs `cleanup` after the test. */
export function onCleanup(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** Leaves a manager out of the shutdown after the test (its host "died"). */
export function forgetManager(manager: RunManager): void {
  managers = managers.filter((entry) => entry !== manager);
}

export function createManager(options: { stopTimeoutMs?: number; dataDir?: string; maxConcurrentRuns?: number } = {}) {
  const processes: ScriptedProcess[] = [];
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'traindeck-run-manager-'));
  const store = RunStore.open(dataDir);
  cleanups.push(() => {
    store.close();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const manager = new RunManager({
    dataDir,
    store,
    startTrainer: () => {
      const child = new ScriptedProcess();
      processes.push(child);
      return child;
    },
    flushIntervalMs: 10,
    stopTimeoutMs: 50,
    ...options,
  });
  managers.push(manager);
  return { manager, processes, store, dataDir };
}

/** Shuts every manager down and removes what the test wrote (for afterEach). */
export async function cleanUpManagers(): Promise<void> {
  await Promise.all(managers.map((manager) => manager.shutdown()));
  managers = [];
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
}

/** Scripts a started worker through done (with `finished` as its summary) and a clean exit. */
export async function complete(manager: RunManager, child: ScriptedProcess, runId: string, finished: RunRecord['summary'] = summary): Promise<RunRecord> {
  child.say({ type: 'done', outcome: 'completed', summary: finished });
  child.exit({ kind: 'clean' });
  return manager.whenFinished(runId);
}
