// The network on TensorFlow.js ops, shared by the tfjs-wasm, tfjs-webgpu and tfjs-node backends
// (each passes its own tf namespace and backend name). Learning runs the same forward pass, loss
// and explicit backward pass as js.ts and loss.ts (no autodiff); weights are uploaded once per network version.
import type * as TfCore from '@tensorflow/tfjs-core';
import { BATCH_NORM_EPSILON, linearLayers, type NetworkLayout, type NetworkState } from './network.ts';
import { requireValueTarget } from './loss.ts';
import { MASKED_LOGIT_OFFSET, type BackendName, type ComputeBackend, type LearnBatch, type LearnResult, type ObservationBatch, type PolicyOutput } from './types.ts';
import { ACCOUNT_FEATURE_COUNT, ACTION_COUNT, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT, OBSERVATION_WIDTH } from '../env/observation.ts';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor = TfCore.Tensor;
type Tensor2D = TfCore.Tensor2D;

/** Named weight tensors in layout order, one per slice of the flat parameter vector. */
interface WeightSet {
  names: string[];
  offsets: number[];
  tensors: Tensor[];
  byName: Map<string, Tensor>;
}

export class TfjsBackend implements ComputeBackend {
  readonly name: BackendName;
  readonly device: string;
  readonly layout: NetworkLayout;
  private readonly tf: Tf;
  /** tfjs-core keeps one active backend per process: this one switches to its own before running. */
  private readonly tfBackend: string;
  private uploaded: { state: NetworkState; version: number; weights: WeightSet; mean: Tensor; variance: Tensor } | undefined;

  constructor(tf: Tf, name: BackendName, device: string, layout: NetworkLayout, tfBackend: string) {
    this.tf = tf;
    this.tfBackend = tfBackend;
    this.name = name;
    this.device = device;
    this.layout = layout;
  }

  private weightSpecs(): { name: string; offset: number; shape: number[] }[] {
    const specs: { name: string; offset: number; shape: number[] }[] = [];
    for (const layer of linearLayers(this.layout)) {
      specs.push({ name: `${layer.name}.weight`, offset: layer.weight, shape: [layer.inputs, layer.outputs] });
      specs.push({ name: `${layer.name}.bias`, offset: layer.bias, shape: [layer.outputs] });
    }
    for (const norm of this.layout.macroNorm) {
      specs.push({ name: `${norm.name}.gamma`, offset: norm.gamma, shape: [norm.features] });
      specs.push({ name: `${norm.name}.beta`, offset: norm.beta, shape: [norm.features] });
    }
    return specs.sort((a, b) => a.offset - b.offset);
  }

  private upload(state: NetworkState) {
    if (this.uploaded && this.uploaded.state === state && this.uploaded.version === state.version) return this.uploaded;
    this.releaseUploaded();
    const tf = this.tf;
    const specs = this.weightSpecs();
    const tensors = specs.map((spec) => tf.tensor(state.parameters.slice(spec.offset, spec.offset + spec.shape.reduce((a, b) => a * b, 1)), spec.shape, 'float32'));
    const weights: WeightSet = { names: specs.map((s) => s.name), offsets: specs.map((s) => s.offset), tensors, byName: new Map(specs.map((s, i) => [s.name, tensors[i]])) };
    this.uploaded = { state, version: state.version, weights, mean: tf.tensor1d(state.runningMean.slice()), variance: tf.tensor1d(state.runningVariance.slice()) };
    return this.uploaded;
  }

  private releaseUploaded(): void {
    if (!this.uploaded) return;
    for (const tensor of this.uploaded.weights.tensors) tensor.dispose();
    this.uploaded.mean.dispose();
    this.uploaded.variance.dispose();
    this.uploaded = undefined;
  }

  /** Macro, micro and account columns of an observation batch (call inside a tidy). */
  private observationTensors(batch: ObservationBatch): { macro: Tensor; micro: Tensor; account: Tensor } {
    const tf = this.tf;
    const all = tf.tensor2d(batch.observations.subarray(0, batch.size * OBSERVATION_WIDTH), [batch.size, OBSERVATION_WIDTH]);
    return {
      macro: tf.slice(all, [0, 0], [batch.size, MACRO_FEATURE_COUNT]),
      micro: tf.slice(all, [0, MACRO_FEATURE_COUNT], [batch.size, MICRO_FEATURE_COUNT]),
      account: tf.slice(all, [0, MACRO_FEATURE_COUNT + MICRO_FEATURE_COUNT], [batch.size, ACCOUNT_FEATURE_COUNT]),
    };
  }

  /** Forward pass; `statistics` gives running statistics (acting) or undefined (batch statistics, learning). */
  private forward(
    w: Map<string, Tensor>, batch: ObservationBatch, masks: Tensor[] | undefined,
    running: { mean: Tensor; variance: Tensor } | undefined, batchStatistics: { mean: Tensor[]; variance: Tensor[] },
  ): { logits: Tensor2D; value: Tensor | undefined } {
    const tf = this.tf;
    const size = batch.size;
    const linear = (name: string, x: Tensor) => tf.add(tf.matMul(x as Tensor2D, w.get(`${name}.weight`) as Tensor2D), w.get(`${name}.bias`)!);
    const { macro, micro, account } = this.observationTensors(batch);
    let x: Tensor = macro;
    this.layout.macro.forEach((layer, index) => {
      const norm = this.layout.macroNorm[index];
      const z = linear(layer.name, x);
      let mean: Tensor;
      let variance: Tensor;
      if (running) {
        mean = tf.slice(running.mean, norm.statistics, norm.features);
        variance = tf.slice(running.variance, norm.statistics, norm.features);
      } else {
        const moments = tf.moments(z, 0);
        mean = moments.mean;
        variance = moments.variance;
        batchStatistics.mean.push(mean);
        batchStatistics.variance.push(variance);
      }
      const normalized = tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON)));
      const y = tf.relu(tf.add(tf.mul(normalized, w.get(`${norm.name}.gamma`)!), w.get(`${norm.name}.beta`)!));
      x = masks ? tf.mul(y, masks[index]) : y;
    });
    let m: Tensor = micro;
    for (const layer of this.layout.micro) m = tf.relu(linear(layer.name, m));
    let h: Tensor = tf.concat([x as Tensor2D, m as Tensor2D, account as Tensor2D], 1);
    const head = this.layout.head;
    head.slice(0, -1).forEach((layer) => { h = tf.relu(linear(layer.name, h)); });
    const logits = this.maskLogits(linear(head[head.length - 1].name, h) as Tensor2D, batch);
    const value = this.layout.value ? tf.reshape(linear(this.layout.value.name, h), [size]) : undefined;
    return { logits, value };
  }

  /** Adds MASKED_LOGIT_OFFSET to the logits of masked actions (call inside a tidy). */
  private maskLogits(logits: Tensor2D, batch: ObservationBatch): Tensor2D {
    const masks = batch.actionMasks;
    if (!masks) return logits;
    const offsets = new Float32Array(batch.size * ACTION_COUNT);
    for (let i = 0; i < offsets.length; i++) offsets[i] = masks[i] ? 0 : MASKED_LOGIT_OFFSET;
    return this.tf.add(logits, this.tf.tensor2d(offsets, [batch.size, ACTION_COUNT])) as Tensor2D;
  }

  private async activate(): Promise<void> {
    if (this.tf.getBackend() !== this.tfBackend) {
      this.releaseUploaded();
      if (!(await this.tf.setBackend(this.tfBackend))) throw new Error(`${this.name}: tfjs backend ${this.tfBackend} could not be activated`);
    }
  }

  async act(state: NetworkState, batch: ObservationBatch): Promise<PolicyOutput> {
    await this.activate();
    const uploaded = this.upload(state);
    const tf = this.tf;
    const [probabilities, values] = tf.tidy(() => {
      const { logits, value } = this.forward(uploaded.weights.byName, batch, undefined, { mean: uploaded.mean, variance: uploaded.variance }, { mean: [], variance: [] });
      return [tf.softmax(logits), value];
    });
    const probabilityData = (await probabilities.data()) as Float32Array;
    const valueData = values ? ((await values.data()) as Float32Array) : undefined;
    probabilities.dispose();
    values?.dispose();
    return { probabilities: probabilityData, values: valueData };
  }

  /**
   * Training-mode forward pass, loss gradient and hand-written backward pass, mirroring the
   * generated ONNX learning graph (tfjs-core ships no gradient registrations outside the union
   * package, and the explicit backward needs no tape).
   */
  async learn(state: NetworkState, batch: LearnBatch): Promise<LearnResult> {
    await this.activate();
    const uploaded = this.upload(state);
    const tf = this.tf;
    const size = batch.size;
    const loss = batch.loss;
    const w = uploaded.weights.byName;
    const layout = this.layout;
    const outputs = tf.tidy(() => {
      const weight = (name: string) => w.get(`${name}.weight`) as Tensor2D;
      const bias = (name: string) => w.get(`${name}.bias`)!;
      const positive = (x: Tensor) => tf.cast(tf.greater(x, 0), 'float32');
      const column = (values: Float32Array) => tf.tensor2d(values.subarray(0, size), [size, 1]);
      // forward
      const macroInputs: Tensor[] = [];
      const blocks: { centered: Tensor; inverseStd: Tensor; gate: Tensor }[] = [];
      const means: Tensor[] = [];
      const variances: Tensor[] = [];
      const { macro, micro: microInput, account } = this.observationTensors(batch);
      let x: Tensor = macro;
      layout.macro.forEach((layer, index) => {
        const norm = layout.macroNorm[index];
        macroInputs.push(x);
        const z = tf.add(tf.matMul(x as Tensor2D, weight(layer.name)), bias(layer.name));
        const { mean, variance } = tf.moments(z, 0, true);
        const centered = tf.sub(z, mean);
        const inverseStd = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
        const y = tf.add(tf.mul(centered, tf.mul(w.get(`${norm.name}.gamma`)!, inverseStd)), w.get(`${norm.name}.beta`)!);
        const mask = batch.dropoutMasks?.[index];
        const keep = 1 / (1 - layout.spec.dropout);
        const gate = mask ? tf.mul(positive(y), tf.mul(tf.tensor2d(Float32Array.from(mask.subarray(0, size * layer.outputs)), [size, layer.outputs]), keep)) : positive(y);
        blocks.push({ centered, inverseStd, gate });
        means.push(tf.reshape(mean, [-1]));
        variances.push(tf.reshape(variance, [-1]));
        x = tf.mul(y, gate);
      });
      const microHidden: Tensor[] = [];
      let m: Tensor = microInput;
      for (const layer of layout.micro) {
        m = tf.relu(tf.add(tf.matMul(m as Tensor2D, weight(layer.name)), bias(layer.name)));
        microHidden.push(m);
      }
      const concat = tf.concat([x as Tensor2D, m as Tensor2D, account as Tensor2D], 1);
      const headHidden: Tensor[] = [];
      let h: Tensor = concat;
      for (const layer of layout.head.slice(0, -1)) {
        h = tf.relu(tf.add(tf.matMul(h as Tensor2D, weight(layer.name)), bias(layer.name)));
        headHidden.push(h);
      }
      const last = layout.head[layout.head.length - 1];
      const logits = this.maskLogits(tf.add(tf.matMul(h as Tensor2D, weight(last.name)), bias(last.name)) as Tensor2D, batch);
      const value = layout.value ? tf.add(tf.matMul(h as Tensor2D, weight(layout.value.name)), bias(layout.value.name)) : undefined;
      // loss gradient with respect to the logits and the value (loss.ts)
      const scale = 1 / size;
      const logProbs = tf.logSoftmax(logits);
      const probabilities = tf.exp(logProbs);
      const entropy = tf.neg(tf.sum(tf.mul(probabilities, logProbs), 1, true));
      const oneHot = tf.oneHot(tf.tensor1d(Int32Array.from(batch.actions.subarray(0, size)), 'int32'), ACTION_COUNT);
      let coefficient: Tensor;
      let gradValue: Tensor | undefined;
      if (loss.kind === 'reinforce') {
        coefficient = tf.mul(column(loss.weights), -scale);
      } else {
        const advantages = column(loss.advantages);
        const ratio = tf.exp(tf.sub(tf.sum(tf.mul(logProbs, oneHot), 1, true), column(loss.oldLogProbs)));
        const unclipped = tf.mul(ratio, advantages);
        const clipped = tf.mul(tf.clipByValue(ratio, 1 - loss.clipEpsilon, 1 + loss.clipEpsilon), advantages);
        coefficient = tf.mul(tf.mul(unclipped, tf.cast(tf.lessEqual(unclipped, clipped), 'float32')), -scale);
      }
      if (value) {
        const target = requireValueTarget(loss);
        gradValue = tf.mul(tf.sub(value, column(target.returns)), target.valueCoefficient * 2 * scale);
      }
      const gradLogits = tf.add(tf.mul(coefficient, tf.sub(oneHot, probabilities)), tf.mul(tf.mul(probabilities, tf.add(logProbs, entropy)), loss.entropyCoefficient * scale));
      // backward
      const gradients = new Map<number, Tensor>();
      const linearBackward = (name: string, weightOffset: number, biasOffset: number, input: Tensor, dy: Tensor, needInput: boolean) => {
        gradients.set(weightOffset, tf.reshape(tf.matMul(input as Tensor2D, dy as Tensor2D, true, false), [-1]));
        gradients.set(biasOffset, tf.sum(dy, 0));
        return needInput ? tf.matMul(dy as Tensor2D, weight(name), false, true) : undefined;
      };
      let dy: Tensor = gradLogits;
      for (let index = layout.head.length - 1; index >= 0; index--) {
        const layer = layout.head[index];
        const input = index === 0 ? concat : headHidden[index - 1];
        let dx = linearBackward(layer.name, layer.weight, layer.bias, input, dy, true)!;
        if (index === layout.head.length - 1 && layout.value && gradValue) {
          dx = tf.add(dx, linearBackward(layout.value.name, layout.value.weight, layout.value.bias, input, gradValue, true)!);
        }
        dy = index > 0 ? tf.mul(dx, positive(headHidden[index - 1])) : dx;
      }
      const macroWidth = layout.macro[layout.macro.length - 1].outputs;
      const microWidth = layout.micro[layout.micro.length - 1].outputs;
      let dMicro: Tensor = tf.slice(dy, [0, macroWidth], [size, microWidth]);
      for (let index = layout.micro.length - 1; index >= 0; index--) {
        const layer = layout.micro[index];
        const dz = tf.mul(dMicro, positive(microHidden[index]));
        const dx = linearBackward(layer.name, layer.weight, layer.bias, index === 0 ? microInput : microHidden[index - 1], dz, index > 0);
        if (dx) dMicro = dx;
      }
      let dMacro: Tensor = tf.slice(dy, [0, 0], [size, macroWidth]);
      for (let index = layout.macro.length - 1; index >= 0; index--) {
        const layer = layout.macro[index];
        const norm = layout.macroNorm[index];
        const { centered, inverseStd, gate } = blocks[index];
        const dNorm = tf.mul(dMacro, gate);
        const dGamma = tf.mul(tf.sum(tf.mul(dNorm, centered), 0), inverseStd);
        const dBeta = tf.sum(dNorm, 0);
        gradients.set(norm.gamma, tf.reshape(dGamma, [-1]));
        gradients.set(norm.beta, dBeta);
        const gammaOverStd = tf.mul(w.get(`${norm.name}.gamma`)!, inverseStd);
        const dz = tf.sub(tf.mul(tf.sub(dNorm, tf.mul(dBeta, scale)), gammaOverStd), tf.mul(centered, tf.mul(tf.mul(gammaOverStd, inverseStd), tf.mul(dGamma, scale))));
        const dx = linearBackward(layer.name, layer.weight, layer.bias, macroInputs[index], dz, index > 0);
        if (dx) dMacro = dx;
      }
      const ordered = [...gradients.entries()].sort((a, b) => a[0] - b[0]).map((entry) => tf.reshape(entry[1], [-1]));
      return {
        gradient: tf.concat(ordered),
        logProbs,
        value: value ? tf.reshape(value, [-1]) : undefined,
        mean: tf.concat(means),
        variance: tf.concat(variances),
      };
    });
    const read = async (tensor: Tensor) => {
      const data = (await tensor.data()) as Float32Array;
      tensor.dispose();
      return data;
    };
    return {
      gradient: await read(outputs.gradient),
      batchMean: await read(outputs.mean),
      batchVariance: await read(outputs.variance),
      logProbs: await read(outputs.logProbs),
      values: outputs.value ? await read(outputs.value) : undefined,
    };
  }

  async dispose(): Promise<void> {
    this.releaseUploaded();
  }
}
