// `auto` backend choice: measures the available candidates, picks the fastest for acting and for
// learning separately, caches the result through the caller's callbacks, and reuses it.
import { describe, expect, it } from 'vitest';
import { chooseAutoBackends, type AutoCache } from '../../../src/core/compute/auto.ts';
import { probeBackends } from '../../../src/core/compute/registry.ts';
import { networkLayout } from '../../../src/core/compute/network.ts';

function memoryCache(initial?: unknown): AutoCache & { value: unknown; saves: number } {
  const cache = {
    value: initial,
    saves: 0,
    load: async () => cache.value,
    save: async (value: unknown) => {
      cache.value = value;
      cache.saves++;
    },
  };
  return cache;
}

describe('auto backend choice', () => {
  const layout = networkLayout({ valueHead: false, dropout: 0.1 });
  const options = { layout, actingBatch: 4, learningBatch: 64, candidates: ['js', 'onnx', 'tfjs-node'] as const, now: () => performance.now() };

  it('measures each available backend, picks the fastest per role, and caches the choice', async () => {
    const cache = memoryCache();
    const choice = await chooseAutoBackends({ ...options, cache });
    expect(choice.cached).toBe(false);
    const measured = choice.measurements.filter((m) => m.actMs !== null);
    const fastestAct = measured.reduce((best, m) => (m.actMs! < best.actMs! ? m : best));
    const fastestLearn = measured.reduce((best, m) => (m.learnMs! < best.learnMs! ? m : best));
    expect(choice.acting).toBe(fastestAct.backend);
    expect(choice.learning).toBe(fastestLearn.backend);
    // unavailable backends are listed with their reason, not measured
    const tfjsNode = choice.measurements.find((m) => m.backend === 'tfjs-node')!;
    if (tfjsNode.actMs === null) expect(tfjsNode.note).toMatch(/tfjs-node/);
    expect(cache.saves).toBe(1);

    const again = await chooseAutoBackends({ ...options, cache });
    expect(again.cached).toBe(true);
    expect(again.acting).toBe(choice.acting);
    expect(again.learning).toBe(choice.learning);
    expect(cache.saves).toBe(1);
  });

  it('measures again for another batch size or a cache it cannot read', async () => {
    const cache = memoryCache({ garbage: true });
    const choice = await chooseAutoBackends({ ...options, candidates: ['js'], cache });
    expect(choice.cached).toBe(false);
    expect(choice.acting).toBe('js');
    const other = await chooseAutoBackends({ ...options, candidates: ['js'], learningBatch: 32, cache });
    expect(other.cached).toBe(false);
    expect(Object.keys(cache.value as object).length).toBe(3);
  });

  it('reports every backend with availability, device or reason', async () => {
    const all = await probeBackends(['js', 'onnx', 'tfjs-node', 'tfjs-wasm']);
    for (const entry of all) {
      if (entry.available) expect(entry.device).toBeTruthy();
      else expect(entry.reason).toBeTruthy();
    }
    expect(all.find((entry) => entry.name === 'js')!.available).toBe(true);
  });
});
