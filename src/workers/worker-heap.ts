// The trainer worker's V8 heaps: the young-generation size every isolate of the process keeps
// (TRAINDECK_SEMI_SPACE_MB), and a memory trace on stderr for investigating it
// (TRAINDECK_MEMORY_TRACE). Only when garbage is collected changes, never a result (docs/memory.md).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';

/** Bytes committed to this isolate's young generation (both semi-spaces). */
function youngGenerationBytes(spaces = getHeapSpaceStatistics()): number {
  return spaces.find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Sets the semi-space size of the process's V8 heaps, MB (TRAINDECK_SEMI_SPACE_MB, default 8; 0
 * keeps V8's defaults); call it before any thread starts. Left alone, V8 grows each isolate's young
 * generation to 128 MB under NEAT's allocation rate, in this thread and again in every evaluation
 * thread: about half of a NEAT-std trainer's memory. With 8 MB the trainer spends no more CPU per
 * generation. Isolates created from now on (NEAT evaluation threads, the RL mask and learning
 * threads) start at and keep this size. This thread's heap exists already, so its young generation
 * is held there instead: once it has grown to the size, growth stops (V8 reads the growth factor
 * each time it would grow), and it may grow again if V8 ever shrinks it.
 */
export function sizeYoungGenerations(): void {
  const semiSpaceMb = Number(process.env.TRAINDECK_SEMI_SPACE_MB ?? 8);
  if (!(semiSpaceMb > 0)) return;
  setFlagsFromString(`--max-semi-space-size=${semiSpaceMb}`);
  setFlagsFromString(`--min-semi-space-size=${semiSpaceMb}`);
  holdYoungGeneration(2 * semiSpaceMb * 2 ** 20);
}

/** Keeps this isolate's young generation (both semi-spaces) at about `bytes` once it has grown there. */
function holdYoungGeneration(bytes: number): void {
  let held = false;
  const steer = () => {
    const full = youngGenerationBytes() >= bytes;
    if (full === held) return;
    held = full;
    setFlagsFromString(`--semi-space-growth-factor=${held ? 1 : 2}`); // 2: V8's default
  };
  steer();
  new PerformanceObserver(steer).observe({ entryTypes: ['gc'] });
}

/** TRAINDECK_MEMORY_TRACE=MS: a stderr line of this process's memory every MS ms and at each stage. */
const memoryTraceMs = Number(process.env.TRAINDECK_MEMORY_TRACE ?? 0);

/** Writes a line of this process's memory at `stage`, when tracing is on. */
export function traceMemory(stage: string): void {
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
    newSpaceCommittedMb: mb(youngGenerationBytes(spaces)),
    physicalMbBySpace: Object.fromEntries(spaces.map((space) => [space.space_name.replace('_space', ''), mb(space.physical_space_size)])),
  })}\n`);
}

/** Traces `ready` now and `running` every MS ms from here on, when tracing is on. */
export function startMemoryTrace(): void {
  if (!(memoryTraceMs > 0)) return;
  traceMemory('ready');
  setInterval(() => traceMemory('running'), memoryTraceMs).unref();
}
