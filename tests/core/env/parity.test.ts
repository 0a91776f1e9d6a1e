// Parity property test: the vector env reproduces N scalar envs exactly, for random seeds, random
// params and random action sequences, N in {1, 7, 32, 256}: rewards, dones, equity and every
// observation value (max abs error < 1e-6; in practice 0), and the same action masks, which are
// exact (a masked action never trades, an allowed BUY or SELL always does).
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import type { EnvParams } from '../../../src/core/env/params.ts';
import { createEnvParams } from '../../../src/core/env/create-params.ts';
import { ScalarTradingEnv } from '../../../src/core/env/scalar.ts';
import { VectorTradingEnv } from '../../../src/core/env/vector.ts';
import { randomWalkMarket } from '../../fixtures/market.ts';
import { OBSERVATION_WIDTH, type Action } from '../../../src/core/env/observation.ts';

const market = randomWalkMarket(700, 3);

function randomParams(random: Random): EnvParams {
  return createEnvParams({
    episodeLength: 1 + random.nextInt(60),
    takerFee: random.nextInt(3) * 0.001,
    slippageBps: random.nextInt(3) * 2.5,
    tradePenalty: random.nextInt(2) * 0.02,
    positionMode: random.nextInt(2) === 0 ? 'long-only' : 'long-short',
    positionSizing: random.nextInt(2) === 0 ? 'all-in' : 'fractional',
    tradeFraction: [1, 0.5, 0.25][random.nextInt(3)],
    startCapital: [10_000, 1_000][random.nextInt(2)],
  });
}

/** Largest absolute difference seen, and how many discrete fields (done, traded, row) disagreed. */
function runParity(count: number, seed: number, steps: number): { maxError: number; mismatches: number } {
  const setup = new Random(seed);
  const params = randomParams(setup);
  const range = [market.splits.train, market.splits.test, { start: 0, end: market.rows }][setup.nextInt(3)];
  const vector = new VectorTradingEnv(market, range, new Random(seed), { count }, params);
  const shared = new Random(seed); // the scalar envs share one stream, drawn in env order like the vector env
  const scalars = Array.from({ length: count }, () => new ScalarTradingEnv(market, range, shared, params));
  vector.reset();
  let observations = scalars.map((env) => env.reset());
  const batch = new Float32Array(count * OBSERVATION_WIDTH);
  const actionRandom = new Random(seed + 7919);
  const actions = new Uint8Array(count);
  let maxError = 0;
  let mismatches = 0;
  const masks = new Uint8Array(count * 3);
  const compareObservations = () => {
    vector.gatherObservations(batch);
    vector.gatherActionMasks(masks);
    for (let i = 0; i < count; i++) {
      const scalarMask = scalars[i].actionMask();
      for (let a = 0; a < 3; a++) if (scalarMask[a] !== masks[i * 3 + a]) mismatches++;
      for (let k = 0; k < OBSERVATION_WIDTH; k++) maxError = Math.max(maxError, Math.abs(batch[i * OBSERVATION_WIDTH + k] - observations[i][k]));
      if (vector.rows[i] !== scalars[i].state.startBar + scalars[i].state.step) mismatches++;
    }
  };
  compareObservations();
  for (let step = 0; step < steps; step++) {
    // Bias towards runs of one action now and then, so positions are held as well as flipped.
    const mode = actionRandom.nextInt(3);
    for (let i = 0; i < count; i++) actions[i] = mode === 0 ? 0 : actionRandom.nextInt(3);
    const before = masks.slice();
    vector.step(actions);
    // the mask is exact: a masked action never trades, an allowed BUY or SELL always does
    for (let i = 0; i < count; i++) if (actions[i] !== 0 && vector.traded[i] !== before[i * 3 + actions[i]]) mismatches++;
    observations = scalars.map((env, i) => {
      const result = env.step(actions[i] as Action);
      maxError = Math.max(maxError, Math.abs(result.reward - vector.rewards[i]), Math.abs(result.equity - vector.stepEquity[i]));
      if (vector.dones[i] !== (result.done ? 1 : 0) || vector.traded[i] !== (result.traded ? 1 : 0)) mismatches++;
      return result.done ? env.reset() : result.observation;
    });
    compareObservations();
  }
  return { maxError, mismatches };
}

describe('scalar vs vector parity', () => {
  for (const [count, seeds, steps] of [[1, 12, 300], [7, 8, 200], [32, 5, 150], [256, 3, 120]] as const) {
    it(`N = ${count}: identical rewards, dones, equity and observations over ${seeds} random seeds`, () => {
      for (let seed = 1; seed <= seeds; seed++) {
        const { maxError, mismatches } = runParity(count, seed * 1009 + count, steps);
        expect(mismatches).toBe(0);
        expect(maxError).toBeLessThan(1e-6);
      }
    });
  }
});
