// What the RL trainer asks its learning thread: start (create the backend, answer its device), and
// learn (a batch, with the network's arrays when they changed since the last request).
import type { NetworkSpec } from '../../core/compute/network.ts';
import type { BackendName, LearnBatch, LearnResult } from '../../core/compute/types.ts';

/** The thread's workerData: which backend to create for which network. */
export interface LearningThreadSetup {
  backend: BackendName;
  spec: NetworkSpec;
  /** Intra-op threads of a native backend (0: the runtime decides). */
  threads: number;
}

/** The network's arrays as the thread keeps them. */
export interface SentState {
  parameters: Float32Array;
  runningMean: Float32Array;
  runningVariance: Float32Array;
}

export type LearningRequest = { kind: 'start' } | { kind: 'learn'; state: SentState | undefined; batch: LearnBatch };

export type LearningAnswer = { device: string } | LearnResult;
