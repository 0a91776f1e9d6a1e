// The `js` backend: the network in plain TypeScript, float64 inside. It is the reference every other
// backend is parity-tested against, and the backend of the original (baseline) training mode.
import { BATCH_NORM_EPSILON, linearLayers, type LinearLayout, type NetworkLayout, type NetworkState } from './network.ts';
import {
  batchNormBackward, batchNormForward, columnMoments, linearForward, linearInputGradient, linearWeightGradient,
  logSoftmax, relu, reluBackward, transpose,
} from './js-kernels.ts';
import { policyLoss, requireValueTarget, type LossTerms } from './loss.ts';
import { MASKED_LOGIT_OFFSET, type BackendAvailability, type BackendOptions, type ComputeBackend, type LearnBatch, type LearnResult, type ObservationBatch, type PolicyOutput } from './types.ts';
import { ACCOUNT_FEATURE_COUNT, ACTION_COUNT, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT, OBSERVATION_WIDTH } from '../env/observation.ts';

/** Parameters converted to float64, with every weight matrix also stored transposed for the forward pass. */
export interface PreparedParameters {
  values: Float64Array;
  transposed: Map<string, Float64Array>;
  biases: Map<string, Float64Array>;
}

export function prepareParameters(layout: NetworkLayout, parameters: ArrayLike<number>): PreparedParameters {
  const values = Float64Array.from(parameters);
  const transposed = new Map<string, Float64Array>();
  const biases = new Map<string, Float64Array>();
  for (const layer of linearLayers(layout)) {
    const weight = values.subarray(layer.weight, layer.weight + layer.inputs * layer.outputs);
    transposed.set(layer.name, transpose(weight, layer.inputs, layer.outputs, new Float64Array(weight.length)));
    biases.set(layer.name, values.subarray(layer.bias, layer.bias + layer.outputs));
  }
  return { values, transposed, biases };
}

/** Every intermediate of one forward pass, kept for the backward pass. */
interface Activations {
  rows: number;
  macroInput: Float64Array;
  microInput: Float64Array;
  /** Per macro block: x̂ (training only), ReLU output, and block output after dropout. */
  macroNormalized: Float64Array[];
  macroRelu: Float64Array[];
  macroOutput: Float64Array[];
  macroMask: (Float64Array | undefined)[];
  batchMean: Float64Array[];
  batchVariance: Float64Array[];
  micro: Float64Array[];
  concat: Float64Array;
  head: Float64Array[];
  logits: Float64Array;
  values: Float64Array | undefined;
}

type ForwardMode =
  | { training: false; runningMean: ArrayLike<number>; runningVariance: ArrayLike<number> }
  | { training: true; dropoutMasks: Uint8Array[] | undefined };

function linear(layer: LinearLayout, prepared: PreparedParameters, x: Float64Array, rows: number): Float64Array {
  const y = new Float64Array(rows * layer.outputs);
  linearForward(x, rows, layer.inputs, prepared.transposed.get(layer.name)!, prepared.biases.get(layer.name)!, layer.outputs, y);
  return y;
}

export function forward(layout: NetworkLayout, prepared: PreparedParameters, batch: ObservationBatch, mode: ForwardMode): Activations {
  const rows = batch.size;
  const macroInput = new Float64Array(rows * MACRO_FEATURE_COUNT);
  const microInput = new Float64Array(rows * MICRO_FEATURE_COUNT);
  const account = new Float64Array(rows * ACCOUNT_FEATURE_COUNT);
  const source = batch.observations;
  for (let row = 0; row < rows; row++) {
    const base = row * OBSERVATION_WIDTH;
    for (let j = 0; j < MACRO_FEATURE_COUNT; j++) macroInput[row * MACRO_FEATURE_COUNT + j] = source[base + j];
    for (let j = 0; j < MICRO_FEATURE_COUNT; j++) microInput[row * MICRO_FEATURE_COUNT + j] = source[base + MACRO_FEATURE_COUNT + j];
    for (let j = 0; j < ACCOUNT_FEATURE_COUNT; j++) account[row * ACCOUNT_FEATURE_COUNT + j] = source[base + MACRO_FEATURE_COUNT + MICRO_FEATURE_COUNT + j];
  }
  const activations: Activations = {
    rows, macroInput, microInput, macroNormalized: [], macroRelu: [], macroOutput: [], macroMask: [], batchMean: [], batchVariance: [],
    micro: [], concat: new Float64Array(0), head: [], logits: new Float64Array(0), values: undefined,
  };
  let x: Float64Array = macroInput;
  layout.macro.forEach((layer, index) => {
    const norm = layout.macroNorm[index];
    const features = layer.outputs;
    const z = linear(layer, prepared, x, rows);
    const y = new Float64Array(rows * features);
    if (mode.training) {
      const mean = new Float64Array(features);
      const variance = new Float64Array(features);
      columnMoments(z, rows, features, mean, variance);
      const normalized = new Float64Array(rows * features);
      batchNormForward(z, rows, features, mean, variance, BATCH_NORM_EPSILON, prepared.values, norm.gamma, prepared.values, norm.beta, y, normalized);
      activations.batchMean.push(mean);
      activations.batchVariance.push(variance);
      activations.macroNormalized.push(normalized);
    } else {
      const mean = mode.runningMean as Float32Array;
      const variance = mode.runningVariance as Float32Array;
      batchNormForward(z, rows, features, mean.subarray(norm.statistics, norm.statistics + features),
        variance.subarray(norm.statistics, norm.statistics + features), BATCH_NORM_EPSILON, prepared.values, norm.gamma, prepared.values, norm.beta, y);
    }
    relu(y, rows * features);
    activations.macroRelu.push(y);
    let output = y;
    const keepMask = mode.training ? mode.dropoutMasks?.[index] : undefined;
    let mask: Float64Array | undefined;
    if (keepMask) {
      const scale = 1 / (1 - layout.spec.dropout);
      mask = new Float64Array(rows * features);
      output = new Float64Array(rows * features);
      for (let i = 0; i < rows * features; i++) {
        mask[i] = keepMask[i] ? scale : 0;
        output[i] = y[i] * mask[i];
      }
    }
    activations.macroOutput.push(output);
    activations.macroMask.push(mask);
    x = output;
  });
  let m: Float64Array = microInput;
  for (const layer of layout.micro) {
    m = linear(layer, prepared, m, rows);
    relu(m, rows * layer.outputs);
    activations.micro.push(m);
  }
  const macroWidth = layout.macro[layout.macro.length - 1].outputs;
  const microWidth = layout.micro[layout.micro.length - 1].outputs;
  const concatWidth = macroWidth + microWidth + ACCOUNT_FEATURE_COUNT;
  const concat = new Float64Array(rows * concatWidth);
  for (let row = 0; row < rows; row++) {
    const base = row * concatWidth;
    for (let j = 0; j < macroWidth; j++) concat[base + j] = x[row * macroWidth + j];
    for (let j = 0; j < microWidth; j++) concat[base + macroWidth + j] = m[row * microWidth + j];
    for (let j = 0; j < ACCOUNT_FEATURE_COUNT; j++) concat[base + macroWidth + microWidth + j] = account[row * ACCOUNT_FEATURE_COUNT + j];
  }
  activations.concat = concat;
  let h: Float64Array = concat;
  layout.head.forEach((layer, index) => {
    h = linear(layer, prepared, h, rows);
    if (index < layout.head.length - 1) {
      relu(h, rows * layer.outputs);
      activations.head.push(h);
    }
  });
  const masks = batch.actionMasks;
  if (masks) for (let i = 0; i < rows * ACTION_COUNT; i++) if (!masks[i]) h[i] += MASKED_LOGIT_OFFSET;
  activations.logits = h;
  if (layout.value) activations.values = linear(layout.value, prepared, activations.head[activations.head.length - 1], rows);
  return activations;
}

/** Backpropagates ∂loss/∂logits (and ∂loss/∂value) to a float64 gradient in the parameter layout. */
export function backward(layout: NetworkLayout, prepared: PreparedParameters, a: Activations, gradLogits: Float64Array, gradValues: Float64Array | undefined): Float64Array {
  const rows = a.rows;
  const gradient = new Float64Array(layout.parameterCount);
  const weightGradient = (layer: LinearLayout, x: Float64Array, dy: Float64Array) => {
    const xT = transpose(x, rows, layer.inputs, new Float64Array(x.length));
    const dyT = transpose(dy, rows, layer.outputs, new Float64Array(dy.length));
    linearWeightGradient(xT, dyT, rows, layer.inputs, layer.outputs, gradient, layer.weight, layer.bias);
  };
  const inputGradient = (layer: LinearLayout, dy: Float64Array) => {
    const dx = new Float64Array(rows * layer.inputs);
    linearInputGradient(dy, rows, layer.outputs, prepared.values, layer.weight, layer.inputs, dx);
    return dx;
  };
  // decision head, from the logits down to the concatenation
  let dy = gradLogits;
  for (let index = layout.head.length - 1; index >= 0; index--) {
    const layer = layout.head[index];
    const input = index === 0 ? a.concat : a.head[index - 1];
    weightGradient(layer, input, dy);
    const dx = inputGradient(layer, dy);
    if (index === layout.head.length - 1 && layout.value && gradValues) {
      weightGradient(layout.value, input, gradValues);
      const dxValue = inputGradient(layout.value, gradValues);
      for (let i = 0; i < dx.length; i++) dx[i] += dxValue[i];
    }
    if (index > 0) reluBackward(dx, a.head[index - 1], dx.length);
    dy = dx;
  }
  const macroWidth = layout.macro[layout.macro.length - 1].outputs;
  const microWidth = layout.micro[layout.micro.length - 1].outputs;
  const concatWidth = layout.head[0].inputs;
  let dMacro: Float64Array = new Float64Array(rows * macroWidth);
  let dMicro: Float64Array = new Float64Array(rows * microWidth);
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < macroWidth; j++) dMacro[row * macroWidth + j] = dy[row * concatWidth + j];
    for (let j = 0; j < microWidth; j++) dMicro[row * microWidth + j] = dy[row * concatWidth + macroWidth + j];
  }
  // MicroNet
  for (let index = layout.micro.length - 1; index >= 0; index--) {
    const layer = layout.micro[index];
    reluBackward(dMicro, a.micro[index], dMicro.length);
    weightGradient(layer, index === 0 ? a.microInput : a.micro[index - 1], dMicro);
    if (index > 0) dMicro = inputGradient(layer, dMicro);
  }
  // MacroNet: dropout, ReLU, BatchNorm (batch statistics), Linear
  for (let index = layout.macro.length - 1; index >= 0; index--) {
    const layer = layout.macro[index];
    const norm = layout.macroNorm[index];
    const mask = a.macroMask[index];
    const reluOutput = a.macroRelu[index];
    if (mask) for (let i = 0; i < dMacro.length; i++) dMacro[i] *= mask[i];
    reluBackward(dMacro, reluOutput, dMacro.length);
    const dz = new Float64Array(dMacro.length);
    batchNormBackward(dMacro, a.macroNormalized[index], rows, layer.outputs, a.batchVariance[index], BATCH_NORM_EPSILON,
      prepared.values, norm.gamma, gradient, norm.beta, dz);
    weightGradient(layer, index === 0 ? a.macroInput : a.macroOutput[index - 1], dz);
    if (index > 0) dMacro = inputGradient(layer, dz);
  }
  return gradient;
}

export interface Float64LearnResult {
  gradient: Float64Array;
  logProbs: Float64Array;
  values: Float64Array | undefined;
  batchMean: Float64Array;
  batchVariance: Float64Array;
  terms: LossTerms;
}

/** Forward (training mode), loss and backward in float64: the reference the gradient check uses. */
export function learnFloat64(layout: NetworkLayout, prepared: PreparedParameters, batch: LearnBatch): Float64LearnResult {
  const activations = forward(layout, prepared, batch, { training: true, dropoutMasks: batch.dropoutMasks });
  const rows = batch.size;
  const logProbs = new Float64Array(rows * ACTION_COUNT);
  logSoftmax(activations.logits, rows, ACTION_COUNT, logProbs);
  const gradLogits = new Float64Array(rows * ACTION_COUNT);
  const gradValues = layout.value ? new Float64Array(rows) : undefined;
  if (layout.value) requireValueTarget(batch.loss);
  const terms = policyLoss(logProbs, activations.values, batch.actions, batch.loss, rows, gradLogits, gradValues);
  const gradient = backward(layout, prepared, activations, gradLogits, gradValues);
  const batchMean = new Float64Array(layout.normFeatures);
  const batchVariance = new Float64Array(layout.normFeatures);
  layout.macroNorm.forEach((norm, index) => {
    batchMean.set(activations.batchMean[index], norm.statistics);
    batchVariance.set(activations.batchVariance[index], norm.statistics);
  });
  return { gradient, logProbs, values: activations.values, batchMean, batchVariance, terms };
}

/** Probabilities from logits, row-wise softmax written as float32. */
function softmaxRows(logits: Float64Array, rows: number): Float32Array {
  const logProbs = new Float64Array(rows * ACTION_COUNT);
  logSoftmax(logits, rows, ACTION_COUNT, logProbs);
  const probabilities = new Float32Array(rows * ACTION_COUNT);
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = Math.exp(logProbs[i]);
  return probabilities;
}

export class JsBackend implements ComputeBackend {
  readonly name = 'js' as const;
  readonly device = 'cpu (plain TypeScript, 1 thread)';
  readonly layout: NetworkLayout;
  private cachedState: NetworkState | undefined;
  private cachedVersion = -1;
  private cached: PreparedParameters | undefined;

  constructor(layout: NetworkLayout) {
    this.layout = layout;
  }

  private prepared(state: NetworkState): PreparedParameters {
    if (this.cachedState !== state || this.cachedVersion !== state.version || !this.cached) {
      this.cached = prepareParameters(this.layout, state.parameters);
      this.cachedState = state;
      this.cachedVersion = state.version;
    }
    return this.cached;
  }

  /** Synchronous acting forward (the original mode's batch-1 loop calls it directly). */
  actSync(state: NetworkState, batch: ObservationBatch): PolicyOutput {
    const activations = forward(this.layout, this.prepared(state), batch, { training: false, runningMean: state.runningMean, runningVariance: state.runningVariance });
    return { probabilities: softmaxRows(activations.logits, batch.size), values: activations.values ? Float32Array.from(activations.values) : undefined };
  }

  async act(state: NetworkState, batch: ObservationBatch): Promise<PolicyOutput> {
    return this.actSync(state, batch);
  }

  async learn(state: NetworkState, batch: LearnBatch): Promise<LearnResult> {
    const result = learnFloat64(this.layout, this.prepared(state), batch);
    return {
      gradient: Float32Array.from(result.gradient),
      batchMean: Float32Array.from(result.batchMean),
      batchVariance: Float32Array.from(result.batchVariance),
      logProbs: Float32Array.from(result.logProbs),
      values: result.values ? Float32Array.from(result.values) : undefined,
    };
  }

  async dispose(): Promise<void> {}
}

export async function probe(): Promise<BackendAvailability> {
  return { name: 'js', available: true, device: 'cpu (plain TypeScript, 1 thread)', fp16: false };
}

export async function create(options: BackendOptions): Promise<ComputeBackend> {
  if (options.fp16) throw new Error('backend js: fp16 is not supported on the CPU');
  return new JsBackend(options.layout);
}
