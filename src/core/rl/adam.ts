// Adam (as torch.optim.Adam, no weight decay) over the flat parameter vector, with gradient
// accumulation and optional global-norm clipping (as torch.nn.utils.clip_grad_norm_).
import type { NetworkState } from '../compute/network.ts';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Maximum global L2 norm of the gradient; 0 disables clipping. */
  gradientClip: number;
}

export class Adam {
  readonly settings: AdamSettings;
  /** First and second moment estimates. */
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Optimizer steps taken. */
  step = 0;
  /** Sum of the gradients accumulated since the last step, and how many were added. */
  readonly accumulated: Float64Array;
  accumulatedCount = 0;

  constructor(parameterCount: number, settings: Partial<AdamSettings> & { learningRate: number }) {
    this.settings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, gradientClip: 0, ...settings };
    this.m = new Float32Array(parameterCount);
    this.v = new Float32Array(parameterCount);
    this.accumulated = new Float64Array(parameterCount);
  }

  /** Adds one batch-mean gradient to the accumulator. */
  accumulate(gradient: Float32Array): void {
    const sum = this.accumulated;
    for (let i = 0; i < sum.length; i++) sum[i] += gradient[i];
    this.accumulatedCount++;
  }

  /**
   * One Adam step on the mean of the accumulated gradients (like dividing the loss by the number of
   * accumulation steps), after clipping. Returns the gradient norm before clipping.
   */
  apply(state: NetworkState): number {
    if (this.accumulatedCount === 0) throw new Error('Adam.apply: no gradient was accumulated');
    const gradient = this.accumulated;
    const scale = 1 / this.accumulatedCount;
    let squares = 0;
    for (let i = 0; i < gradient.length; i++) {
      gradient[i] *= scale;
      squares += gradient[i] * gradient[i];
    }
    const norm = Math.sqrt(squares);
    const { learningRate, beta1, beta2, epsilon, gradientClip } = this.settings;
    const clip = gradientClip > 0 && norm > gradientClip ? gradientClip / (norm + 1e-6) : 1;
    this.step++;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    const parameters = state.parameters;
    for (let i = 0; i < parameters.length; i++) {
      const g = gradient[i] * clip;
      const m = (this.m[i] = beta1 * this.m[i] + (1 - beta1) * g);
      const v = (this.v[i] = beta2 * this.v[i] + (1 - beta2) * g * g);
      parameters[i] -= (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
    }
    gradient.fill(0);
    this.accumulatedCount = 0;
    state.version++;
    return norm;
  }
}
