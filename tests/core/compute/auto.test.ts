// `auto` backend choice: measures the available candidates, picks the fastest for acting and for
// learning separately, caches the result through the caller's callbacks, and reuses it.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseAutoBackends, type AutoCache } from '../../../src/core/compute/auto.ts';
import { backendInstalled, probeBackends } from '../../../src/core/compute/registry.ts';
import { networkLayout } from '../../../src/core/compute/network.ts';

// The registry as it is, with probeBackends watched: which backends does a choice load?
vi.mock('../../../src/core/compute/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/core/compute/registry.ts')>();
  return { ...original, probeBackends: vi.fn(original.probeBackends) };
});
const probed = vi.mocked(probeBackends);

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
  beforeEach(() => probed.mockClear());

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

  it('reuses a cached choice loading only the backends it chose', async () => {
    const cache = memoryCache();
    const measured = await chooseAutoBackends({ ...options, candidates: ['js', 'onnx'], cache });
    expect(measured.cached).toBe(false);
    probed.mockClear();
    const reused = await chooseAutoBackends({ ...options, candidates: ['js', 'onnx'], cache });
    expect(reused.cached).toBe(true);
    expect([reused.acting, reused.learning, reused.measuredAt]).toEqual([measured.acting, measured.learning, measured.measuredAt]);
    expect(probed.mock.calls).toEqual([[[...new Set([measured.acting, measured.learning])]]]);
  });

  it('keeps a choice when a backend it lacked is still not installed, and measures again once one is', async () => {
    const cache = memoryCache();
    await chooseAutoBackends({ ...options, candidates: ['js'], cache });
    // onnxruntime-node is a dependency: installed, so it may be faster than the cached choice.
    expect(backendInstalled('onnx')).toBe(true);
    const withOnnx = await chooseAutoBackends({ ...options, candidates: ['js', 'onnx'], cache });
    expect(withOnnx.cached).toBe(false);
    expect(withOnnx.measurements.map((m) => m.backend)).toEqual(['js', 'onnx']);

    // tfjs-node is optional: where it is not installed (or installed and working), the choice stands
    // without probing the others; installed but failing to load, every run probes all candidates.
    const optionalCache = memoryCache();
    const first = await chooseAutoBackends({ ...options, candidates: ['js', 'tfjs-node'], cache: optionalCache });
    probed.mockClear();
    const again = await chooseAutoBackends({ ...options, candidates: ['js', 'tfjs-node'], cache: optionalCache });
    expect(again.cached).toBe(true);
    const tfjsNodeMeasured = first.measurements.find((m) => m.backend === 'tfjs-node')!.actMs !== null;
    const probesAll = !tfjsNodeMeasured && backendInstalled('tfjs-node') !== false;
    expect(probed.mock.calls.map(([names]) => names)).toEqual(probesAll ? [['js', 'tfjs-node']] : [[...new Set([first.acting, first.learning])]]);
  });

  it('measures again when a backend it chose is no longer available', async () => {
    const cache = memoryCache();
    const measured = await chooseAutoBackends({ ...options, candidates: ['js', 'onnx'], cache });
    // the backend chosen for learning disappears (e.g. its package was removed)
    const gone = measured.learning;
    const real = (await vi.importActual<typeof import('../../../src/core/compute/registry.ts')>('../../../src/core/compute/registry.ts')).probeBackends;
    probed.mockImplementation(async (names) => (await real(names)).map((entry) => (entry.name === gone ? { name: gone, available: false, reason: 'gone' } : entry)));
    try {
      const choice = await chooseAutoBackends({ ...options, candidates: ['js', 'onnx'], cache });
      expect(choice.cached).toBe(false);
      expect([choice.acting, choice.learning]).not.toContain(gone);
    } finally {
      probed.mockImplementation(real);
    }
  });
});
