// Entry point of a trainer worker process (Electron utilityProcess or child_process.fork). It
// shakes hands with the host, runs exactly one training run, reports through the worker protocol,
// and exits. Messages from the host are validated; a malformed one is answered, not fatal.
// A worker never outlives its purpose: SIGINT/SIGTERM and the host's death all stop the run
// gracefully (it checkpoints, then exits), and a stop that hangs is ended after a grace period.
import { hostToWorkerSchema, protocolVersion } from '../host/protocol.ts';
import { describeIssues } from '../shared/ipc/envelope.ts';
import type { TrainerRunContext } from '../core/trainer.ts';
import { connectToHost } from './worker-channel.ts';
import { ThrottledReporter } from './throttled-reporter.ts';
import { fileCheckpointStore } from './file-checkpoints.ts';
import { loadTrainer } from '../host/trainers/registry.ts';
import { sizeYoungGenerations, startMemoryTrace, traceMemory } from './worker-heap.ts';

sizeYoungGenerations();

const channel = connectToHost();
let stopRequested = false;
let started = false;

/** How long a stop without a host to enforce it (signal, host gone) may take before the worker exits anyway. */
const orphanStopGraceMs = Number(process.env.TRAINDECK_WORKER_STOP_GRACE_MS ?? 30_000);

let signalsReceived = 0;

/** Stops the run as the host's `stop` would, and exits anyway if that takes longer than the grace period. */
function stopWithoutHost(reason: string, exitCode: number): void {
  stopRequested = true;
  process.stderr.write(`trainer-worker: ${reason}; stopping the run (saving a checkpoint)\n`);
  if (!started) void exitAfterDrain(0);
  setTimeout(() => {
    process.stderr.write(`trainer-worker: the run did not stop within ${orphanStopGraceMs / 1000} s; exiting\n`);
    process.exit(exitCode);
  }, orphanStopGraceMs).unref();
}

/** A first signal stops gracefully; a second one (Ctrl-C twice) ends the worker at once. */
function onSignal(signal: NodeJS.Signals, exitCode: number): void {
  signalsReceived += 1;
  if (signalsReceived > 1) process.exit(exitCode);
  stopWithoutHost(`received ${signal}`, exitCode);
}

// stderr is a pipe to the host: once the host has died, a write fails with EPIPE, which must not
// end the worker before it has checkpointed.
process.stderr.on('error', () => {});
process.stdout.on('error', () => {});
process.on('SIGINT', () => onSignal('SIGINT', 130));
process.on('SIGTERM', () => onSignal('SIGTERM', 143));
channel.onHostGone(() => stopWithoutHost('the host process is gone', 1));

channel.onMessage((raw) => {
  const parsed = hostToWorkerSchema.safeParse(raw);
  if (!parsed.success) {
    channel.send({ type: 'protocol-error', message: `Malformed host message: ${describeIssues(parsed.error).join('; ')}` });
    return;
  }
  const message = parsed.data;
  if (message.type === 'stop') {
    stopRequested = true;
    if (!started) void exitAfterDrain(0);
    return;
  }
  if (started) {
    channel.send({ type: 'protocol-error', message: 'A worker runs one run; it was already started' });
    return;
  }
  started = true;
  void runTraining(message).catch(async (error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    channel.send({ type: 'error', message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) });
    await exitAfterDrain(1);
  });
});

channel.send({ type: 'ready', protocolVersion, pid: process.pid });

startMemoryTrace();

async function runTraining(start: Extract<ReturnType<typeof hostToWorkerSchema.parse>, { type: 'start' }>): Promise<void> {
  const reporter = new ThrottledReporter(channel);
  const trainer = await loadTrainer(start.config.trainer);
  traceMemory('trainer loaded');
  const context: Omit<TrainerRunContext, 'resources'> = {
    config: start.config,
    reporter,
    stopRequested: () => stopRequested,
    yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
    checkpoints: fileCheckpointStore(start.checkpointDir, start.resume),
  };
  const outcome = await trainer({ ...context, dataDir: start.dataDir, defaultDatasetFile: start.defaultDatasetFile });
  traceMemory('trainer returned');
  reporter.flush();
  channel.send({ type: 'done', outcome: outcome.stopped ? 'stopped' : 'completed', summary: outcome.summary });
  await exitAfterDrain(0);
}

async function exitAfterDrain(code: number): Promise<void> {
  await channel.drain();
  process.exit(code);
}
