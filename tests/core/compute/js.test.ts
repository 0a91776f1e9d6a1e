// The js reference backend: parameter count, gradients against central finite differences, and
// batch-size independence of the acting forward pass.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.ts';
import { JsBackend, learnFloat64, prepareParameters } from '../../../src/core/compute/js.ts';
import { linearLayers, networkLayout } from '../../../src/core/compute/network.ts';
import { lossCases, makeBatch, makeNetwork } from './fixtures.ts';

describe('AsymmetricPolicyNetwork layout', () => {
  it('has about 83k parameters, exactly as documented', () => {
    expect(networkLayout({ valueHead: false, dropout: 0.1 }).parameterCount).toBe(82_595);
    expect(networkLayout({ valueHead: true, dropout: 0.1 }).parameterCount).toBe(82_628);
    expect(networkLayout({ valueHead: false, dropout: 0 }).normFeatures).toBe(192 + 128 + 96 + 64);
  });

  it('lays every tensor out without gaps or overlaps', () => {
    const layout = networkLayout({ valueHead: true, dropout: 0.1 });
    const ranges: [number, number][] = [];
    for (const layer of linearLayers(layout)) ranges.push([layer.weight, layer.inputs * layer.outputs], [layer.bias, layer.outputs]);
    for (const norm of layout.macroNorm) ranges.push([norm.gamma, norm.features], [norm.beta, norm.features]);
    ranges.sort((a, b) => a[0] - b[0]);
    let next = 0;
    for (const [start, length] of ranges) {
      expect(start).toBe(next);
      next = start + length;
    }
    expect(next).toBe(layout.parameterCount);
  });
});

describe('js backend gradients', () => {
  for (const { kind, valueHead, label } of lossCases) {
    it(`matches central finite differences (${label})`, () => {
      const { layout, state } = makeNetwork(3, valueHead);
      const batch = makeBatch(4, 12, layout, kind);
      const base = Float64Array.from(state.parameters);
      const analytic = learnFloat64(layout, prepareParameters(layout, base), batch).gradient;
      const lossAt = (values: Float64Array) => learnFloat64(layout, prepareParameters(layout, values), batch).terms.loss;
      // every tensor gets probed: a few random entries of each weight, bias, gamma and beta
      const random = new Random(9);
      const indices: number[] = [];
      const probe = (offset: number, length: number) => { for (let k = 0; k < 4; k++) indices.push(offset + random.nextInt(length)); };
      for (const layer of linearLayers(layout)) { probe(layer.weight, layer.inputs * layer.outputs); probe(layer.bias, layer.outputs); }
      for (const norm of layout.macroNorm) { probe(norm.gamma, norm.features); probe(norm.beta, norm.features); }
      const h = 1e-6;
      let worst = 0;
      for (const index of indices) {
        const plus = base.slice();
        plus[index] += h;
        const minus = base.slice();
        minus[index] -= h;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
        const error = Math.abs(numeric - analytic[index]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[index]));
        worst = Math.max(worst, error);
      }
      expect(worst).toBeLessThan(1e-4);
    });
  }
});

describe('js backend acting', () => {
  it('gives each row the same probabilities at batch size 1 and batch size N (bit for bit)', async () => {
    const { layout, state } = makeNetwork(5, true);
    const backend = new JsBackend(layout);
    const batch = makeBatch(6, 7, layout, 'ppo');
    const all = backend.actSync(state, batch);
    for (let row = 0; row < batch.size; row++) {
      const single = backend.actSync(state, { size: 1, observations: batch.observations.slice(row * 122, row * 122 + 122), actionMasks: batch.actionMasks!.slice(row * 3, row * 3 + 3) });
      expect(Array.from(single.probabilities)).toEqual(Array.from(all.probabilities.slice(row * 3, row * 3 + 3)));
      expect(single.values![0]).toBe(all.values![row]);
    }
    const sums = [0, 1, 2].map((row) => all.probabilities[row * 3] + all.probabilities[row * 3 + 1] + all.probabilities[row * 3 + 2]);
    for (const sum of sums) expect(sum).toBeCloseTo(1, 6);
    // a masked action gets exactly no probability
    all.probabilities.forEach((probability, i) => { if (!batch.actionMasks![i]) expect(probability).toBe(0); });
  });
});
