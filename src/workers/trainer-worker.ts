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
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

/**
 * Semi-space size of the trainer's V8 heaps, MB (TRAINDECK_SEMI_SPACE_MB; 0 keeps V8's defaults).
 * Left alone, V8 grows each isolate's young generation to 128 MB under NEAT's allocation rate, in
 * this thread and again in every evaluation thread: about half of a NEAT-std trainer's memory. With 8 MB
 * the trainer spends no more CPU per generation (docs/memory.md). Isolates created from now on (NEAT
 * evaluation threads, the RL mask and learning threads) start at and keep this size. This thread's
 * heap exists already, so its young generation is held there instead: once it has grown to the
 * size, growth stops (V8 reads the growth factor each time it would grow), and it may grow again if
 * V8 ever shrinks it. Only when garbage is collected changes, never a result.
 */
const semiSpaceMb = Number(process.env.TRAINDECK_SEMI_SPACE_MB ?? 8);
if (semiSpaceMb > 0) {
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  setFlagsFromString(`--min-semi-space-size=${semiSpaceMb}`);
  holdYoungGeneration(2 * semiSpaceMb * 2 ** 20);
}

/** Keeps this isolate's young generation (both semi-spaces) at about `bytes` once it has grown there. */
function holdYoungGeneration(bytes: number): void {
  const committed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  let held = false;
  const steer = () => {
    const full = committed() >= bytes;
    if (full === held) return;
    held = full;
    setFlagsFromString(`--semi-space-growth-factor=${held ? 1 : 2}`); // 2: V8's default
  };
  steer();
  new PerformanceObserver(steer).observe({ entryTypes: ['gc'] });
}

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

/** TRAINDECK_MEMORY_TRACE=MS: a stderr line of this process's memory every MS ms and at each stage (investigation aid, docs/memory.md). */
const memoryTraceMs = Number(process.env.TRAINDECK_MEMORY_TRACE ?? 0);
function traceMemory(stage: string): void {
  if (!(memoryTraceMs > 0)) return;
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const usage = process.memoryUsage();
  const spaces = getHeapSpaceStatistics();
  process.stderr.write(`trainer-worker memory ${JSON.stringify({
    stage,
    t: Math.round(performance.now()),
    rssMb: mb(usage.rss),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
    arrayBuffersMb: mb(usage.arrayBuffers),
    newSpaceCommittedMb: mb(spaces.find((space) => space.space_name === 'new_space')?.space_size ?? 0),
    physicalMbBySpace: Object.fromEntries(spaces.map((space) => [space.space_name.replace('_space', ''), mb(space.physical_space_size)])),
  })}\n`);
}
if (memoryTraceMs > 0) {
  traceMemory('ready');
  setInterval(() => traceMemory('running'), memoryTraceMs).unref();
}

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
