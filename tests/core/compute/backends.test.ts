// Every available backend against the js reference: acting probabilities and values, learning
// gradients, batch statistics and log-probabilities, max abs error < 1e-4, for REINFORCE and PPO.
// A backend that is unavailable here skips its tests and says why.
import { afterAll, describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { createBackend, probeBackend } from '../../../src/core/compute/registry.ts';
import type { BackendName, ComputeBackend } from '../../../src/core/compute/types.ts';
import { buildActingGraph, foldBatchNorm } from '../../../src/core/compute/onnx-network.ts';
import { lossCases, makeBatch, makeNetwork } from './fixtures.ts';

function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(b.length).toBe(a.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// probed one at a time: the tfjs backends share one tfjs-core engine
const candidates: BackendName[] = ['onnx', 'tfjs-wasm', 'tfjs-node', 'tfjs-webgpu'];
const availability = [];
for (const name of candidates) {
  availability.push(name === 'tfjs-webgpu' && process.env.TRAINDECK_SKIP_WEBGPU === '1'
    ? { name, available: false, reason: 'TRAINDECK_SKIP_WEBGPU=1 is set' }
    : await probeBackend(name));
}
const created: ComputeBackend[] = [];

afterAll(async () => {
  for (const backend of created) await backend.dispose();
});

for (const entry of availability) {
  const title = entry.available ? `${entry.name} backend (${entry.device})` : `${entry.name} backend — skipped: ${entry.reason}`;
  describe.skipIf(!entry.available)(title, () => {
    for (const { kind, valueHead, label } of lossCases) {
      it(`matches js for acting and learning (${label}) within 1e-4`, async () => {
        const { layout, state } = makeNetwork(11, valueHead);
        const backend = await createBackend(entry.name, { layout });
        created.push(backend);
        const reference = new JsBackend(layout);
        for (const size of [1, 33]) {
          const batch = makeBatch(20 + size, size, layout, kind);
          const expected = await reference.act(state, batch);
          const actual = await backend.act(state, batch);
          expect(maxAbsError(expected.probabilities, actual.probabilities)).toBeLessThan(1e-4);
          if (valueHead) expect(maxAbsError(expected.values!, actual.values!)).toBeLessThan(1e-4);
        }
        const batch = makeBatch(7, 96, layout, kind);
        const expected = await reference.learn(state, batch);
        const actual = await backend.learn(state, batch);
        expect(maxAbsError(expected.gradient, actual.gradient)).toBeLessThan(1e-4);
        expect(maxAbsError(expected.batchMean, actual.batchMean)).toBeLessThan(1e-4);
        expect(maxAbsError(expected.batchVariance, actual.batchVariance)).toBeLessThan(1e-4);
        // masked actions sit near MASKED_LOGIT_OFFSET, where float32 resolves 1e-3: compare the allowed ones, and that the rest are masked
        const allowed = (values: Float32Array) => values.filter((_, i) => batch.actionMasks![i] === 1);
        expect(maxAbsError(allowed(expected.logProbs), allowed(actual.logProbs))).toBeLessThan(1e-4);
        expect(Array.from(actual.logProbs).every((value, i) => batch.actionMasks![i] === 1 || value < -1000)).toBe(true);
        expect(batch.actionMasks!.includes(0)).toBe(true);
        if (valueHead) expect(maxAbsError(expected.values!, actual.values!)).toBeLessThan(1e-4);
        // the gradient is not trivially small: the comparison means something
        expect(Math.max(...Array.from(expected.gradient, Math.abs))).toBeGreaterThan(1e-2);
      });
    }

    it('follows weight updates (no stale cached weights)', async () => {
      const { layout, state } = makeNetwork(12, false);
      const backend = await createBackend(entry.name, { layout });
      created.push(backend);
      const reference = new JsBackend(layout);
      const batch = makeBatch(8, 5, layout, 'reinforce');
      await backend.act(state, batch);
      for (let i = 0; i < state.parameters.length; i++) state.parameters[i] *= 0.5;
      state.version++;
      expect(maxAbsError((await reference.act(state, batch)).probabilities, (await backend.act(state, batch)).probabilities)).toBeLessThan(1e-4);
    });
  });
}

describe('fp16', () => {
  // float16 runs only on a GPU execution provider; its stated parity tolerance there is 5e-3 on
  // probabilities (float16 has ~3 significant digits; softmax outputs are in [0, 1])
  it('matches js within 5e-3 on a GPU execution provider', async (test) => {
    const onnx = await probeBackend('onnx');
    if (!onnx.available || !onnx.fp16) test.skip(`no GPU execution provider here (onnx runs on ${onnx.device ?? 'nothing'})`);
    const { layout, state } = makeNetwork(13, true);
    const backend = await createBackend('onnx', { layout, fp16: true });
    created.push(backend);
    const batch = makeBatch(14, 32, layout, 'ppo');
    const expected = await new JsBackend(layout).act(state, batch);
    const actual = await backend.act(state, batch);
    expect(maxAbsError(expected.probabilities, actual.probabilities)).toBeLessThan(5e-3);
  });

  it('builds a float16 acting graph that loads and runs', async () => {
    const ort = await import('onnxruntime-node');
    const { layout, state } = makeNetwork(15, false);
    const session = await ort.InferenceSession.create(buildActingGraph(layout, true), { executionProviders: ['cpu'] });
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, input] of foldBatchNorm(layout, state)) feeds[name] = new ort.Tensor('float32', input.data, input.shape);
    const batch = makeBatch(16, 8, layout, 'reinforce');
    feeds.observations = new ort.Tensor('float32', batch.observations, [8, 122]);
    feeds.actionMasks = new ort.Tensor('uint8', batch.actionMasks!, [8, 3]);
    const output = await session.run(feeds);
    const probabilities = output.probabilities.data as Float32Array;
    expect(probabilities.length).toBe(24);
    expect(maxAbsError((await new JsBackend(layout).act(state, batch)).probabilities, probabilities)).toBeLessThan(5e-3);
    await session.release();
  });

  it('is refused on the CPU with a reason', async () => {
    const { layout } = makeNetwork(1, false);
    await expect(createBackend('js', { layout, fp16: true })).rejects.toThrow(/fp16/);
    const onnx = await probeBackend('onnx');
    if (onnx.available && onnx.device === 'cpu') await expect(createBackend('onnx', { layout, fp16: true })).rejects.toThrow(/fp16 needs a GPU/);
  });
});
