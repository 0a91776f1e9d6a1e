// Vector env specifics: batch gathering (both copy paths), fixed-window resets without auto-reset,
// episode bookkeeping and input checks.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import { createEnvParams } from '../../../src/core/env/create-params.ts';
import { VectorTradingEnv } from '../../../src/core/env/vector.ts';
import { randomWalkMarket } from '../../fixtures/market.ts';
import { OBSERVATION_WIDTH } from '../../../src/core/env/observation.ts';

const market = randomWalkMarket(300, 5);
const range = { start: 0, end: 300 };

describe('VectorTradingEnv', () => {
  it('gathers the same batch through the aligned fast path and the fallback path', () => {
    const env = new VectorTradingEnv(market, range, new Random(2), { count: 5 }, createEnvParams({ episodeLength: 20 }));
    env.reset();
    env.step(Uint8Array.from([1, 0, 2, 1, 1]));
    const aligned = new Float32Array(5 * OBSERVATION_WIDTH);
    env.gatherObservations(aligned);
    const padded = new Float32Array(5 * OBSERVATION_WIDTH + 1);
    const unaligned = padded.subarray(1);
    env.gatherObservations(unaligned);
    expect(Array.from(unaligned)).toEqual(Array.from(aligned));
    const bar = env.rows[2];
    expect(Array.from(aligned.subarray(2 * OBSERVATION_WIDTH, 2 * OBSERVATION_WIDTH + 60))).toEqual(Array.from(market.macro.subarray(bar * 60, bar * 60 + 60)));
    expect(aligned[1 * OBSERVATION_WIDTH + 120]).toBe(env.account[2]);
    expect(() => env.gatherObservations(new Float32Array(10))).toThrow(/needs/);
  });

  it('without auto-reset, finished envs stay done and give zero reward', () => {
    const env = new VectorTradingEnv(market, range, new Random(2), { count: 2, autoReset: false }, createEnvParams({ episodeLength: 3 }));
    env.resetEnvAt(0, 10, 2);
    env.resetEnvAt(1, 50, 3);
    const buy = Uint8Array.from([1, 1]);
    env.step(buy);
    env.step(buy);
    expect(Array.from(env.dones)).toEqual([1, 0]);
    expect(env.finishedEpisodeReward[0]).toBeCloseTo(env.episodeReward[0], 12);
    env.step(buy);
    expect(Array.from(env.dones)).toEqual([1, 1]);
    expect(env.rewards[0]).toBe(0);
    expect(env.rows[0]).toBe(12);
    expect(env.rows[1]).toBe(53);
    expect(env.completedEpisodes).toBe(2);
  });

  it('auto-resets finished envs and accumulates episode rewards', () => {
    const env = new VectorTradingEnv(market, range, new Random(4), { count: 3 }, createEnvParams({ episodeLength: 4 }));
    env.reset();
    let total = 0;
    const actions = Uint8Array.from([1, 2, 0]);
    for (let k = 0; k < 3; k++) {
      env.step(actions);
      total += env.rewards[0];
    }
    env.step(actions);
    total += env.rewards[0];
    expect(env.dones[0]).toBe(1);
    expect(env.finishedEpisodeReward[0]).toBeCloseTo(total, 12);
    expect(env.episodeReward[0]).toBe(0);
    expect(env.currentEquity(0)).toBe(10_000);
    expect(env.completedEpisodes).toBe(3);
    expect(Array.from(env.account.subarray(0, 2))).toEqual([0, 1]);
  });

  it('checks its inputs', () => {
    expect(() => new VectorTradingEnv(market, range, new Random(1), { count: 0 })).toThrow(/count/);
    const env = new VectorTradingEnv(market, range, new Random(1), { count: 4 });
    expect(() => env.step(new Uint8Array(2))).toThrow(/4 actions/);
    expect(() => env.resetEnvAt(0, 290, 20)).toThrow(/too short/);
  });
});

describe('VectorTradingEnv snapshots', () => {
  it('restoring a snapshot continues exactly as the original', () => {
    const params = createEnvParams({ episodeLength: 7 });
    const original = new VectorTradingEnv(market, range, new Random(8), { count: 6 }, params);
    original.reset();
    const actions = new Random(9);
    const step = (env: VectorTradingEnv, table: Uint8Array[]) => table.forEach((row) => env.step(row));
    const rows = () => Array.from({ length: 25 }, () => Uint8Array.from({ length: 6 }, () => actions.nextInt(3)));
    step(original, rows());
    const snapshot = original.snapshot();
    const copy = new VectorTradingEnv(market, range, new Random(123), { count: 6 }, params);
    copy.restore(snapshot);
    const more = rows();
    step(original, more);
    step(copy, more);
    expect(Array.from(copy.stepEquity)).toEqual(Array.from(original.stepEquity));
    expect(Array.from(copy.rows)).toEqual(Array.from(original.rows));
    expect(copy.completedEpisodes).toBe(original.completedEpisodes);
    expect(() => new VectorTradingEnv(market, range, new Random(1), { count: 2 }).restore(snapshot)).toThrow(/6 envs/);
  });
});
