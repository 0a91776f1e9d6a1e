// Checkpoints: a run restored from a checkpoint continues exactly like the run that saved it
// (bit-identical weights), including a pending gradient accumulation; bad bytes are refused.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/core/rl/checkpoint.ts';
import { defaultRlConfig, type RlConfig } from '../../../src/core/rl/config.ts';
import { RlTraining, layoutFor } from '../../../src/core/rl/training.ts';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';
import { syntheticMarket } from './market-fixture.ts';

function training(config: RlConfig, market: MarketData): RlTraining {
  const backend = new JsBackend(layoutFor(config));
  return new RlTraining(config, 77, { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS }, backend, backend);
}

describe('RL checkpoints', () => {
  for (const algorithm of ['reinforce', 'ppo'] as const) {
    it(`resume is exact (${algorithm}, mid-accumulation)`, async () => {
      const market = syntheticMarket(5);
      const config: RlConfig = { ...defaultRlConfig('optimized'), algorithm, envs: 3, horizon: 30, accumulation: 2, backendChoice: false, fp16: false, epochs: 2, minibatches: 3 };
      const uninterrupted = training(config, market);
      for (let i = 0; i < 3; i++) await uninterrupted.iterate();
      const bytes = uninterrupted.saveCheckpoint(1234);
      if (algorithm === 'reinforce') expect(uninterrupted.adam.accumulatedCount).toBe(1);
      for (let i = 0; i < 4; i++) await uninterrupted.iterate();

      const resumed = training(config, market);
      resumed.restore(bytes);
      expect(resumed.counters.elapsedMs).toBe(1234);
      expect(resumed.counters.rollouts).toBe(3);
      for (let i = 0; i < 4; i++) await resumed.iterate();
      expect(Array.from(resumed.state.parameters)).toEqual(Array.from(uninterrupted.state.parameters));
      expect(Array.from(resumed.state.runningMean)).toEqual(Array.from(uninterrupted.state.runningMean));
      expect(Array.from(resumed.adam.v)).toEqual(Array.from(uninterrupted.adam.v));
      expect(resumed.counters).toEqual({ ...uninterrupted.counters, elapsedMs: 1234 });
    });
  }

  it('keeps the best policy on validation, apart from the live one, and carries it through a checkpoint', async () => {
    const market = syntheticMarket(7);
    const config: RlConfig = { ...defaultRlConfig('optimized'), envs: 2, horizon: 20, accumulation: 1, backendChoice: false, fp16: false };
    const run = training(config, market);
    await run.iterate();
    expect(run.considerBest(Number.NaN)).toBe(false);
    expect(run.considerBest(1.5)).toBe(true);
    const kept = run.best!.state.parameters.slice();
    await run.iterate();
    expect(run.considerBest(1.2)).toBe(false); // worse: the first copy stays
    expect(Array.from(run.best!.state.parameters)).toEqual(Array.from(kept));
    expect(Array.from(run.state.parameters)).not.toEqual(Array.from(kept)); // the live policy moved on
    expect(run.best).toMatchObject({ update: 1, validationSharpe: 1.5 });

    const resumed = training(config, market);
    resumed.restore(run.saveCheckpoint(0));
    expect(resumed.best).toMatchObject({ update: 1, validationSharpe: 1.5 });
    expect(Array.from(resumed.best!.state.parameters)).toEqual(Array.from(kept));
    expect(Array.from(resumed.best!.state.runningVariance)).toEqual(Array.from(run.best!.state.runningVariance));
    expect(resumed.considerBest(2)).toBe(true);
    expect(resumed.best!.update).toBe(2);
  });

  it('round-trips arrays and names what is wrong with bad bytes', () => {
    const bytes = encodeCheckpoint({ hello: 1 }, { a: Float32Array.of(1.5, -2), b: Float64Array.of(Math.PI) });
    const decoded = decodeCheckpoint<{ hello: number }>(bytes);
    expect(decoded.header.hello).toBe(1);
    expect(Array.from(decoded.arrays.get('a')!)).toEqual([1.5, -2]);
    expect(decoded.arrays.get('b')![0]).toBe(Math.PI);
    expect(() => decodeCheckpoint(new Uint8Array([1, 2, 3]))).toThrow(/truncated/);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 88;
    expect(() => decodeCheckpoint(wrongMagic)).toThrow(/magic/);
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.length - 4))).toThrow(/truncated inside array b/);
  });

  it('refuses a checkpoint of another algorithm', async () => {
    const market = syntheticMarket(6);
    const base: RlConfig = { ...defaultRlConfig('original'), horizon: 20 };
    const bytes = training(base, market).saveCheckpoint(0);
    expect(() => training({ ...base, algorithm: 'ppo' }, market).restore(bytes)).toThrow(/algorithm reinforce/);
  });
});
