// Generates the AsymmetricPolicyNetwork as ONNX graphs with the weights as inputs, so one session
// serves every update: an acting graph (BatchNorm running statistics) and a learning graph that
// runs the training-mode forward pass, the policy loss and the hand-written backward pass, and
// returns the flat gradient. Formulas match js.ts and loss.ts term for term.
import { BATCH_NORM_EPSILON, linearLayers, type LinearLayout, type NetworkLayout, type NetworkState } from './network.ts';
import { GraphBuilder } from './onnx-builder.ts';
import { TensorType } from './onnx-proto.ts';
import { MASKED_LOGIT_OFFSET, type LossSpec } from './types.ts';
import { ACTION_COUNT, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT, OBSERVATION_WIDTH } from '../env/observation.ts';

const BATCH = 'batch';

interface Weights {
  weight: Map<string, string>;
  bias: Map<string, string>;
  gamma: string[];
  beta: string[];
}

/** Every weight tensor is its own graph input (named after the layer), so no call copies slices. */
function weightInputs(g: GraphBuilder, layout: NetworkLayout, cast: (name: string) => string): Weights {
  const weights: Weights = { weight: new Map(), bias: new Map(), gamma: [], beta: [] };
  for (const layer of linearLayers(layout)) {
    weights.weight.set(layer.name, cast(g.input(`${layer.name}.weight`, [layer.inputs, layer.outputs])));
    weights.bias.set(layer.name, cast(g.input(`${layer.name}.bias`, [layer.outputs])));
  }
  for (const norm of layout.macroNorm) {
    weights.gamma.push(cast(g.input(`${norm.name}.gamma`, [norm.features])));
    weights.beta.push(cast(g.input(`${norm.name}.beta`, [norm.features])));
  }
  return weights;
}

/** Name, offset and shape of every weight input, in layout order (the backend feeds views of the flat vector). */
export function weightInputSpecs(layout: NetworkLayout): { name: string; offset: number; shape: number[] }[] {
  const specs: { name: string; offset: number; shape: number[] }[] = [];
  for (const layer of linearLayers(layout)) {
    specs.push({ name: `${layer.name}.weight`, offset: layer.weight, shape: [layer.inputs, layer.outputs] });
    specs.push({ name: `${layer.name}.bias`, offset: layer.bias, shape: [layer.outputs] });
  }
  for (const norm of layout.macroNorm) {
    specs.push({ name: `${norm.name}.gamma`, offset: norm.gamma, shape: [norm.features] });
    specs.push({ name: `${norm.name}.beta`, offset: norm.beta, shape: [norm.features] });
  }
  return specs.sort((a, b) => a.offset - b.offset);
}

function linear(g: GraphBuilder, w: Weights, layer: LinearLayout, x: string): string {
  return g.gemm(x, w.weight.get(layer.name)!, w.bias.get(layer.name)!);
}

/** The `observations` input [B,122] split into macro [B,60], micro [B,60] and account [B,2] columns. */
function observationInputs(g: GraphBuilder, cast: (name: string) => string): { macro: string; micro: string; account: string } {
  const observations = g.input('observations', [BATCH, OBSERVATION_WIDTH]);
  return {
    macro: cast(g.columns(observations, 0, MACRO_FEATURE_COUNT)),
    micro: cast(g.columns(observations, MACRO_FEATURE_COUNT, MACRO_FEATURE_COUNT + MICRO_FEATURE_COUNT)),
    account: cast(g.columns(observations, MACRO_FEATURE_COUNT + MICRO_FEATURE_COUNT, OBSERVATION_WIDTH)),
  };
}

/** Logits plus MASKED_LOGIT_OFFSET where the uint8 `actionMasks` input [B,3] is 0: (mask − 1)·|offset|. */
function maskedLogits(g: GraphBuilder, logits: string, type: number): string {
  const mask = g.op('Cast', [g.input('actionMasks', [BATCH, ACTION_COUNT], TensorType.uint8)], { to: type });
  const asType = (name: string) => (type === TensorType.float ? name : g.op('Cast', [name], { to: type }));
  return g.add(logits, g.mul(g.sub(mask, asType(g.scalar(1))), asType(g.scalar(-MASKED_LOGIT_OFFSET))));
}

/** Micro tower, concat and the head of the acting graph. */
function towersAndHead(g: GraphBuilder, layout: NetworkLayout, w: Weights, macroOut: string, micro: string, account: string, computeType: number) {
  const microHidden: string[] = [];
  let m = micro;
  for (const layer of layout.micro) {
    m = g.relu(linear(g, w, layer, m));
    microHidden.push(m);
  }
  const concat = g.op('Concat', [macroOut, m, account], { axis: 1 });
  const headHidden: string[] = [];
  let h = concat;
  for (const layer of layout.head.slice(0, -1)) {
    h = g.relu(linear(g, w, layer, h));
    headHidden.push(h);
  }
  const logits = maskedLogits(g, linear(g, w, layout.head[layout.head.length - 1], h), computeType);
  const value = layout.value ? linear(g, w, layout.value, h) : undefined;
  return { microHidden, concat, headHidden, logits, value };
}

/**
 * Acting graph, with each MacroNet BatchNorm (running statistics) folded into the Linear before it:
 * W' = W·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β, computed by `foldBatchNorm` once per weight
 * version. Fewer, larger nodes matter at acting batch sizes, where per-node dispatch dominates.
 * Inputs: the weight tensors without the BatchNorm ones, observations [B,122] and actionMasks [B,3] (uint8, 1 allowed). Outputs: probabilities [B,3] (and values [B,1]). With fp16 the arithmetic runs in float16
 * between a cast in and a cast out.
 */
export function buildActingGraph(layout: NetworkLayout, fp16: boolean): Uint8Array {
  const g = new GraphBuilder('traindeck_policy_act');
  const toCompute = (name: string) => (fp16 ? g.op('Cast', [name], { to: TensorType.float16 }) : name);
  const w: Weights = { weight: new Map(), bias: new Map(), gamma: [], beta: [] };
  for (const layer of linearLayers(layout)) {
    w.weight.set(layer.name, toCompute(g.input(`${layer.name}.weight`, [layer.inputs, layer.outputs])));
    w.bias.set(layer.name, toCompute(g.input(`${layer.name}.bias`, [layer.outputs])));
  }
  const { macro, micro, account } = observationInputs(g, toCompute);
  let x = macro;
  for (const layer of layout.macro) x = g.relu(linear(g, w, layer, x));
  const { logits, value } = towersAndHead(g, layout, w, x, micro, account, fp16 ? TensorType.float16 : TensorType.float);
  const toFloat = (name: string) => (fp16 ? g.op('Cast', [name], { to: TensorType.float }) : name);
  g.output('probabilities', toFloat(g.op('Softmax', [logits], { axis: 1 })), [BATCH, ACTION_COUNT]);
  if (value) g.output('values', toFloat(value), [BATCH, 1]);
  return g.encode();
}

/** The acting graph's inputs: every Linear weight and bias, MacroNet ones with BatchNorm folded in. */
export function foldBatchNorm(layout: NetworkLayout, state: NetworkState): Map<string, { data: Float32Array; shape: number[] }> {
  const parameters = state.parameters;
  const inputs = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const layer of linearLayers(layout)) {
    const weight = parameters.slice(layer.weight, layer.weight + layer.inputs * layer.outputs);
    const bias = parameters.slice(layer.bias, layer.bias + layer.outputs);
    const index = layout.macro.indexOf(layer);
    if (index >= 0) {
      const norm = layout.macroNorm[index];
      for (let f = 0; f < layer.outputs; f++) {
        const scale = parameters[norm.gamma + f] / Math.sqrt(state.runningVariance[norm.statistics + f] + BATCH_NORM_EPSILON);
        for (let i = 0; i < layer.inputs; i++) weight[i * layer.outputs + f] = parameters[layer.weight + i * layer.outputs + f] * scale;
        bias[f] = (parameters[layer.bias + f] - state.runningMean[norm.statistics + f]) * scale + parameters[norm.beta + f];
      }
    }
    inputs.set(`${layer.name}.weight`, { data: weight, shape: [layer.inputs, layer.outputs] });
    inputs.set(`${layer.name}.bias`, { data: bias, shape: [layer.outputs] });
  }
  return inputs;
}

/**
 * Learning graph. Inputs: the weight tensors, observations [B,122], actionMasks [B,3] (uint8), actionsOneHot [B,3], the
 * uint8 dropout keep-masks mask0..mask3 [B,width] (when dropout > 0), scale [1] (= 1/B), entropyCoefficient
 * [1] and the loss inputs: REINFORCE weights [B,1]; PPO advantages [B,1], oldLogProbs [B,1], clipEpsilon [1]; with a value
 * head, returns [B,1] and valueCoefficient [1] (its regression). Outputs: gradient [P], batchMean [S], batchVariance [S],
 * logProbs [B,3] (and values [B,1]).
 *
 * Written for speed on the CPU provider, where the elementwise passes over [B, width] cost more in
 * all than the matrix products, so the graph makes as few as it can, with the ops ORT's CPU kernels
 * run fastest (Mul, Add, Sub, Greater, Cast, ReduceMean/ReduceSum; its 2-D BatchNormalization,
 * Where, Sign and ReduceSumSquare measured 2-10x slower per pass): BatchNorm and dropout's k = 1/(1−p) fold into one
 * affine pass (ReLU commutes with a positive scale), the variance is E[z²] − mean², x̂ is never
 * materialised, each ReLU derivative is read off the layer's output, and the MacroNet Linear biases
 * are left out of the training forward pass because BatchNorm's batch mean cancels them exactly
 * (their gradient is exactly zero).
 */
export function buildLearningGraph(layout: NetworkLayout, kind: LossSpec['kind']): Uint8Array {
  const g = new GraphBuilder(`traindeck_policy_learn_${kind}`);
  const w = weightInputs(g, layout, (name) => name);
  const { macro, micro, account } = observationInputs(g, (name) => name);
  const oneHot = g.input('actionsOneHot', [BATCH, ACTION_COUNT]);
  const keepScale = g.scalar(1 / (1 - layout.spec.dropout));
  // uint8 keep-masks: a quarter of the bytes of float masks
  const masks = layout.spec.dropout > 0
    ? layout.macro.map((layer, index) => g.op('Cast', [g.input(`mask${index}`, [BATCH, layer.outputs], TensorType.uint8)], { to: TensorType.float }))
    : undefined;
  const scale = g.input('scale', [1]);
  const entropyCoefficient = g.input('entropyCoefficient', [1]);
  const zero = g.scalar(0);
  /** 1[x > 0] as floats, for a ReLU output x (the ReLU derivative; ORT's Sign kernel is several times slower). */
  const positive = (output: string) => g.op('Cast', [g.op('Greater', [output, zero])], { to: TensorType.float });
  const reluBackward = (output: string, dy: string) => g.mul(dy, positive(output));

  // forward, MacroNet with batch statistics and dropout: x' = mask · ReLU(a·z + b), where
  // a = k·γ/σ and b = k·β − mean·a fold BatchNorm and dropout's k = 1/(1 − p) into one affine pass
  const macroInputs: string[] = [];
  const blocks: { z: string; mean: string; inverseStd: string; a: string; gate: string }[] = [];
  const means: string[] = [];
  const variances: string[] = [];
  let x = macro;
  layout.macro.forEach((layer, index) => {
    macroInputs.push(x);
    const z = g.gemm(x, w.weight.get(layer.name)!);
    const mean = g.meanRows(z);
    const variance = g.op('Relu', [g.sub(g.meanRows(g.mul(z, z)), g.mul(mean, mean))]); // E[z²] − mean², ≥ 0 despite rounding
    const inverseStd = g.op('Reciprocal', [g.op('Sqrt', [g.add(variance, g.scalar(BATCH_NORM_EPSILON))])]);
    const a = g.mul(g.mul(w.gamma[index], keepScale), inverseStd);
    const b = g.sub(g.mul(w.beta[index], keepScale), g.mul(mean, a));
    const activated = g.relu(g.add(g.mul(z, a), b));
    x = masks ? g.mul(activated, masks[index]) : activated;
    blocks.push({ z, mean, inverseStd, a, gate: positive(x) });
    means.push(g.flatten(g.add(mean, w.bias.get(layer.name)!)));
    variances.push(g.flatten(variance));
  });
  const microHidden: string[] = [];
  let m = micro;
  for (const layer of layout.micro) {
    m = g.relu(g.gemm(m, w.weight.get(layer.name)!, w.bias.get(layer.name)!));
    microHidden.push(m);
  }
  const concat = g.op('Concat', [x, m, account], { axis: 1 });
  const headHidden: string[] = [];
  let h = concat;
  for (const layer of layout.head.slice(0, -1)) {
    h = g.relu(g.gemm(h, w.weight.get(layer.name)!, w.bias.get(layer.name)!));
    headHidden.push(h);
  }
  const last = layout.head[layout.head.length - 1];
  const logits = maskedLogits(g, g.gemm(h, w.weight.get(last.name)!, w.bias.get(last.name)!), TensorType.float);
  const value = layout.value ? g.gemm(h, w.weight.get(layout.value.name)!, w.bias.get(layout.value.name)!) : undefined;

  // loss gradient with respect to the logits (and the value), as in loss.ts
  const logProbs = g.op('LogSoftmax', [logits], { axis: 1 });
  const probabilities = g.op('Exp', [logProbs]);
  const entropy = g.neg(g.sumColumns(g.mul(probabilities, logProbs)));
  let coefficient: string;
  let gradValue: string | undefined;
  if (kind === 'reinforce') {
    coefficient = g.mul(g.neg(g.input('weights', [BATCH, 1])), scale);
  } else {
    const advantages = g.input('advantages', [BATCH, 1]);
    const oldLogProbs = g.input('oldLogProbs', [BATCH, 1]);
    const clipEpsilon = g.input('clipEpsilon', [1]);
    const ratio = g.op('Exp', [g.sub(g.sumColumns(g.mul(logProbs, oneHot)), oldLogProbs)]);
    const one = g.scalar(1);
    const clipped = g.op('Min', [g.op('Max', [ratio, g.sub(one, clipEpsilon)]), g.add(one, clipEpsilon)]);
    const unclippedSurrogate = g.mul(ratio, advantages);
    const useUnclipped = g.op('Cast', [g.op('LessOrEqual', [unclippedSurrogate, g.mul(clipped, advantages)])], { to: TensorType.float });
    coefficient = g.mul(g.neg(g.mul(unclippedSurrogate, useUnclipped)), scale);
  }
  if (value) {
    const returns = g.input('returns', [BATCH, 1]);
    const valueCoefficient = g.input('valueCoefficient', [1]);
    gradValue = g.mul(g.mul(valueCoefficient, g.mul(scale, g.scalar(2))), g.sub(value, returns));
  }
  const gradLogits = g.add(
    g.mul(coefficient, g.sub(oneHot, probabilities)),
    g.mul(g.mul(entropyCoefficient, scale), g.mul(probabilities, g.add(logProbs, entropy))),
  );

  // backward
  const gradients: { offset: number; name: string }[] = [];
  const linearBackward = (layer: LinearLayout, input: string, dy: string, needInput: boolean, hasBias = true): string | undefined => {
    gradients.push({ offset: layer.weight, name: g.flatten(g.gemm(input, dy, undefined, 1, 0)) });
    gradients.push({ offset: layer.bias, name: hasBias ? g.sumRows(dy, 0) : g.zeros(layer.outputs) });
    return needInput ? g.gemm(dy, w.weight.get(layer.name)!, undefined, 0, 1) : undefined;
  };
  const headLayers = layout.head;
  let dy = gradLogits;
  for (let index = headLayers.length - 1; index >= 0; index--) {
    const input = index === 0 ? concat : headHidden[index - 1];
    let dx = linearBackward(headLayers[index], input, dy, true)!;
    if (index === headLayers.length - 1 && layout.value && gradValue) dx = g.add(dx, linearBackward(layout.value, input, gradValue, true)!);
    dy = index > 0 ? reluBackward(headHidden[index - 1], dx) : dx;
  }
  const macroWidth = layout.macro[layout.macro.length - 1].outputs;
  const microWidth = layout.micro[layout.micro.length - 1].outputs;
  let dMicro = g.columns(dy, macroWidth, macroWidth + microWidth);
  for (let index = layout.micro.length - 1; index >= 0; index--) {
    const dz = reluBackward(microHidden[index], dMicro);
    const dx = linearBackward(layout.micro[index], index === 0 ? micro : microHidden[index - 1], dz, index > 0);
    if (dx) dMicro = dx;
  }
  let dMacro = g.columns(dy, 0, macroWidth);
  for (let index = layout.macro.length - 1; index >= 0; index--) {
    const norm = layout.macroNorm[index];
    const { z, mean, inverseStd, a, gate } = blocks[index];
    // with dy the gradient at k·(γ·x̂ + β) and x̂ = (z − mean)/σ: dγ = k·Σ dy·x̂, dβ = k·Σ dy, and
    // dz = a·(dy − Σdy/B − x̂·Σ(dy·x̂)/B) = a·dy − c·z + d, c = a/σ·Σ(dy·x̂)/B, d = c·mean − a·Σdy/B
    const dNormalized = g.mul(dMacro, gate);
    const sum = g.sumRows(dNormalized, 1);
    const sumTimesNormalized = g.mul(inverseStd, g.sub(g.sumRows(g.mul(dNormalized, z), 1), g.mul(mean, sum)));
    gradients.push({ offset: norm.gamma, name: g.flatten(g.mul(sumTimesNormalized, keepScale)) });
    gradients.push({ offset: norm.beta, name: g.flatten(g.mul(sum, keepScale)) });
    const c = g.mul(g.mul(a, inverseStd), g.mul(sumTimesNormalized, scale));
    const d = g.sub(g.mul(c, mean), g.mul(a, g.mul(sum, scale)));
    const dz = g.add(g.sub(g.mul(dNormalized, a), g.mul(z, c)), d);
    const dx = linearBackward(layout.macro[index], macroInputs[index], dz, index > 0, false);
    if (dx) dMacro = dx;
  }
  gradients.sort((a, b) => a.offset - b.offset);
  g.output('gradient', g.op('Concat', gradients.map((entry) => entry.name), { axis: 0 }), [layout.parameterCount]);
  g.output('batchMean', g.op('Concat', means, { axis: 0 }), [layout.normFeatures]);
  g.output('batchVariance', g.op('Concat', variances, { axis: 0 }), [layout.normFeatures]);
  g.output('logProbs', logProbs, [BATCH, ACTION_COUNT]);
  if (value) g.output('values', value, [BATCH, 1]);
  return g.encode();
}
