// The one interface every compute backend implements: an acting forward pass (BatchNorm running
// statistics, no dropout) and a learning pass (batch statistics, dropout) that returns the
// gradient of the policy loss. Backends differ only in where the arithmetic runs.
import type { NetworkLayout, NetworkState } from './network.ts';

// The backend names are declared with the RL settings that choose among them.
import type { BackendName } from '../../shared/settings/rl.ts';
export { backendNames, type BackendChoice, type BackendName } from '../../shared/settings/rl.ts';

/** Observations of `size` states, row-major, OBSERVATION_WIDTH values each (src/core/env/observation.ts: the env's layout, no copies). */
export interface ObservationBatch {
  size: number;
  observations: Float32Array;
  /**
   * size × 3 action masks (1 allowed, 0 masked), or undefined when every action is allowed. A
   * masked action gets MASKED_LOGIT_OFFSET added to its logit: probability 0, entropy and gradient
   * contributions 0 (float32 exp underflows to exactly 0).
   */
  actionMasks?: Uint8Array;
}

/** Added to a masked action's logit: far below any real logit, yet finite (fp16 holds it) so 0·log p stays 0. */
export const MASKED_LOGIT_OFFSET = -1e4;

/**
 * REINFORCE: loss = −mean(w·log π(a|s)) − β·mean(H), with w the normalised advantages; with a learned
 * baseline (`value`), + c_v·mean((V − R)²) regresses the value head on its targets R = G − b(t, p).
 */
export interface ReinforceLoss {
  kind: 'reinforce';
  weights: Float32Array;
  entropyCoefficient: number;
  /** The learned baseline's targets (G − b(t, p)) and loss weight; absent with the state baseline (no value head). */
  value?: ValueTarget;
}

/** Regression of the value head: c_v·mean((V − R)²). */
export interface ValueTarget {
  returns: Float32Array;
  valueCoefficient: number;
}

/** PPO: loss = −mean(min(r·A, clip(r, 1±ε)·A)) + c_v·mean((V − R)²) − β·mean(H), r = π/π_old. */
export interface PpoLoss {
  kind: 'ppo';
  advantages: Float32Array;
  oldLogProbs: Float32Array;
  returns: Float32Array;
  clipEpsilon: number;
  valueCoefficient: number;
  entropyCoefficient: number;
}

export type LossSpec = ReinforceLoss | PpoLoss;

export interface LearnBatch extends ObservationBatch {
  /** Taken actions, 0 HOLD, 1 BUY, 2 SELL. */
  actions: Uint8Array;
  /**
   * Dropout keep-masks after each MacroNet block (size × width, 1 keep, 0 drop; kept values are
   * scaled by 1/(1−p)), drawn by the trainer from its seeded generator so every backend applies
   * the same masks. Undefined when dropout is 0.
   */
  dropoutMasks: Uint8Array[] | undefined;
  loss: LossSpec;
}

export interface PolicyOutput {
  /** size × 3 action probabilities. */
  probabilities: Float32Array;
  /** size state values (networks with a value head). */
  values: Float32Array | undefined;
}

export interface LearnResult {
  /** Gradient of the batch-mean loss, in the flat parameter layout. */
  gradient: Float32Array;
  /** Per-feature batch mean and biased variance of every BatchNorm layer (for running statistics). */
  batchMean: Float32Array;
  batchVariance: Float32Array;
  /** size × 3 log-probabilities under the learning forward pass. */
  logProbs: Float32Array;
  /** size values under the learning forward pass (value head only). */
  values: Float32Array | undefined;
}

export interface ComputeBackend {
  readonly name: BackendName;
  /** Where it runs, e.g. `cpu`, `cpu (wasm simd)`, `webgpu: llvmpipe`. */
  readonly device: string;
  readonly layout: NetworkLayout;
  act(state: NetworkState, batch: ObservationBatch): Promise<PolicyOutput>;
  /** A learning pass; the result's arrays are new for each call, the caller's to keep or move to another thread. */
  learn(state: NetworkState, batch: LearnBatch): Promise<LearnResult>;
  dispose(): Promise<void>;
}

/** What learning needs of a backend: a ComputeBackend, or one running on a helper thread (which does not act). */
export type LearningBackend = Pick<ComputeBackend, 'name' | 'device' | 'layout' | 'learn' | 'dispose'>;

export interface BackendOptions {
  layout: NetworkLayout;
  /** Float16 arithmetic where a GPU execution provider supports it; refused on CPU. */
  fp16?: boolean;
  /** Intra-op threads for native backends (0 = the runtime's default). */
  threads?: number;
}

export interface BackendAvailability {
  name: BackendName;
  available: boolean;
  /** Device it would run on when available. */
  device?: string;
  /** Why it cannot be used, in words a user can act on. */
  reason?: string;
  /** Whether float16 is supported on its device. */
  fp16?: boolean;
}

/** What each backend file exports; the registry imports it only when the backend is asked for. */
export interface BackendModule {
  probe(): Promise<BackendAvailability>;
  create(options: BackendOptions): Promise<ComputeBackend>;
}
