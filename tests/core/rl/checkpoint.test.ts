// Checkpoints: a run restored from a checkpoint continues exactly like the run that saved it
// (bit-identical weights), including a pending gradient accumulation; bad bytes are refused, and a
// run whose weights turn non-finite fails instead of training on or saving them.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/core/rl/checkpoint.ts';
import { DamagedCheckpointError } from '../../../src/core/checkpoint-integrity.ts';
import { defaultRlSettings, resolveRlSettings } from '../../../src/core/rl/config.ts';
import type { RlSettings } from '../../../src/shared/settings/rl.ts';
import { RlTraining, layoutFor } from '../../../src/core/rl/training.ts';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import type { MarketData } from '../../../src/core/features/market-data.ts';
import { trendMarket } from '../../fixtures/market.ts';

function training(config: RlSettings, market: MarketData): RlTraining {
  const backend = new JsBackend(layoutFor(config));
  return new RlTraining(config, 77, { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS }, backend, backend);
}

describe('RL checkpoints', () => {
  for (const algorithm of ['reinforce', 'ppo'] as const) {
    it(`resume is exact (${algorithm}, ${algorithm === 'reinforce' ? 'mid-accumulation' : 'mid-run'})`, async () => {
      const market = trendMarket(900, 5);
      // learning after each rollout, so a checkpoint can fall inside an accumulation window
      const config = resolveRlSettings('optimized', { algorithm, envs: 3, horizon: 30, accumulation: 2, epochs: 2, minibatches: 3, flags: { backendChoice: false, fp16: false, overlappedLearning: false } });
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
    const market = trendMarket(900, 7);
    const config = resolveRlSettings('optimized', { algorithm: 'reinforce', envs: 2, horizon: 20, accumulation: 1, flags: { backendChoice: false, fp16: false } });
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
    const market = trendMarket(900, 6);
    const base = resolveRlSettings('original', { algorithm: 'reinforce', horizon: 20 });
    const bytes = training(base, market).saveCheckpoint(0);
    expect(() => training({ ...base, algorithm: 'ppo' }, market).restore(bytes)).toThrow(/algorithm: cannot change when resuming \(checkpoint has "reinforce", requested "ppo"\)/);
  });

  it('fails a run whose weights turn non-finite at the next update, and never saves them', async () => {
    const market = trendMarket(900, 8);
    const run = training(resolveRlSettings('original', { algorithm: 'reinforce', horizon: 20 }), market);
    await run.iterate();
    run.state.parameters.fill(Number.NaN);
    expect(() => run.saveCheckpoint(0)).toThrow(/^training diverged: parameters became non-finite at update 1 \(82,628 of 82,628 values, the first NaN at index 0\)/);
    await expect(run.iterate()).rejects.toThrow(/^training diverged: parameters became non-finite at update 2/);
  });

  it('refuses non-finite Adam moments and negative variances on restore, naming the array', async () => {
    const market = trendMarket(900, 6);
    const config = resolveRlSettings('original', { horizon: 20 });
    const { header, arrays } = decodeCheckpoint(training(config, market).saveCheckpoint(0));
    const restoreWith = (name: string, value: number) => {
      const changed = new Map(arrays);
      const array = changed.get(name)!.slice();
      array[3] = value;
      changed.set(name, array);
      return () => training(config, market).restore(encodeCheckpoint(header, Object.fromEntries(changed)));
    };
    expect(restoreWith('adamM', Number.POSITIVE_INFINITY)).toThrow('RL checkpoint array adamM holds non-finite values (1 of 82,628 values, the first Infinity at index 3)');
    expect(restoreWith('runningVariance', -1)).toThrow(/array runningVariance holds non-finite or negative values \(1 of \d+ values, the first -1 at index 3\)/);
    expect(restoreWith('runningMean', Number.NaN)).toThrow(DamagedCheckpointError);
  });

  it('names a damaged header field, and refuses trailing bytes', () => {
    const bytes = encodeCheckpoint({ format: 'traindeck-rl' }, { a: Float32Array.of(1) });
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expect(() => decodeCheckpoint(longer)).toThrow('RL checkpoint has 8 unexpected bytes after its last array');
    const market = trendMarket(900, 6);
    expect(() => training(defaultRlSettings('original'), market).restore(bytes)).toThrow('RL checkpoint header field seed is missing, expected a whole number from 0 to 2^32-1');
  });
});
