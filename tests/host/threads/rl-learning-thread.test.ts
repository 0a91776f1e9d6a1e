// The RL learning thread: a backend created on a worker_thread computes exactly what the same
// backend computes in-process, is sent the network only when it changed, names a thread that cannot
// start, and drives a REINFORCE run to the same weights as learning on the trainer's thread.
import { afterEach, describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { cloneNetworkState, initializeNetwork, networkLayout } from '../../../src/core/compute/network.ts';
import type { LearnBatch } from '../../../src/core/compute/types.ts';
import { OBSERVATION_WIDTH } from '../../../src/core/env/observation.ts';
import { DEFAULT_ENV_PARAMS } from '../../../src/core/env/params.ts';
import { resolveRlSettings } from '../../../src/core/rl/config.ts';
import { layoutFor, RlTraining } from '../../../src/core/rl/training.ts';
import { Random } from '../../../src/core/random.ts';
import { ThreadedLearningBackend } from '../../../src/host/threads/rl-learning-thread.ts';
import { trendMarket } from '../../fixtures/market.ts';

const layout = networkLayout({ valueHead: true, dropout: 0.1 });
const opened: ThreadedLearningBackend[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((backend) => backend.dispose()));
});

async function open(): Promise<ThreadedLearningBackend> {
  const backend = await ThreadedLearningBackend.create('js', { layout });
  opened.push(backend);
  return backend;
}

function batch(size: number, random: Random): LearnBatch {
  return {
    size,
    observations: Float32Array.from({ length: size * OBSERVATION_WIDTH }, () => random.normal()),
    actions: Uint8Array.from({ length: size }, () => random.nextInt(3)),
    dropoutMasks: layout.macro.map((layer) => Uint8Array.from({ length: size * layer.outputs }, () => (random.nextFloat() < 0.1 ? 0 : 1))),
    loss: { kind: 'reinforce', weights: Float32Array.from({ length: size }, () => random.normal()), entropyCoefficient: 0.01, value: { returns: Float32Array.from({ length: size }, () => random.normal()), valueCoefficient: 0.5 } },
  };
}

describe('ThreadedLearningBackend', () => {
  it('learns exactly what the backend computes in-process, and names where it runs', async () => {
    const threaded = await open();
    expect(threaded.name).toBe('js');
    expect(threaded.device).toMatch(/on a learning thread/);
    const reference = new JsBackend(layout);
    const random = new Random(3);
    const state = initializeNetwork(layout, random);
    const input = batch(24, random);
    const [here, there] = [await reference.learn(state, input), await threaded.learn(state, input)];
    expect(Array.from(there.gradient)).toEqual(Array.from(here.gradient));
    expect(Array.from(there.logProbs)).toEqual(Array.from(here.logProbs));
    expect(Array.from(there.batchMean)).toEqual(Array.from(here.batchMean));
    expect(Array.from(there.values!)).toEqual(Array.from(here.values!));
  });

  it('learns with the network as it is now: a changed version or another state object is sent again', async () => {
    const threaded = await open();
    const reference = new JsBackend(layout);
    const random = new Random(4);
    const state = initializeNetwork(layout, random);
    const input = batch(16, random);
    await threaded.learn(state, input);
    state.parameters[7] += 0.5;
    state.version++;
    expect(Array.from((await threaded.learn(state, input)).gradient)).toEqual(Array.from((await reference.learn(state, input)).gradient));
    const other = cloneNetworkState(state);
    other.parameters[9] -= 0.25;
    expect(Array.from((await threaded.learn(other, input)).gradient)).toEqual(Array.from((await reference.learn(other, input)).gradient));
  });

  it('rejects, naming the entry file, when the thread cannot start', async () => {
    await expect(ThreadedLearningBackend.create('js', { layout }, new URL('file:///nonexistent/rl-learning-thread.js'))).rejects.toThrow(/rl-learning-thread\.js/);
  });

  for (const windowEnd of [false, true]) {
    const how = windowEnd ? ', also when the trainer\'s thread learns each window\'s last rollout and the thread reads batches in shared memory' : '';
    it(`gives a REINFORCE run with overlapped learning the same weights as learning on the trainer's thread${how}`, async () => {
      const market = trendMarket(900, 12);
      const config = resolveRlSettings('optimized', { algorithm: 'reinforce', envs: 3, horizon: 30, accumulation: windowEnd ? 4 : 3, flags: { backendChoice: false, fp16: false } });
      expect(config.flags.overlappedLearning).toBe(true);
      const data = { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS };
      const local = new JsBackend(layoutFor(config));
      const inProcess = new RlTraining(config, 9, data, local, local);
      const threaded = await ThreadedLearningBackend.create('js', { layout: layoutFor(config) });
      opened.push(threaded);
      const acting = new JsBackend(layoutFor(config));
      const onThread = new RlTraining(config, 9, data, acting, threaded, windowEnd ? { windowEndLearning: acting } : {});
      expect(onThread.buffer.observations.buffer instanceof SharedArrayBuffer).toBe(windowEnd);
      for (let window = 0; window < 3; window++) {
        await inProcess.iterate();
        await onThread.iterate();
      }
      expect(onThread.counters.updates).toBe(3);
      expect(Array.from(onThread.state.parameters)).toEqual(Array.from(inProcess.state.parameters));
      expect(Array.from(onThread.state.runningMean)).toEqual(Array.from(inProcess.state.runningMean));
      expect(Array.from(onThread.state.runningVariance)).toEqual(Array.from(inProcess.state.runningVariance));
      expect(Array.from(onThread.adam.v)).toEqual(Array.from(inProcess.adam.v));
    });
  }
});
