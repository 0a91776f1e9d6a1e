// A DropoutMaskGenerator on a helper thread. Acting uses one core (a batch of N rows is too small to
// split), so the masks of the next learning batch (~2.3 M values for 32 envs) are made on the other
// core while the envs step, instead of on the trainer's thread between the rollout and learning.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DropoutMaskGenerator, DropoutMaskShape } from '../../core/rl/batch.ts';
import type { MaskRequest, MaskResponse } from './rl-mask-messages.ts';

/** Beside the sources when Node runs them, or the bundled file (out/main/rl-mask-thread.js) the app's main process names. */
export function maskThreadUrl(): URL {
  const bundleDirectory = process.env.TRAINDECK_BUNDLE_DIR;
  if (bundleDirectory) return pathToFileURL(join(bundleDirectory, 'rl-mask-thread.js'));
  return new URL('../../workers/rl/mask-thread.ts', import.meta.url);
}

interface Pending {
  resolve: (masks: Uint8Array[]) => void;
  reject: (error: Error) => void;
}

export class ThreadMaskGenerator implements DropoutMaskGenerator {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;

  constructor(entry: URL = maskThreadUrl()) {
    this.worker = new Worker(entry);
    // an idle helper must not keep the process alive; one with work pending must (see settled)
    this.worker.unref();
    this.worker.on('message', (response: MaskResponse) => {
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      this.settled();
      if ('error' in response) waiting.reject(new Error(`dropout-mask thread: ${response.error}`));
      else waiting.resolve(response.masks);
    });
    this.worker.on('error', (error) => this.fail(new Error(`dropout-mask thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`dropout-mask thread exited unexpectedly with code ${code}`));
    });
  }

  generate(shape: DropoutMaskShape, seeds: Uint32Array, rows: number): Promise<Uint8Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the dropout-mask thread is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const request: MaskRequest = { id, shape, seeds, rows };
      this.worker.postMessage(request);
    });
  }

  /** Lets the process exit again once no request is waiting (a caller awaiting masks holds no handle of its own). */
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
    this.fail(new Error('the dropout-mask thread was closed'));
    await this.worker.terminate();
  }
}
