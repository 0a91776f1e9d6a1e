// overlappedLearning (training.ts iterateWindow): a REINFORCE accumulation window whose rollouts act
// while the previous one learns. With the BatchNorm statistics frozen it must be the sequential path
// bit for bit; acting keeps the window's starting statistics; a checkpoint taken by the sequential
// path inside a window is finished by the overlapped one; a failed learning pass fails the window.
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import type { ComputeBackend, LearningBackend, ObservationBatch } from '../../../src/core/compute/types.ts';
import type { NetworkState } from '../../../src/core/compute/network.ts';
import { resolveRlSettings } from '../../../src/core/rl/config.ts';
import { RlTraining, layoutFor } from '../../../src/core/rl/training.ts';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import type { RlOptions } from '../../../src/shared/settings/rl.ts';
import { trendMarket } from '../../fixtures/market.ts';

const market = trendMarket(900, 11);

function settings(overlapped: boolean, options: RlOptions = {}) {
  return resolveRlSettings('optimized', {
    algorithm: 'reinforce', envs: 3, horizon: 30, accumulation: 4, ...options,
    flags: { backendChoice: false, fp16: false, overlappedLearning: overlapped },
  });
}

function training(
  overlapped: boolean, options: RlOptions = {}, learning?: (backend: JsBackend) => LearningBackend, acting?: (backend: JsBackend) => ComputeBackend, windowEndLearning?: LearningBackend,
): RlTraining {
  const config = settings(overlapped, options);
  const backend = new JsBackend(layoutFor(config));
  return new RlTraining(config, 5, { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS }, acting?.(backend) ?? backend, learning?.(backend) ?? backend, { windowEndLearning });
}

/** A learning backend that counts its passes and, like a busy helper thread, reads each batch only after `delayMs`. */
function countingLearner(backend: LearningBackend, delayMs = 0): LearningBackend & { passes: number } {
  const learner = {
    name: backend.name, device: backend.device, layout: backend.layout, dispose: () => backend.dispose(), passes: 0,
    learn: async (state: NetworkState, batch: Parameters<LearningBackend['learn']>[1]) => {
      learner.passes++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return backend.learn(state, batch);
    },
  };
  return learner;
}

function snapshot(run: RlTraining) {
  return {
    parameters: Array.from(run.state.parameters),
    runningMean: Array.from(run.state.runningMean),
    adamM: Array.from(run.adam.m),
    adamV: Array.from(run.adam.v),
    baseline: Array.from(run.baseline.sums),
    counters: run.counters,
    random: Object.fromEntries(Object.entries(run.random).map(([name, random]) => [name, random.getState()])),
  };
}

describe('REINFORCE with overlapped learning', () => {
  for (const baseline of ['state', 'value'] as const) {
    it(`equals the sequential path bit for bit when the BatchNorm statistics stay put (baseline ${baseline})`, async () => {
      const options: RlOptions = { baseline, batchNormMomentum: 0 };
      const sequential = training(false, options);
      const overlapped = training(true, options);
      for (let window = 0; window < 2; window++) {
        for (let k = 0; k < 4; k++) await sequential.iterate();
        const report = await overlapped.iterate();
        expect(report).toMatchObject({ episodes: 12, envSteps: 360, updates: 1 });
        expect(report.episodeReturnsPct).toHaveLength(12);
      }
      expect(overlapped.counters.updates).toBe(2);
      expect(snapshot(overlapped)).toEqual(snapshot(sequential));
    });
  }

  for (const accumulation of [4, 5]) {
    it(`learns each window's last rollout on the window-end learner, bit for bit the sequential path (accumulation ${accumulation})`, async () => {
      const options: RlOptions = { baseline: 'value', batchNormMomentum: 0, accumulation };
      const sequential = training(false, options);
      const config = settings(true, options);
      const windowEnd = countingLearner(new JsBackend(layoutFor(config)));
      let helper: ReturnType<typeof countingLearner> | undefined;
      // the helper thread answers late, so three buffers are taken in turn and refilled only once learned
      const overlapped = training(true, options, (backend) => (helper = countingLearner(backend, 15)), undefined, windowEnd);
      for (let window = 0; window < 2; window++) {
        for (let k = 0; k < accumulation; k++) await sequential.iterate();
        expect(await overlapped.iterate()).toMatchObject({ episodes: 3 * accumulation, updates: 1 });
      }
      expect(windowEnd.passes).toBe(2);
      expect(helper!.passes).toBe(2 * (accumulation - 1));
      expect(snapshot(overlapped)).toEqual(snapshot(sequential));
    });
  }

  it('acts on the statistics the window started with, and takes the window\'s statistics at its end', async () => {
    const seen: { version: number; mean: number[] }[] = [];
    const spy = (backend: JsBackend): ComputeBackend => ({
      name: backend.name, device: backend.device, layout: backend.layout, learn: (state, batch) => backend.learn(state, batch), dispose: () => backend.dispose(),
      act: (state: NetworkState, batch: ObservationBatch) => {
        seen.push({ version: state.version, mean: Array.from(state.runningMean) });
        return backend.act(state, batch);
      },
    });
    const run = training(true, {}, undefined, spy);
    const before = Array.from(run.state.runningMean);
    await run.iterate();
    expect(seen).toHaveLength(4 * 30); // 4 rollouts of 30 batched steps
    expect(new Set(seen.map((entry) => entry.version)).size).toBe(1);
    for (const entry of seen) expect(entry.mean).toEqual(before);
    const after = Array.from(run.state.runningMean);
    expect(after).not.toEqual(before);
    seen.length = 0;
    await run.iterate();
    for (const entry of seen) expect(entry.mean).toEqual(after); // the next window acts on the statistics the first one ended with
  });

  it('counts where its thread spent the time, on both paths', async () => {
    const overlapped = training(true);
    await overlapped.iterate();
    for (const ms of Object.values(overlapped.phases)) expect(ms).toBeGreaterThan(0);
    const sequential = training(false);
    await sequential.iterate();
    expect(sequential.phases.rolloutMs).toBeGreaterThan(0);
    expect(sequential.phases.learningMs).toBeGreaterThan(0);
  });

  it('finishes a window that a sequential run checkpointed in its middle', async () => {
    const sequential = training(false);
    await sequential.iterate();
    await sequential.iterate();
    expect(sequential.adam.accumulatedCount).toBe(2);
    const resumed = training(true);
    resumed.restore(sequential.saveCheckpoint(0));
    const report = await resumed.iterate();
    expect(report).toMatchObject({ episodes: 6, updates: 1 });
    expect(resumed.counters).toMatchObject({ rollouts: 4, updates: 1 });
    expect(resumed.adam.accumulatedCount).toBe(0);
  });

  it('fails the window when a learning pass fails, after the other passes have settled', async () => {
    let calls = 0;
    const failing = (backend: JsBackend): LearningBackend => ({
      name: backend.name, device: backend.device, layout: backend.layout, dispose: () => backend.dispose(),
      learn: async (state, batch) => {
        if (++calls === 2) throw new Error('the learning pass broke');
        return backend.learn(state, batch);
      },
    });
    const run = training(true, {}, failing);
    await expect(run.iterate()).rejects.toThrow(/the learning pass broke/);
    expect(run.counters.updates).toBe(0);
  });
});
