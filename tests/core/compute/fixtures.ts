// Small random batches and networks shared by the compute tests.
import { DEFAULT_ENV_PARAMS, writeActionMask } from '../../../src/core/env/params.ts';
import { Random } from '../../../src/core/random.ts';
import { initializeNetwork, networkLayout, type NetworkLayout, type NetworkState } from '../../../src/core/compute/network.ts';
import type { LearnBatch, LossSpec } from '../../../src/core/compute/types.ts';

export function makeNetwork(seed: number, valueHead: boolean, dropout = 0.1): { layout: NetworkLayout; state: NetworkState } {
  const layout = networkLayout({ valueHead, dropout });
  const state = initializeNetwork(layout, new Random(seed));
  // non-trivial BatchNorm parameters and running statistics, so every term is exercised
  const random = new Random(seed + 1);
  for (const norm of layout.macroNorm) {
    for (let f = 0; f < norm.features; f++) {
      state.parameters[norm.gamma + f] = random.uniform(0.5, 1.5);
      state.parameters[norm.beta + f] = random.uniform(-0.2, 0.2);
      state.runningMean[norm.statistics + f] = random.uniform(-0.3, 0.3);
      state.runningVariance[norm.statistics + f] = random.uniform(0.5, 2);
    }
  }
  return { layout, state };
}

export function makeBatch(seed: number, size: number, layout: NetworkLayout, kind: LossSpec['kind'], dropout = 0.1): LearnBatch {
  const random = new Random(seed);
  const fill = (length: number, scale = 1) => Float32Array.from({ length }, () => random.normal() * scale);
  const observations = Float32Array.from({ length: size * 122 }, (_, i) => (i % 122 < 120 ? random.normal() : i % 122 === 120 ? random.nextInt(2) : random.nextFloat()));
  // long-only all-in masks from the position column: SELL is a no-op when flat, BUY when long
  const actionMasks = new Uint8Array(size * 3);
  for (let row = 0; row < size; row++) writeActionMask(observations[row * 122 + 120], DEFAULT_ENV_PARAMS, actionMasks, row * 3);
  const actions = Uint8Array.from({ length: size }, (_, row) => {
    const allowed = [0, 1, 2].filter((action) => actionMasks[row * 3 + action]);
    return allowed[random.nextInt(allowed.length)];
  });
  const dropoutMasks = dropout > 0
    ? layout.macro.map((layer) => Uint8Array.from({ length: size * layer.outputs }, () => (random.nextFloat() < dropout ? 0 : 1)))
    : undefined;
  const loss: LossSpec = kind === 'reinforce'
    ? { kind, weights: fill(size), entropyCoefficient: 0.01, ...(layout.value ? { value: { returns: fill(size), valueCoefficient: 0.5 } } : {}) }
    : { kind, advantages: fill(size), oldLogProbs: Float32Array.from({ length: size }, () => Math.log(random.uniform(0.2, 0.5))), returns: fill(size), clipEpsilon: 0.2, valueCoefficient: 0.5, entropyCoefficient: 0.01 };
  return {
    size,
    observations,
    actionMasks,
    actions,
    dropoutMasks,
    loss,
  };
}

/** The losses every backend computes: REINFORCE without and with its learned baseline (value head), and PPO. */
export const lossCases = [
  { kind: 'reinforce', valueHead: false, label: 'reinforce' },
  { kind: 'reinforce', valueHead: true, label: 'reinforce, learned baseline' },
  { kind: 'ppo', valueHead: true, label: 'ppo' },
] as const;
