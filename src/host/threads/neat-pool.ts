// The NEAT evaluation pool: N evaluation threads are this thread plus N - 1 worker_threads, each
// holding a TradingEvaluator over the shared market arrays. Every job goes to every worker at
// once, and all N threads claim its genomes a few at a time from a shared counter until none is
// left (Atomics; no message per slice, and no thread idles while another still has a long slice:
// contiguous halves had left one thread waiting on the other's costlier genomes). Each slice's
// rows land in the job's shared metrics, so the result is the same for any thread count or order.
// Genome lists and episode starts go to the workers in SharedArrayBuffers.
// Why this thread works too: it only waited during evaluation, and on a 2-core machine two
// workers plus a waiting main isolate (its GC and compiler threads) lose the cores to each other
// often enough that the generation median was ~25 % slower than one worker and this thread.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { evaluateClaimedSlices, sharedJobProgress, type EvaluationStrategy, type EvaluationJob, type EvaluationResult, type SharedJobProgress } from '../../core/neat/trading/evaluation-jobs.ts';
import { encodedGenomeKeys } from '../../core/neat/codecs/genome-codec.ts';
import type { ThreadRequest, ThreadResponse } from './neat-messages.ts';
import { TradingEvaluator, type TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import { evaluationThreadUrl } from './neat-thread-entry.ts';

type ThreadCounts = { forwardPasses: number; envSteps: number };

interface Task {
  id: number;
  job: EvaluationJob;
  progress: SharedJobProgress;
  resolve: (counts: ThreadCounts) => void;
  reject: (error: Error) => void;
}

/** Default thread count: one per core, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

function shareBytes<T extends Uint8Array | Int32Array>(source: T, create: (buffer: SharedArrayBuffer) => T): T {
  if (source.buffer instanceof SharedArrayBuffer) return source;
  const shared = create(new SharedArrayBuffer(source.byteLength));
  shared.set(source as never);
  return shared;
}

export class NeatThreadPool implements EvaluationStrategy {
  readonly threads: number;
  private readonly workers: Worker[];
  /** Slices posted to each worker and not yet answered, by task id. */
  private readonly pending = new Map<Worker, Map<number, Task>>();
  /** This thread's evaluator (the first slice of every job). */
  private readonly local: TradingEvaluator;
  private nextId = 1;
  private failure: Error | undefined;
  private closed = false;

  private constructor(local: TradingEvaluator, workers: Worker[]) {
    this.local = local;
    this.workers = workers;
    this.threads = workers.length + 1;
    for (const worker of workers) {
      this.pending.set(worker, new Map());
      worker.on('message', (response: ThreadResponse) => this.onResponse(worker, response));
      worker.on('error', (error) => this.fail(new Error(`NEAT evaluation thread failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`NEAT evaluation thread exited unexpectedly with code ${code}`));
      });
    }
  }

  /** Evaluates on this thread and `threads - 1` worker threads over the setup's (shared) market arrays. */
  static async create(setup: TradingEvaluatorSetup, threads = defaultThreadCount(), entry = evaluationThreadUrl()): Promise<NeatThreadPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`thread count must be a positive integer, got ${threads}`);
    const workers = Array.from({ length: threads - 1 }, () => new Worker(entry, { workerData: setup }));
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    })));
    return new NeatThreadPool(new TradingEvaluator(setup), workers);
  }

  async evaluate(job: EvaluationJob): Promise<EvaluationResult> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the NEAT evaluation pool is closed');
    const shared: EvaluationJob = {
      ...job,
      genomes: shareBytes(job.genomes, (buffer) => new Uint8Array(buffer)),
      partners: shareBytes(job.partners, (buffer) => new Uint8Array(buffer)),
      episodeStarts: shareBytes(job.episodeStarts, (buffer) => new Int32Array(buffer)),
    };
    const count = encodedGenomeKeys(job.genomes).length;
    if (count === 0) return { metrics: new Float64Array(0), forwardPasses: 0, envSteps: 0 };
    // about four slices per thread: small enough that both threads run out of work together
    const progress = sharedJobProgress(count, Math.ceil(count / (4 * this.threads)));
    const posted = Promise.all(this.workers.map((worker) => new Promise<ThreadCounts>((resolve, reject) => {
      this.post(worker, { id: this.nextId++, job: shared, progress, resolve, reject });
    })));
    // One microtask first: callers start both populations' jobs together (Promise.all), so the
    // other job reaches the workers before this thread is busy claiming this one's slices.
    await null;
    let own: ThreadCounts;
    try {
      own = evaluateClaimedSlices(shared, progress, (claimed, slice) => this.local.evaluate(claimed, slice));
    } catch (error) {
      await posted.catch(() => {});
      throw error;
    }
    const counts = [own, ...(await posted)];
    return {
      metrics: Float64Array.from(progress.metrics),
      forwardPasses: counts.reduce((sum, entry) => sum + entry.forwardPasses, 0),
      envSteps: counts.reduce((sum, entry) => sum + entry.envSteps, 0),
    };
  }

  private post(worker: Worker, task: Task): void {
    (this.pending.get(worker) as Map<number, Task>).set(task.id, task);
    const request: ThreadRequest = { id: task.id, job: task.job, progress: task.progress };
    worker.postMessage(request);
  }

  private onResponse(worker: Worker, response: ThreadResponse): void {
    const tasks = this.pending.get(worker) as Map<number, Task>;
    const task = tasks.get(response.id);
    tasks.delete(response.id);
    if (!task) return;
    if (response.error !== undefined) task.reject(new Error(`NEAT evaluation failed in a thread: ${response.error}`));
    else task.resolve(response);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const tasks of this.pending.values()) {
      for (const task of tasks.values()) task.reject(error);
      tasks.clear();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** The pool factory the NEAT trainer takes in its resources. */
export function createNeatThreadPool(setup: TradingEvaluatorSetup, threads: number): Promise<NeatThreadPool> {
  return NeatThreadPool.create(setup, threads);
}
