// Node activation and aggregation functions, with neat-python's definitions (the same clamps and
// gains), shared by the graph-walk network and the compiled program so both compute bit-identical
// values. Genes store a function as its index in the name tables below.

// The name tables are declared with the NEAT config settings that choose among them.
import { activationNames, aggregationNames, type ActivationName, type AggregationName } from '../../../shared/settings/neat-config.ts';
export { activationNames, aggregationNames, type ActivationName, type AggregationName };

/** Index of `sum` in `aggregationNames`; the compiled program has a fast path for it. */
export const SUM_AGGREGATION = 0;

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

/**
 * Activation by index. The common functions are tested first in a function small enough for the
 * JIT to inline into the network loops; the rest go through `activateOther`.
 */
export function activate(activation: number, z: number): number {
  if (activation === 1) return Math.tanh(clamp(2.5 * z, -60, 60));
  if (activation === 0) return 1 / (1 + Math.exp(-clamp(5 * z, -60, 60)));
  if (activation === 4) return z > 0 ? z : 0;
  if (activation === 9) return z;
  return activateOther(activation, z);
}

/**
 * values[offset + e] = activate(activation, bias + response * sums[e]) for e < count, the same
 * numbers as `activate`. One call per node and batch: a call per env returned each value as a
 * heap-allocated number whenever the JIT did not inline `activate` (~480 bytes per batched
 * activation of a 5-node network, most of a NEAT generation's garbage).
 */
export function activateRow(activation: number, bias: number, response: number, sums: Float64Array, count: number, values: Float64Array, offset: number): void {
  if (activation === 1) {
    for (let e = 0; e < count; e++) {
      const x = 2.5 * (bias + response * sums[e]);
      values[offset + e] = Math.tanh(x < -60 ? -60 : x > 60 ? 60 : x);
    }
  } else if (activation === 0) {
    for (let e = 0; e < count; e++) {
      const x = 5 * (bias + response * sums[e]);
      values[offset + e] = 1 / (1 + Math.exp(-(x < -60 ? -60 : x > 60 ? 60 : x)));
    }
  } else if (activation === 4) {
    for (let e = 0; e < count; e++) {
      const z = bias + response * sums[e];
      values[offset + e] = z > 0 ? z : 0;
    }
  } else if (activation === 9) {
    for (let e = 0; e < count; e++) values[offset + e] = bias + response * sums[e];
  } else {
    for (let e = 0; e < count; e++) values[offset + e] = activateOther(activation, bias + response * sums[e]);
  }
}

function activateOther(activation: number, z: number): number {
  switch (activation) {
    case 0: return 1 / (1 + Math.exp(-clamp(5 * z, -60, 60)));
    case 1: return Math.tanh(clamp(2.5 * z, -60, 60));
    case 2: return Math.sin(clamp(5 * z, -60, 60));
    case 3: { const x = clamp(z, -3.4, 3.4); return Math.exp(-5 * x * x); }
    case 4: return z > 0 ? z : 0;
    case 5: return z > 0 ? z : Math.exp(z) - 1;
    case 6: return z > 0 ? z : 0.005 * z;
    case 7: return z > 0 ? SELU_LAMBDA * z : SELU_LAMBDA * SELU_ALPHA * (Math.exp(z) - 1);
    case 8: return 0.2 * Math.log(1 + Math.exp(clamp(5 * z, -60, 60)));
    case 9: return z;
    case 10: return clamp(z, -1, 1);
    case 11: return z === 0 ? 0 : 1 / z;
    case 12: return Math.log(z > 1e-7 ? z : 1e-7);
    case 13: return Math.exp(clamp(z, -60, 60));
    case 14: return Math.abs(z);
    case 15: return Math.max(0, 1 - Math.abs(z));
    case 16: return z * z;
    case 17: return z * z * z;
    default: throw new RangeError(`unknown activation index ${activation}`);
  }
}

/**
 * Aggregates the first `count` weighted inputs of a node. An empty input list gives 1 for product
 * and 0 otherwise (a node without incoming connections outputs activation(bias)).
 */
export function aggregate(aggregation: number, values: ArrayLike<number>, count: number): number {
  switch (aggregation) {
    case 0: {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += values[i];
      return sum;
    }
    case 1: {
      let product = 1;
      for (let i = 0; i < count; i++) product *= values[i];
      return product;
    }
    case 2: {
      if (count === 0) return 0;
      let best = values[0];
      for (let i = 1; i < count; i++) if (values[i] > best) best = values[i];
      return best;
    }
    case 3: {
      if (count === 0) return 0;
      let best = values[0];
      for (let i = 1; i < count; i++) if (values[i] < best) best = values[i];
      return best;
    }
    case 4: {
      if (count === 0) return 0;
      let best = values[0];
      for (let i = 1; i < count; i++) if (Math.abs(values[i]) > Math.abs(best)) best = values[i];
      return best;
    }
    case 5: {
      if (count === 0) return 0;
      const sorted = Array.from({ length: count }, (_, i) => values[i]).sort((a, b) => a - b);
      const middle = count >> 1;
      return count % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
    case 6: {
      if (count === 0) return 0;
      let sum = 0;
      for (let i = 0; i < count; i++) sum += values[i];
      return sum / count;
    }
    default: throw new RangeError(`unknown aggregation index ${aggregation}`);
  }
}

export function activationIndex(name: ActivationName): number {
  return activationNames.indexOf(name);
}

export function aggregationIndex(name: AggregationName): number {
  return aggregationNames.indexOf(name);
}
