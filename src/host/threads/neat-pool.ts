// The NEAT evaluation pool: N evaluation threads are this thread plus N - 1 worker_threads, each
// holding a TradingEvaluator over the shared market arrays. Every job goes to every worker at
// once, and all N threads claim its genomes a few at a time from a shared counter until none is
// left (Atomics; no message per slice, and no thread idles while another still has a long slice:
// contiguous halves had left one thread waiting on the other's costlier genomes). Each slice's
// rows land in the job's shared metrics, so the result is the same for any thread count or order.
// Genome lists and episode starts go to the workers in SharedArrayBuffers; requests, answers and
// thread failures go through RequestThread.
// Why this thread works too: it only waited during evaluation, and on a 2-core machine two
// workers plus a waiting main isolate (its GC and compiler threads) lose the cores to each other
// often enough that the generation median was ~25 % slower than one worker and this thread.
import { availableParallelism } from 'node:os';
import { evaluateClaimedSlices, sharedJobProgress, type EvaluationStrategy, type EvaluationJob, type EvaluationResult } from '../../core/neat/trading/evaluation-jobs.ts';
import { encodedGenomeKeys } from '../../core/neat/codecs/genome-codec.ts';
import type { EvaluationRequest, ThreadCounts } from './neat-messages.ts';
import { TradingEvaluator, type TradingEvaluatorSetup } from '../../core/neat/trading/evaluator.ts';
import { evaluationThreadUrl } from './neat-thread-entry.ts';
import { RequestThread } from './request-thread.ts';

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
  private readonly workers: RequestThread<EvaluationRequest, ThreadCounts>[];
  /** This thread's evaluator: it claims slices of every job beside the workers. */
  private readonly local: TradingEvaluator;
  private closed = false;

  private constructor(local: TradingEvaluator, workers: RequestThread<EvaluationRequest, ThreadCounts>[]) {
    this.local = local;
    this.workers = workers;
    this.threads = workers.length + 1;
  }

  /** Evaluates on this thread and `threads - 1` worker threads over the setup's (shared) market arrays. */
  static async create(setup: TradingEvaluatorSetup, threads = defaultThreadCount(), entry = evaluationThreadUrl()): Promise<NeatThreadPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`thread count must be a positive integer, got ${threads}`);
    const workers = Array.from({ length: threads - 1 }, () => new RequestThread<EvaluationRequest, ThreadCounts>(entry, 'NEAT evaluation thread', setup));
    try {
      await Promise.all(workers.map((worker) => worker.started));
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.dispose()));
      throw error;
    }
    return new NeatThreadPool(new TradingEvaluator(setup), workers);
  }

  async evaluate(job: EvaluationJob): Promise<EvaluationResult> {
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
    const posted = Promise.all(this.workers.map((worker) => worker.request({ job: shared, progress })));
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.dispose()));
  }
}

/** The pool factory the NEAT trainer takes in its resources. */
export function createNeatThreadPool(setup: TradingEvaluatorSetup, threads: number): Promise<NeatThreadPool> {
  return NeatThreadPool.create(setup, threads);
}
