// Entry point of a trainer worker process (Electron utilityProcess or child_process.fork). It
// shakes hands with the host, runs exactly one training run, reports through the worker protocol,
// and exits. Messages from the host are validated; a malformed one is answered, not fatal.
import { hostToWorkerSchema, protocolVersion } from '../host/protocol.ts';
import { describeIssues } from '../shared/ipc/envelope.ts';
import type { TrainerRunContext } from '../core/trainer.ts';
import { connectToHost } from './worker-channel.ts';
import { ThrottledReporter } from './throttled-reporter.ts';
import { fileCheckpointStore } from './file-checkpoints.ts';
import { loadTrainer } from './trainers/registry.ts';

const channel = connectToHost();
let stopRequested = false;
let started = false;

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

async function runTraining(start: Extract<ReturnType<typeof hostToWorkerSchema.parse>, { type: 'start' }>): Promise<void> {
  const reporter = new ThrottledReporter(channel);
  const trainer = await loadTrainer(start.config.trainer);
  const context: Omit<TrainerRunContext, 'resources'> = {
    config: start.config,
    reporter,
    stopRequested: () => stopRequested,
    yieldToHost: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
    checkpoints: fileCheckpointStore(start.checkpointDir, start.resume),
  };
  const outcome = await trainer({ ...context, dataDir: start.dataDir, defaultDatasetFile: start.defaultDatasetFile });
  reporter.flush();
  channel.send({ type: 'done', outcome: outcome.stopped ? 'stopped' : 'completed', summary: outcome.summary });
  await exitAfterDrain(0);
}

async function exitAfterDrain(code: number): Promise<void> {
  await channel.drain();
  process.exit(code);
}
