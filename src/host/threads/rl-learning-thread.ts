// A learning backend on a helper thread (overlappedLearning): the named compute backend is created
// on its own worker_thread, so a learning pass (~25 ms for RL-std, one core) runs while the trainer's
// thread steps the envs and acts for the next rollout on the other core. The network's arrays are
// sent only when they changed (weights change once per accumulation window); batches are read in
// place when they live in SharedArrayBuffers (the trainer's rollout buffers do), else copied.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NetworkLayout, NetworkState } from '../../core/compute/network.ts';
import type { BackendName, BackendOptions, LearnBatch, LearningBackend, LearnResult } from '../../core/compute/types.ts';
import { RequestThread } from './request-thread.ts';
import type { LearningAnswer, LearningRequest, LearningThreadSetup } from './rl-learning-messages.ts';

/** Beside the sources when Node runs them, or the bundled file (out/main/rl-learning-thread.js) the app's main process names. */
export function learningThreadUrl(): URL {
  const bundleDirectory = process.env.TRAINDECK_BUNDLE_DIR;
  if (bundleDirectory) return pathToFileURL(join(bundleDirectory, 'rl-learning-thread.js'));
  return new URL('../../workers/rl/learning-thread.ts', import.meta.url);
}

export class ThreadedLearningBackend implements LearningBackend {
  readonly name: BackendName;
  readonly device: string;
  readonly layout: NetworkLayout;
  private readonly thread: RequestThread<LearningRequest, LearningAnswer>;
  /** The state object and version the thread holds. */
  private sent: { state: NetworkState; version: number } | undefined;

  private constructor(name: BackendName, device: string, layout: NetworkLayout, thread: RequestThread<LearningRequest, LearningAnswer>) {
    this.name = name;
    this.device = device;
    this.layout = layout;
    this.thread = thread;
  }

  /** Starts the thread and creates the backend there; rejects with the backend's own error when it cannot be made. */
  static async create(name: BackendName, options: BackendOptions, entry: URL = learningThreadUrl()): Promise<ThreadedLearningBackend> {
    const setup: LearningThreadSetup = { backend: name, spec: options.layout.spec, threads: options.threads ?? 0 };
    const thread = new RequestThread<LearningRequest, LearningAnswer>(entry, 'learning thread', setup);
    try {
      const answer = await thread.request({ kind: 'start' });
      return new ThreadedLearningBackend(name, `${(answer as { device: string }).device}, on a learning thread`, options.layout, thread);
    } catch (error) {
      await thread.dispose();
      throw error;
    }
  }

  learn(state: NetworkState, batch: LearnBatch): Promise<LearnResult> {
    const changed = this.sent?.state !== state || this.sent.version !== state.version;
    if (changed) this.sent = { state, version: state.version };
    const arrays = changed ? { parameters: state.parameters, runningMean: state.runningMean, runningVariance: state.runningVariance } : undefined;
    return this.thread.request({ kind: 'learn', state: arrays, batch }) as Promise<LearnResult>;
  }

  dispose(): Promise<void> {
    return this.thread.dispose();
  }
}
