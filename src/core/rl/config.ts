// RL trainer settings, read from RunConfig.options: every field with its doc, default and allowed
// range. Defaults depend on the mode: `original` turns every optimization flag off, `optimized`
// turns them all on; any flag can be set on its own for ablations. Validation names the bad key.
import type { TrainingMode } from '../../shared/run.ts';
import { backendNames, type BackendChoice } from '../compute/types.ts';

/** The optimizations, each measurable on its own (`traindeck compare rl --ablate`). */
export interface OptimizationFlags {
  /** N envs stepped together as one vector env (off: one scalar env). */
  vectorizedEnvs: boolean;
  /** One batched forward pass for all envs per step (off: a batch-1 forward per env). */
  batchedActing: boolean;
  /** Returns and loss weights computed for the whole batch with typed arrays, and REINFORCE's dropout masks made on a helper thread while the envs step (off: per-step loops, masks made when learning starts). */
  vectorizedReturns: boolean;
  /** Gradients of `accumulation` rollouts summed before each optimizer step (off: a step per rollout). */
  gradientAccumulation: boolean;
  /** Fastest backend for acting and for learning (the `backend` option; off: the js reference). */
  backendChoice: boolean;
  /** Float16 arithmetic on a GPU execution provider for acting (ignored where unsupported). */
  fp16: boolean;
}

export const flagNames = ['vectorizedEnvs', 'batchedActing', 'vectorizedReturns', 'gradientAccumulation', 'backendChoice', 'fp16'] as const satisfies readonly (keyof OptimizationFlags)[];

export interface RlConfig extends OptimizationFlags {
  /** Policy-gradient algorithm: `reinforce` or `ppo` (clipped objective with GAE and a value head). */
  algorithm: 'reinforce' | 'ppo';
  /** Parallel envs when vectorizedEnvs is on (1..1024). */
  envs: number;
  /** Steps per episode, T (10..10000). */
  horizon: number;
  /** Discount factor γ (0..1). */
  gamma: number;
  /** Adam learning rate (0..1). */
  learningRate: number;
  /** Maximum global gradient norm; 0 disables clipping (0..1e6). */
  gradientClip: number;
  /** Entropy bonus coefficient β; 0 disables it (0..10). */
  entropyCoefficient: number;
  /** Give no probability to actions that would not change the position (SELL when flat, BUY when fully long), in both modes. */
  maskInvalidActions: boolean;
  /** REINFORCE: charge the cost of closing a position still open when an episode ends (the window is cut from a market that goes on). */
  closingCost: boolean;
  /** Rollouts whose gradients are accumulated per optimizer step when gradientAccumulation is on (1..64). */
  accumulation: number;
  /** Dropout probability after each MacroNet block during learning (0..0.9). */
  dropout: number;
  /** BatchNorm running-statistics momentum (0..1). */
  batchNormMomentum: number;
  /** Compute backend when backendChoice is on: `auto` or a backend name. */
  backend: BackendChoice;
  /** PPO: clip range ε of the probability ratio (0..1). */
  clipEpsilon: number;
  /** PPO: GAE λ (0..1). */
  gaeLambda: number;
  /** PPO: passes over each rollout (1..100). */
  epochs: number;
  /** PPO: minibatches per epoch (1..1024). */
  minibatches: number;
  /** PPO: value-loss coefficient (0..100). */
  valueCoefficient: number;
  /** Evaluate on the validation and test splits every this many updates; 0 only at the end (0..1e6). */
  evaluationEvery: number;
  /** Windows each split is cut into for evaluation, run side by side; 1 = exact sequential run (1..1024). */
  evaluationSegments: number;
  /** Save a checkpoint every this many updates; 0 only on stop and at the end (0..1e6). */
  checkpointEvery: number;
  /** Intra-op threads of native backends (onnx: learning; acting uses 1 unless set); 0 lets the runtime decide (0..256). */
  threads: number;
}

type Field = { doc: string; kind: 'number' | 'integer' | 'boolean' | 'enum'; min?: number; max?: number; values?: readonly string[] };

/** Field metadata for validation and for the UI (one doc line each, from the interface above). */
export const rlConfigFields: Record<keyof RlConfig, Field> = {
  algorithm: { doc: 'Policy-gradient algorithm', kind: 'enum', values: ['reinforce', 'ppo'] },
  envs: { doc: 'Parallel envs (vectorized mode)', kind: 'integer', min: 1, max: 1024 },
  horizon: { doc: 'Steps per episode T', kind: 'integer', min: 10, max: 10_000 },
  gamma: { doc: 'Discount factor', kind: 'number', min: 0, max: 1 },
  learningRate: { doc: 'Adam learning rate', kind: 'number', min: 0, max: 1 },
  gradientClip: { doc: 'Max global gradient norm (0 = off)', kind: 'number', min: 0, max: 1e6 },
  entropyCoefficient: { doc: 'Entropy bonus (0 = off)', kind: 'number', min: 0, max: 10 },
  maskInvalidActions: { doc: 'Mask actions that would not change the position', kind: 'boolean' },
  closingCost: { doc: 'REINFORCE: charge closing an open position at episode end', kind: 'boolean' },
  accumulation: { doc: 'Rollouts per optimizer step', kind: 'integer', min: 1, max: 64 },
  dropout: { doc: 'MacroNet dropout probability', kind: 'number', min: 0, max: 0.9 },
  batchNormMomentum: { doc: 'BatchNorm running-statistics momentum', kind: 'number', min: 0, max: 1 },
  backend: { doc: 'Compute backend', kind: 'enum', values: ['auto', ...backendNames] },
  clipEpsilon: { doc: 'PPO ratio clip range', kind: 'number', min: 0, max: 1 },
  gaeLambda: { doc: 'PPO GAE lambda', kind: 'number', min: 0, max: 1 },
  epochs: { doc: 'PPO epochs per rollout', kind: 'integer', min: 1, max: 100 },
  minibatches: { doc: 'PPO minibatches per epoch', kind: 'integer', min: 1, max: 1024 },
  valueCoefficient: { doc: 'PPO value-loss coefficient', kind: 'number', min: 0, max: 100 },
  evaluationEvery: { doc: 'Updates between evaluations (0 = end only)', kind: 'integer', min: 0, max: 1e6 },
  evaluationSegments: { doc: 'Parallel evaluation windows per split (1 = sequential)', kind: 'integer', min: 1, max: 1024 },
  checkpointEvery: { doc: 'Updates between checkpoints (0 = stop/end only)', kind: 'integer', min: 0, max: 1e6 },
  threads: { doc: 'Native backend threads (0 = default)', kind: 'integer', min: 0, max: 256 },
  vectorizedEnvs: { doc: 'Optimization: vectorized envs', kind: 'boolean' },
  batchedActing: { doc: 'Optimization: batched acting', kind: 'boolean' },
  vectorizedReturns: { doc: 'Optimization: vectorized returns and loss', kind: 'boolean' },
  gradientAccumulation: { doc: 'Optimization: gradient accumulation', kind: 'boolean' },
  backendChoice: { doc: 'Optimization: fastest backend', kind: 'boolean' },
  fp16: { doc: 'Optimization: float16 on GPU providers', kind: 'boolean' },
};

export function defaultRlConfig(mode: TrainingMode): RlConfig {
  const optimized = mode === 'optimized';
  return {
    algorithm: 'reinforce',
    envs: 32,
    horizon: 150,
    gamma: 0.99,
    learningRate: 3e-4,
    gradientClip: 1,
    entropyCoefficient: 0.01,
    maskInvalidActions: true,
    closingCost: true,
    accumulation: 4,
    dropout: 0.1,
    batchNormMomentum: 0.1,
    backend: 'auto',
    clipEpsilon: 0.2,
    gaeLambda: 0.95,
    epochs: 4,
    minibatches: 4,
    valueCoefficient: 0.5,
    evaluationEvery: 50,
    evaluationSegments: 32,
    checkpointEvery: 100,
    threads: 0,
    vectorizedEnvs: optimized,
    batchedActing: optimized,
    vectorizedReturns: optimized,
    gradientAccumulation: optimized,
    backendChoice: optimized,
    fp16: optimized,
  };
}

/** Keys of RunConfig.options that belong to the env, passed through to it unvalidated here. */
export const envOptionKeys = ['env'] as const;

/** Validated config from RunConfig.options; throws a RangeError naming the bad key and its range. */
export function parseRlConfig(mode: TrainingMode, options: Record<string, unknown>): RlConfig {
  const config = defaultRlConfig(mode);
  const target = config as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) {
    if ((envOptionKeys as readonly string[]).includes(key)) continue;
    const field = (rlConfigFields as Record<string, Field | undefined>)[key];
    if (!field) throw new RangeError(`options.${key} is not an RL setting (known: ${Object.keys(rlConfigFields).join(', ')})`);
    if (field.kind === 'boolean') {
      if (typeof value !== 'boolean') throw new RangeError(`options.${key} must be true or false, got ${JSON.stringify(value)}`);
    } else if (field.kind === 'enum') {
      if (typeof value !== 'string' || !field.values!.includes(value)) throw new RangeError(`options.${key} must be one of ${field.values!.join(', ')}, got ${JSON.stringify(value)}`);
    } else {
      const range = `${field.min}..${field.max}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`options.${key} must be a number in ${range}, got ${JSON.stringify(value)}`);
      if (field.kind === 'integer' && !Number.isInteger(value)) throw new RangeError(`options.${key} must be an integer in ${range}, got ${value}`);
      if (value < field.min! || value > field.max!) throw new RangeError(`options.${key} must be in ${range}, got ${value}`);
    }
    target[key] = value;
  }
  return config;
}

/** Envs actually stepped together. */
export function effectiveEnvs(config: RlConfig): number {
  return config.vectorizedEnvs ? config.envs : 1;
}

/** Rollouts accumulated per optimizer step. */
export function effectiveAccumulation(config: RlConfig): number {
  return config.gradientAccumulation && config.algorithm === 'reinforce' ? config.accumulation : 1;
}
