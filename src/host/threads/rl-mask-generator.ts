// A DropoutMaskGenerator on a helper thread. Acting uses one core (a batch of N rows is too small to
// split), so the masks of the next learning batch (~2.3 M values for 32 envs) are made on the other
// core while the envs step, instead of on the trainer's thread between the rollout and learning.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DropoutMaskGenerator, DropoutMaskShape } from '../../core/rl/batch.ts';
import { RequestThread } from './request-thread.ts';
import type { MaskRequest } from './rl-mask-messages.ts';

/** Beside the sources when Node runs them, or the bundled file (out/main/rl-mask-thread.js) the app's main process names. */
export function maskThreadUrl(): URL {
  const bundleDirectory = process.env.TRAINDECK_BUNDLE_DIR;
  if (bundleDirectory) return pathToFileURL(join(bundleDirectory, 'rl-mask-thread.js'));
  return new URL('../../workers/rl/mask-thread.ts', import.meta.url);
}

export class ThreadMaskGenerator implements DropoutMaskGenerator {
  private readonly thread: RequestThread<MaskRequest, Uint8Array[]>;

  constructor(entry: URL = maskThreadUrl()) {
    this.thread = new RequestThread(entry, 'dropout-mask thread');
  }

  generate(shape: DropoutMaskShape, seeds: Uint32Array, rows: number): Promise<Uint8Array[]> {
    return this.thread.request({ shape, seeds, rows });
  }

  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}
