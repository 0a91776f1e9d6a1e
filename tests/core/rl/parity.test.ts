// Original vs optimized parity: with one env, accumulation 1 and the js backend, the optimized path
// (vector env, batched acting, vectorized returns) must reproduce the original path's actions,
// rewards and weights for the same seed.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { resolveRlSettings } from '../../../src/core/rl/config.ts';
import type { RlSettings } from '../../../src/shared/settings/rl.ts';
import { RlTraining, layoutFor } from '../../../src/core/rl/training.ts';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';
import { trendMarket } from '../../fixtures/market.ts';

const HORIZON = 40;

function makeTraining(config: RlSettings, seed: number, market: MarketData): RlTraining {
  const backend = new JsBackend(layoutFor(config));
  return new RlTraining(config, seed, { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS }, backend, backend);
}

function configs(algorithm: RlSettings['algorithm']): { original: RlSettings; optimized: RlSettings } {
  const shared = { algorithm, horizon: HORIZON, envs: 1, accumulation: 1, minibatches: 2, epochs: 2, flags: { backendChoice: false, fp16: false } };
  return {
    original: resolveRlSettings('original', shared),
    optimized: resolveRlSettings('optimized', shared),
  };
}

describe('original vs optimized parity (N = 1, accumulation 1, js backend)', () => {
  for (const algorithm of ['reinforce', 'ppo'] as const) {
    for (const seed of [1, 2, 3]) {
      it(`${algorithm}, seed ${seed}: same actions, rewards and weights after 5 updates`, async () => {
        const market = trendMarket(900, 100 + seed);
        const { original, optimized } = configs(algorithm);
        expect(optimized.flags.vectorizedEnvs && optimized.flags.batchedActing && optimized.flags.vectorizedReturns).toBe(true);
        const a = makeTraining(original, seed, market);
        const b = makeTraining(optimized, seed, market);
        const buffers = (t: RlTraining) => (t as unknown as { buffer: { actions: Uint8Array; rewards: Float32Array } }).buffer;
        let updates = 0;
        while (a.counters.updates < 5 || updates < 5) {
          const left = await a.iterate();
          const right = await b.iterate();
          expect(Array.from(buffers(b).actions)).toEqual(Array.from(buffers(a).actions));
          expect(Array.from(buffers(b).rewards)).toEqual(Array.from(buffers(a).rewards));
          expect(right.updates).toBe(left.updates);
          updates = b.counters.updates;
        }
        expect(a.counters.updates).toBeGreaterThanOrEqual(5);
        let maxError = 0;
        for (let i = 0; i < a.state.parameters.length; i++) maxError = Math.max(maxError, Math.abs(a.state.parameters[i] - b.state.parameters[i]));
        expect(maxError).toBeLessThan(1e-4);
        // the weights did move: parity is not trivially satisfied by a run that never learned
        const fresh = makeTraining(original, seed, market);
        let moved = 0;
        for (let i = 0; i < a.state.parameters.length; i++) moved = Math.max(moved, Math.abs(a.state.parameters[i] - fresh.state.parameters[i]));
        expect(moved).toBeGreaterThan(1e-4);
      });
    }
  }
});
