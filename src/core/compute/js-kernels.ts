// Plain TypeScript kernels of the js reference backend, in float64. Each output row is computed by
// the same sequence of operations whatever the batch size, so a batch-1 forward and a batch-N
// forward agree bit for bit (the original-vs-optimized parity relies on it).

/**
 * Y[rows × outputs] = X·W + b, with the weight given transposed (Wt: outputs × inputs). Four
 * outputs are accumulated together so each x value is loaded once per four products; every output
 * still sums its products in input order, so results do not depend on the blocking or batch size.
 */
export function linearForward(
  x: Float64Array, rows: number, inputs: number,
  weightTransposed: Float64Array, bias: Float64Array, outputs: number, y: Float64Array,
): void {
  for (let row = 0; row < rows; row++) {
    const xBase = row * inputs;
    const yBase = row * outputs;
    let out = 0;
    for (; out + 3 < outputs; out += 4) {
      const w0 = out * inputs;
      const w1 = w0 + inputs;
      const w2 = w1 + inputs;
      const w3 = w2 + inputs;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < inputs; i++) {
        const value = x[xBase + i];
        s0 += value * weightTransposed[w0 + i];
        s1 += value * weightTransposed[w1 + i];
        s2 += value * weightTransposed[w2 + i];
        s3 += value * weightTransposed[w3 + i];
      }
      y[yBase + out] = s0 + bias[out];
      y[yBase + out + 1] = s1 + bias[out + 1];
      y[yBase + out + 2] = s2 + bias[out + 2];
      y[yBase + out + 3] = s3 + bias[out + 3];
    }
    for (; out < outputs; out++) {
      const wBase = out * inputs;
      let sum = 0;
      for (let i = 0; i < inputs; i++) sum += x[xBase + i] * weightTransposed[wBase + i];
      y[yBase + out] = sum + bias[out];
    }
  }
}

/** dX[rows × inputs] = dY·Wᵀ with W in its stored layout (inputs × outputs), four inputs at a time. */
export function linearInputGradient(
  dy: Float64Array, rows: number, outputs: number,
  weight: Float64Array, weightOffset: number, inputs: number, dx: Float64Array,
): void {
  for (let row = 0; row < rows; row++) {
    const dyBase = row * outputs;
    const dxBase = row * inputs;
    let i = 0;
    for (; i + 3 < inputs; i += 4) {
      const w0 = weightOffset + i * outputs;
      const w1 = w0 + outputs;
      const w2 = w1 + outputs;
      const w3 = w2 + outputs;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let out = 0; out < outputs; out++) {
        const value = dy[dyBase + out];
        s0 += value * weight[w0 + out];
        s1 += value * weight[w1 + out];
        s2 += value * weight[w2 + out];
        s3 += value * weight[w3 + out];
      }
      dx[dxBase + i] = s0;
      dx[dxBase + i + 1] = s1;
      dx[dxBase + i + 2] = s2;
      dx[dxBase + i + 3] = s3;
    }
    for (; i < inputs; i++) {
      const wBase = weightOffset + i * outputs;
      let sum = 0;
      for (let out = 0; out < outputs; out++) sum += dy[dyBase + out] * weight[wBase + out];
      dx[dxBase + i] = sum;
    }
  }
}

/** Transposes a rows × columns matrix into `target` (columns × rows). */
export function transpose(source: Float64Array, rows: number, columns: number, target: Float64Array): Float64Array {
  for (let row = 0; row < rows; row++) {
    const base = row * columns;
    for (let column = 0; column < columns; column++) target[column * rows + row] = source[base + column];
  }
  return target;
}

/**
 * dW = Xᵀ·dY and db = column sums of dY, written into `gradient` at the layer's offsets.
 * Takes X and dY transposed (inputs × rows, outputs × rows) so every sum is a contiguous dot
 * product; four outputs share each loaded x value.
 */
export function linearWeightGradient(
  xTransposed: Float64Array, dyTransposed: Float64Array, rows: number, inputs: number, outputs: number,
  gradient: Float64Array, weightOffset: number, biasOffset: number,
): void {
  for (let i = 0; i < inputs; i++) {
    const xBase = i * rows;
    const gBase = weightOffset + i * outputs;
    let out = 0;
    for (; out + 3 < outputs; out += 4) {
      const d0 = out * rows;
      const d1 = d0 + rows;
      const d2 = d1 + rows;
      const d3 = d2 + rows;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let row = 0; row < rows; row++) {
        const value = xTransposed[xBase + row];
        s0 += value * dyTransposed[d0 + row];
        s1 += value * dyTransposed[d1 + row];
        s2 += value * dyTransposed[d2 + row];
        s3 += value * dyTransposed[d3 + row];
      }
      gradient[gBase + out] = s0;
      gradient[gBase + out + 1] = s1;
      gradient[gBase + out + 2] = s2;
      gradient[gBase + out + 3] = s3;
    }
    for (; out < outputs; out++) {
      const dyBase = out * rows;
      let sum = 0;
      for (let row = 0; row < rows; row++) sum += xTransposed[xBase + row] * dyTransposed[dyBase + row];
      gradient[gBase + out] = sum;
    }
  }
  for (let out = 0; out < outputs; out++) {
    const dyBase = out * rows;
    let sum = 0;
    for (let row = 0; row < rows; row++) sum += dyTransposed[dyBase + row];
    gradient[biasOffset + out] = sum;
  }
}

/** In-place ReLU. */
export function relu(values: Float64Array, length: number): void {
  for (let i = 0; i < length; i++) if (values[i] < 0) values[i] = 0;
}

/** Multiplies `gradient` by the ReLU derivative taken from the ReLU's output. */
export function reluBackward(gradient: Float64Array, output: Float64Array, length: number): void {
  for (let i = 0; i < length; i++) if (!(output[i] > 0)) gradient[i] = 0;
}

/** Per-feature mean and biased variance over the rows. */
export function columnMoments(x: Float64Array, rows: number, features: number, mean: Float64Array, variance: Float64Array): void {
  mean.fill(0, 0, features);
  variance.fill(0, 0, features);
  for (let row = 0; row < rows; row++) for (let f = 0; f < features; f++) mean[f] += x[row * features + f];
  for (let f = 0; f < features; f++) mean[f] /= rows;
  for (let row = 0; row < rows; row++) {
    for (let f = 0; f < features; f++) {
      const d = x[row * features + f] - mean[f];
      variance[f] += d * d;
    }
  }
  for (let f = 0; f < features; f++) variance[f] /= rows;
}

/** y = γ·(x − μ)/√(σ² + ε) + β; also writes the normalised x̂ when given. */
export function batchNormForward(
  x: Float64Array, rows: number, features: number, mean: ArrayLike<number>, variance: ArrayLike<number>, epsilon: number,
  gamma: Float64Array, gammaOffset: number, beta: Float64Array, betaOffset: number, y: Float64Array, normalized?: Float64Array,
): void {
  for (let f = 0; f < features; f++) {
    const inverseStd = 1 / Math.sqrt(variance[f] + epsilon);
    const scale = gamma[gammaOffset + f];
    const shift = beta[betaOffset + f];
    for (let row = 0; row < rows; row++) {
      const index = row * features + f;
      const xHat = (x[index] - mean[f]) * inverseStd;
      if (normalized) normalized[index] = xHat;
      y[index] = scale * xHat + shift;
    }
  }
}

/**
 * Backward of training-mode BatchNorm: writes dγ, dβ into `gradient` and dx into `dx`.
 * dx = (1/B)·(1/σ)·(B·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)), with dx̂ = dy·γ.
 */
export function batchNormBackward(
  dy: Float64Array, normalized: Float64Array, rows: number, features: number, variance: Float64Array, epsilon: number,
  parameters: Float64Array, gammaOffset: number, gradient: Float64Array, betaOffset: number, dx: Float64Array,
): void {
  for (let f = 0; f < features; f++) {
    let sumDy = 0;
    let sumDyXHat = 0;
    for (let row = 0; row < rows; row++) {
      const index = row * features + f;
      sumDy += dy[index];
      sumDyXHat += dy[index] * normalized[index];
    }
    gradient[gammaOffset + f] = sumDyXHat;
    gradient[betaOffset + f] = sumDy;
    const gamma = parameters[gammaOffset + f];
    const inverseStd = 1 / Math.sqrt(variance[f] + epsilon);
    const sumDxHat = sumDy * gamma;
    const sumDxHatXHat = sumDyXHat * gamma;
    for (let row = 0; row < rows; row++) {
      const index = row * features + f;
      dx[index] = (inverseStd / rows) * (rows * dy[index] * gamma - sumDxHat - normalized[index] * sumDxHatXHat);
    }
  }
}

/** Row-wise log-softmax of rows × columns logits. */
export function logSoftmax(logits: Float64Array, rows: number, columns: number, logProbs: Float64Array): void {
  for (let row = 0; row < rows; row++) {
    const base = row * columns;
    let max = -Infinity;
    for (let j = 0; j < columns; j++) max = Math.max(max, logits[base + j]);
    let sum = 0;
    for (let j = 0; j < columns; j++) sum += Math.exp(logits[base + j] - max);
    const logSum = max + Math.log(sum);
    for (let j = 0; j < columns; j++) logProbs[base + j] = logits[base + j] - logSum;
  }
}
