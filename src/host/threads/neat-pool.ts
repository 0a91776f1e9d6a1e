// The NEAT evaluation pool: worker_threads that each hold a TradingEvaluator over the shared market
// arrays. A job's genomes are cut into contiguous slices queued for whichever thread is free; the
// results land at their slice's rows, so the merged result is the same for any thread count or
// scheduling order. Genome lists and episode starts go to the threads in SharedArrayBuffers.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { EPISODE_METRIC_COUNT, sliceJob, type EvaluationStrategy, type EvaluationJob, type EvaluationResult, type JobSlice } from '../../core/neat/trading/evaluation-jobs.ts';
import { encodedGenomeKeys } from '../../core/neat/codecs/genome-codec.ts';
import type { TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import type { ThreadRequest, ThreadResponse } from './neat-messages.ts';
import { evaluationThreadUrl } from './neat-thread-entry.ts';

interface Task {
  id: number;
  job: EvaluationJob;
  slice: JobSlice;
  resolve: (response: Extract<ThreadResponse, { metrics: Float64Array }>) => void;
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
  private readonly idle: Worker[];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  private failure: Error | undefined;
  private closed = false;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.idle = [...workers];
    this.threads = workers.length;
    for (const worker of workers) {
      worker.on('message', (response: ThreadResponse) => this.onResponse(worker, response));
      worker.on('error', (error) => this.fail(new Error(`NEAT evaluation thread failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`NEAT evaluation thread exited unexpectedly with code ${code}`));
      });
    }
  }

  /** Starts `threads` evaluation threads over the setup's (shared) market arrays. */
  static async create(setup: TradingEvaluatorSetup, threads = defaultThreadCount(), entry = evaluationThreadUrl()): Promise<NeatThreadPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`thread count must be a positive integer, got ${threads}`);
    const workers = Array.from({ length: threads }, () => new Worker(entry, { workerData: setup }));
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      worker.once('online', () => resolve());
      worker.once('error', reject);
    })));
    return new NeatThreadPool(workers);
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
    const slices = sliceJob(count, this.threads);
    const responses = await Promise.all(slices.map((slice) => new Promise<Extract<ThreadResponse, { metrics: Float64Array }>>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job: shared, slice, resolve, reject });
      this.dispatch();
    })));
    const metrics = new Float64Array(count * EPISODE_METRIC_COUNT);
    let forwardPasses = 0;
    let envSteps = 0;
    responses.forEach((response, index) => {
      metrics.set(response.metrics, slices[index].start * EPISODE_METRIC_COUNT);
      forwardPasses += response.forwardPasses;
      envSteps += response.envSteps;
    });
    return { metrics, forwardPasses, envSteps };
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift() as Worker;
      const task = this.queue.shift() as Task;
      this.running.set(worker, task);
      const request: ThreadRequest = { id: task.id, job: task.job, slice: task.slice };
      worker.postMessage(request);
    }
  }

  private onResponse(worker: Worker, response: ThreadResponse): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    if (task && task.id === response.id) {
      if (response.error !== undefined) task.reject(new Error(`NEAT evaluation failed in a thread: ${response.error}`));
      else task.resolve(response);
    }
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const task of [...this.running.values(), ...this.queue]) task.reject(error);
    this.running.clear();
    this.queue.length = 0;
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
