// One helper worker_thread that answers requests, for the trainers' helper threads (RL dropout
// masks and learning passes, NEAT evaluation): ids matching answers to requests, a thread failure or exit failing
// everything pending and everything after, and a thread that keeps the process alive only while
// a request waits (an idle helper must not hold the process open; one with work pending must,
// since awaiting an answer holds no handle of its own). The entry answers with answerRequests.
import { parentPort, Worker } from 'node:worker_threads';

/** A request as it travels: the caller's body and its id. */
export interface ThreadRequest<Body> {
  id: number;
  body: Body;
}

/** An answer: the result, or the message of the error the handler threw. */
export type ThreadAnswer<Result> = { id: number; result: Result } | { id: number; error: string };

interface Pending<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

export class RequestThread<Body, Result> {
  private readonly worker: Worker;
  private readonly label: string;
  private readonly pending = new Map<number, Pending<Result>>();
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;
  /** Resolves once the thread runs its entry; rejects if it fails before (e.g. a missing entry file). */
  readonly started: Promise<void>;

  /** `label` names the thread in errors (e.g. "dropout-mask thread"). */
  constructor(entry: URL, label: string, workerData?: unknown) {
    this.label = label;
    this.worker = new Worker(entry, { workerData });
    this.worker.unref();
    this.started = new Promise((resolve, reject) => {
      this.worker.once('online', () => resolve());
      this.worker.once('error', reject);
    });
    this.started.catch(() => {}); // the same error also fails every request
    this.worker.on('message', (answer: ThreadAnswer<Result>) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      this.settled();
      if ('error' in answer) waiting.reject(new Error(`${label}: ${answer.error}`));
      else waiting.resolve(answer.result);
    });
    this.worker.on('error', (error) => this.fail(new Error(`${label} failed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`${label} exited unexpectedly with code ${code}`));
    });
  }

  /** Sends a request (structured-cloned; `transfer` lists buffers to move instead of copy). */
  request(body: Body, transfer: ArrayBuffer[] = []): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error(`the ${this.label} is closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const message: ThreadRequest<Body> = { id, body };
      this.worker.postMessage(message, transfer);
    });
  }

  private settled(): void {
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    this.settled();
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error(`the ${this.label} was closed`));
    await this.worker.terminate();
  }
}

/**
 * The thread side: answers each request with `handle`'s result (its buffers transferred when
 * `transferOf` names them) or with the message of what it threw. Requests are handled one at a
 * time, in order, even when `handle` is async.
 */
export function answerRequests<Body, Result>(handle: (body: Body) => Result | Promise<Result>, transferOf: (result: Result) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (!port) throw new Error('answerRequests must run on a worker thread');
  let queue = Promise.resolve();
  port.on('message', (request: ThreadRequest<Body>) => {
    queue = queue.then(async () => {
      try {
        const result = await handle(request.body);
        const answer: ThreadAnswer<Result> = { id: request.id, result };
        port.postMessage(answer, transferOf(result));
      } catch (error) {
        const answer: ThreadAnswer<Result> = { id: request.id, error: error instanceof Error ? error.message : String(error) };
        port.postMessage(answer);
      }
    });
  });
}
