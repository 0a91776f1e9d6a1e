// TrainerProcess over Electron's utilityProcess: how the app runs trainer workers. Exits and
// crashes are typed; `child-process-gone` details (OOM, crash) become the run's failure reason.
import { app, utilityProcess, type Details } from 'electron';
import { dirname } from 'node:path';
import type { HostToWorkerMessage } from '../host/protocol.ts';
import { describeExit, OutputTail, type TrainerExit, type TrainerProcess, type TrainerProcessFactory } from '../host/trainer-process.ts';

export function createUtilityProcessTrainerFactory(workerEntryPath: string): TrainerProcessFactory {
  return (runId) => {
    // The worker finds its bundled sibling entries (e.g. the NEAT evaluation thread) through TRAINDECK_BUNDLE_DIR.
    const child = utilityProcess.fork(workerEntryPath, [], {
      serviceName: `TrainDeck trainer ${runId}`,
      stdio: 'pipe',
      env: { ...process.env, TRAINDECK_BUNDLE_DIR: dirname(workerEntryPath) },
    });
    const stderr = new OutputTail();
    child.stderr?.on('data', (chunk: Buffer) => stderr.append(chunk));
    const exitListeners: Array<(exit: TrainerExit) => void> = [];
    let goneReason: string | undefined;
    let exited = false;
    const onGone = (_event: unknown, details: Details) => {
      if (details.type === 'Utility' && details.name === `TrainDeck trainer ${runId}` && details.reason !== 'clean-exit') {
        goneReason = `Trainer process ended (${details.reason}, exit code ${details.exitCode})`;
      }
    };
    app.on('child-process-gone', onGone);
    child.on('exit', (exitCode) => {
      app.off('child-process-gone', onGone);
      if (exited) return;
      exited = true;
      const exit: TrainerExit =
        exitCode === 0 ? { kind: 'clean' } : { kind: 'crashed', reason: goneReason ?? describeExit(exitCode, null, stderr.lastLines()), exitCode, signal: null };
      for (const listener of exitListeners) listener(exit);
    });
    const trainer: TrainerProcess = {
      get pid() {
        return child.pid;
      },
      send: (message: HostToWorkerMessage) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => exitListeners.push(listener),
      kill: () => void child.kill(),
    };
    return trainer;
  };
}
