// AsymmetricPolicyNetwork: the parameter layout, initialisation and running-statistics layout that
// every compute backend shares. Parameters live in one flat Float32Array so that optimizers,
// checkpoints and the generated ONNX graphs (which take the weights as one input) see one vector.
import { ACCOUNT_FEATURE_COUNT, ACTION_COUNT, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT } from '../env/observation.ts';
import { Random } from '../random.ts';

/** MacroNet widths: 60→192→128→96→64, each Linear followed by BatchNorm, ReLU and Dropout. */
export const MACRO_WIDTHS = [MACRO_FEATURE_COUNT, 192, 128, 96, 64] as const;
/** MicroNet widths: 60→128→64, each Linear followed by ReLU. */
export const MICRO_WIDTHS = [MICRO_FEATURE_COUNT, 128, 64] as const;
/** Decision head on concat(macro 64, micro 64, position, cash): 130→64→32→3 (ReLU between). */
export const HEAD_WIDTHS = [64 + 64 + ACCOUNT_FEATURE_COUNT, 64, 32, ACTION_COUNT] as const;
export const BATCH_NORM_EPSILON = 1e-5;

/** Shape of the network a trainer builds: PPO and REINFORCE's learned baseline add a value head on the decision head's last hidden layer. */
export interface NetworkSpec {
  /** Adds Linear(32→1) state-value output (PPO's critic, REINFORCE's learned baseline). */
  valueHead: boolean;
  /** Dropout probability after each MacroNet block during learning (0 disables). */
  dropout: number;
}

export interface LinearLayout {
  name: string;
  inputs: number;
  outputs: number;
  /** Offset of the [inputs × outputs] row-major weight matrix (y = x·W + b). */
  weight: number;
  /** Offset of the bias vector. */
  bias: number;
}

export interface BatchNormLayout {
  name: string;
  features: number;
  /** Offsets of the scale (gamma) and shift (beta) vectors in the parameters. */
  gamma: number;
  beta: number;
  /** Offset of this layer's features in the running-statistics vectors (and batch-statistics outputs). */
  statistics: number;
}

export interface NetworkLayout {
  spec: NetworkSpec;
  macro: LinearLayout[];
  macroNorm: BatchNormLayout[];
  micro: LinearLayout[];
  head: LinearLayout[];
  value: LinearLayout | undefined;
  /** Trainable parameters. */
  parameterCount: number;
  /** Features over all BatchNorm layers: running mean and variance have this length each. */
  normFeatures: number;
}

/** Computes where every tensor lives in the flat parameter vector. */
export function networkLayout(spec: NetworkSpec): NetworkLayout {
  let offset = 0;
  let statistics = 0;
  const linear = (name: string, inputs: number, outputs: number): LinearLayout => {
    const layout = { name, inputs, outputs, weight: offset, bias: offset + inputs * outputs };
    offset += inputs * outputs + outputs;
    return layout;
  };
  const macro: LinearLayout[] = [];
  const macroNorm: BatchNormLayout[] = [];
  for (let layer = 0; layer < MACRO_WIDTHS.length - 1; layer++) {
    macro.push(linear(`macro${layer}`, MACRO_WIDTHS[layer], MACRO_WIDTHS[layer + 1]));
    const features = MACRO_WIDTHS[layer + 1];
    macroNorm.push({ name: `macroNorm${layer}`, features, gamma: offset, beta: offset + features, statistics });
    offset += 2 * features;
    statistics += features;
  }
  const micro: LinearLayout[] = [];
  for (let layer = 0; layer < MICRO_WIDTHS.length - 1; layer++) micro.push(linear(`micro${layer}`, MICRO_WIDTHS[layer], MICRO_WIDTHS[layer + 1]));
  const head: LinearLayout[] = [];
  for (let layer = 0; layer < HEAD_WIDTHS.length - 1; layer++) head.push(linear(`head${layer}`, HEAD_WIDTHS[layer], HEAD_WIDTHS[layer + 1]));
  const value = spec.valueHead ? linear('value', HEAD_WIDTHS[HEAD_WIDTHS.length - 2], 1) : undefined;
  return { spec, macro, macroNorm, micro, head, value, parameterCount: offset, normFeatures: statistics };
}

/** Every Linear layer in a fixed order (used by the initialiser and the graph builders). */
export function linearLayers(layout: NetworkLayout): LinearLayout[] {
  return [...layout.macro, ...layout.micro, ...layout.head, ...(layout.value ? [layout.value] : [])];
}

/** Trainable weights plus BatchNorm running statistics: everything needed to act. */
export interface NetworkState {
  /** Bumped on every change (optimizer step, statistics update) so backends can cache uploads. */
  version: number;
  parameters: Float32Array;
  runningMean: Float32Array;
  runningVariance: Float32Array;
}

/**
 * PyTorch's default initialisation (uniform ±1/√fan_in for weights and biases, BatchNorm scale 1
 * and shift 0, running mean 0 and variance 1), drawn from the seeded generator in layout order.
 */
export function initializeNetwork(layout: NetworkLayout, random: Random): NetworkState {
  const parameters = new Float32Array(layout.parameterCount);
  for (const layer of linearLayers(layout)) {
    const bound = 1 / Math.sqrt(layer.inputs);
    for (let i = 0; i < layer.inputs * layer.outputs; i++) parameters[layer.weight + i] = random.uniform(-bound, bound);
    for (let i = 0; i < layer.outputs; i++) parameters[layer.bias + i] = random.uniform(-bound, bound);
  }
  for (const norm of layout.macroNorm) parameters.fill(1, norm.gamma, norm.gamma + norm.features);
  const runningMean = new Float32Array(layout.normFeatures);
  const runningVariance = new Float32Array(layout.normFeatures).fill(1);
  return { version: 0, parameters, runningMean, runningVariance };
}

export function cloneNetworkState(state: NetworkState): NetworkState {
  return {
    version: state.version,
    parameters: state.parameters.slice(),
    runningMean: state.runningMean.slice(),
    runningVariance: state.runningVariance.slice(),
  };
}

/**
 * Folds one learning batch's statistics into the running ones like PyTorch's BatchNorm1d:
 * exponential average with the given momentum, variance with Bessel's correction.
 */
export function updateRunningStatistics(state: NetworkState, batchMean: Float32Array, batchVariance: Float32Array, batchSize: number, momentum: number): void {
  const correction = batchSize > 1 ? batchSize / (batchSize - 1) : 1;
  for (let i = 0; i < state.runningMean.length; i++) {
    state.runningMean[i] = (1 - momentum) * state.runningMean[i] + momentum * batchMean[i];
    state.runningVariance[i] = (1 - momentum) * state.runningVariance[i] + momentum * batchVariance[i] * correction;
  }
  state.version++;
}

/** One-line description of the architecture and its size, printed by the trainer. */
export function describeNetwork(layout: NetworkLayout): string {
  const macro = MACRO_WIDTHS.join('→');
  const micro = MICRO_WIDTHS.join('→');
  const head = HEAD_WIDTHS.join('→');
  const value = layout.value ? ' + value 32→1' : '';
  return `AsymmetricPolicyNetwork macro ${macro} (BatchNorm, ReLU, Dropout ${layout.spec.dropout}), micro ${micro}, head ${head}${value}: ${layout.parameterCount.toLocaleString('en-US')} parameters`;
}
