// The RL trainer's settings (`RunConfig.options` when trainer is `rl`), each declared once. Defaults
// of the optimization flags depend on the mode: `original` turns every flag off, `optimized` turns
// them all on; any flag can be set on its own for ablations. Runs and checkpoints from before the
// flags moved under `flags` gave them as top-level keys; those are still accepted and moved.
import { boolean, choice, flag, fraction, integer, number, section, type SettingInput, type SettingValue } from './declare.ts';
import { envSettings } from './env.ts';

/** The compute backends, in the reference-first order the `auto` benchmark tries them. */
export const backendNames = ['js', 'onnx', 'tfjs-node', 'tfjs-webgpu', 'tfjs-wasm'] as const;
export type BackendName = (typeof backendNames)[number];
/** A backend name, or `auto` to benchmark the available ones and take the fastest. */
export type BackendChoice = BackendName | 'auto';

export const rlAlgorithms = ['reinforce', 'ppo'] as const;

/** The optimizations, each measurable on its own (`traindeck compare rl --ablate`). */
export const rlFlagSettings = section('Optimization flags (unset: follow the mode; original all off, optimized all on).', {
  vectorizedEnvs: flag('N envs stepped together as one vector env (off: one scalar env).'),
  batchedActing: flag('One batched forward pass for all envs per step (off: a batch-1 forward per env).'),
  vectorizedReturns: flag("Returns and loss weights for the whole batch on typed arrays, and REINFORCE's dropout masks made while the envs step, on a helper thread (on the trainer's thread when learning runs on a learning thread) (off: per-step loops, masks made when learning starts)."),
  gradientAccumulation: flag('REINFORCE: gradients of `accumulation` rollouts summed before each optimizer step (off: a step per rollout).'),
  overlappedLearning: flag('REINFORCE with accumulation: each rollout learns on a helper thread while the next rollout steps its envs; acting in an accumulation window keeps the BatchNorm statistics of its start, the window\'s statistics are applied at its end (off: learning after each rollout, statistics at once).'),
  backendChoice: flag('Fastest backend for acting and for learning (the `backend` setting; off: the js reference).'),
  fp16: flag('Float16 arithmetic on a GPU execution provider for acting (ignored where unsupported).'),
});

/** The New run form shows REINFORCE's own settings only while REINFORCE is the chosen algorithm. */
const reinforceOnly = { key: 'algorithm', values: ['reinforce'] } as const;

export const rlSettings = section(
  'RL run settings.',
  {
    algorithm: choice(rlAlgorithms, {
      doc: 'Policy-gradient algorithm: reinforce, or ppo (clipped objective with GAE and a value head).',
      default: 'ppo', fixedOnResume: true, form: { label: 'Algorithm' },
    }),
    envs: integer(1, 1024, { doc: 'Parallel envs when vectorizedEnvs is on.', unit: 'envs', default: 32, form: { label: 'Vectorized envs', modes: ['optimized'] } }),
    horizon: integer(10, 10_000, { doc: 'Steps per episode, T.', unit: 'steps', default: 150 }),
    gamma: fraction({ doc: 'Discount factor γ.', default: 0.99, form: { label: 'Discount γ' } }),
    learningRate: fraction({ doc: 'Adam learning rate.', default: 3e-4, form: { label: 'Learning rate' } }),
    gradientClip: number(0, 1e6, { doc: 'Maximum global gradient norm; 0 disables clipping.', default: 1 }),
    entropyCoefficient: number(0, 10, { doc: 'Entropy bonus coefficient β; 0 disables it.', default: 0.01, form: { label: 'Entropy bonus' } }),
    maskInvalidActions: boolean({ doc: 'Give no probability to actions that would not change the position (SELL when flat, BUY when fully long), in both modes.', default: true }),
    closingCost: boolean({ doc: 'REINFORCE: charge the cost of closing a position still open when an episode ends (the window is cut from a market that goes on).', default: true }),
    baseline: choice(['value', 'state'], {
      doc: "REINFORCE's baseline: state, b(t, p), the mean return per step and position state over earlier batches; value adds a learned V(s), the value head regressed on G − b.",
      default: 'value', fixedOnResume: true, form: { label: 'REINFORCE baseline', onlyWith: reinforceOnly },
    }),
    accumulation: integer(1, 64, { doc: 'REINFORCE: rollouts whose gradients are accumulated per optimizer step when gradientAccumulation is on.', unit: 'rollouts', default: 4, form: { label: 'Gradient accumulation', modes: ['optimized'], onlyWith: reinforceOnly } }),
    dropout: number(0, 0.9, { doc: 'Dropout probability after each MacroNet block during learning.', default: 0.1 }),
    batchNormMomentum: fraction({ doc: 'BatchNorm running-statistics momentum.', default: 0.1 }),
    backend: choice(['auto', ...backendNames], { doc: 'Compute backend when backendChoice is on: auto (the fastest measured here) or a backend name.', default: 'auto', form: { label: 'Compute backend' } }),
    clipEpsilon: fraction({ doc: 'PPO: clip range ε of the probability ratio.', default: 0.2 }),
    gaeLambda: fraction({ doc: 'PPO: GAE λ.', default: 0.95 }),
    epochs: integer(1, 100, { doc: 'PPO: passes over each rollout.', default: 4 }),
    minibatches: integer(1, 1024, { doc: 'PPO: minibatches per epoch.', default: 4 }),
    valueCoefficient: number(0, 100, { doc: "Value-loss coefficient c_v of PPO and of REINFORCE's learned baseline.", default: 0.5 }),
    evaluationEvery: integer(0, 1e6, { doc: 'Evaluate on the validation and test splits every this many updates; 0 only at the end.', unit: 'updates', default: 50 }),
    evaluationSegments: integer(1, 1024, { doc: 'Windows each split is cut into for evaluation, run side by side; 1 = exact sequential run.', unit: 'windows', default: 32 }),
    checkpointEvery: integer(0, 1e6, { doc: 'Save a checkpoint every this many updates; 0 only on stop and at the end.', unit: 'updates', default: 100 }),
    threads: integer(0, 256, { doc: 'Intra-op threads of native backends (onnx: learning; acting uses 1 unless set); 0 lets the runtime decide.', unit: 'threads', default: 0 }),
    flags: rlFlagSettings,
    env: envSettings,
  },
  { moved: Object.fromEntries(Object.keys(rlFlagSettings.fields).map((name) => [name, `flags.${name}`])) },
);

export type RlSettings = SettingValue<typeof rlSettings>;
export type RlOptions = SettingInput<typeof rlSettings>;
export type RlFlags = RlSettings['flags'];
export type RlFlagName = keyof RlFlags;
export const rlFlagNames = Object.keys(rlFlagSettings.fields) as RlFlagName[];
