// The compute ceiling's FLOP arithmetic, by hand on a tiny layout, and one real measurement on
// onnxruntime's cpu provider (skipped, with the reason, where onnxruntime-node cannot load).
import { describe, expect, it } from 'vitest';
import { achievedGflopPerSec, ceilingEpisodesPerMin, episodeFlops, forwardFlopsPerRow, measureCeiling, measurePass, passGemms, passRate } from '../../../src/cli/bench/gemm-ceiling.ts';
import { networkLayout, type LinearLayout, type NetworkLayout } from '../../../src/core/compute/network.ts';
import { probeBackend } from '../../../src/core/compute/registry.ts';

const linear = (name: string, inputs: number, outputs: number): LinearLayout => ({ name, inputs, outputs, weight: 0, bias: 0 });

/** macro 2→3, micro 2→2, head 5→1: 6 + 4 + 5 = 15 multiply-adds per row. */
const tiny: NetworkLayout = {
  spec: { valueHead: false, dropout: 0 },
  macro: [linear('macro0', 2, 3)],
  macroNorm: [],
  micro: [linear('micro0', 2, 2)],
  head: [linear('head0', 5, 1)],
  value: undefined,
  parameterCount: 0,
  normFeatures: 0,
};

describe('gemm ceiling arithmetic', () => {
  it('counts 2 FLOPs per multiply-add of every Linear layer', () => {
    expect(forwardFlopsPerRow(tiny)).toBe(30);
    // RL-std (no value head): 60·192 + 192·128 + 128·96 + 96·64 + 60·128 + 128·64 + 130·64 + 64·32 + 32·3 = 80,864 multiply-adds
    expect(forwardFlopsPerRow(networkLayout({ valueHead: false, dropout: 0.1 }))).toBe(161_728);
    // the value head adds 32·1
    expect(forwardFlopsPerRow(networkLayout({ valueHead: true, dropout: 0.1 }))).toBe(161_792);
  });

  it('lists the forward GEMM per layer for acting, and the two backward GEMMs for learning', () => {
    expect(passGemms(tiny, 'acting', 4)).toEqual([
      { layer: 'macro0', role: 'forward', m: 4, k: 2, n: 3 },
      { layer: 'micro0', role: 'forward', m: 4, k: 2, n: 2 },
      { layer: 'head0', role: 'forward', m: 4, k: 5, n: 1 },
    ]);
    expect(passGemms(tiny, 'learning', 4).slice(0, 3)).toEqual([
      { layer: 'macro0', role: 'forward', m: 4, k: 2, n: 3 },
      { layer: 'macro0', role: 'weightGradient', m: 2, k: 4, n: 3 },
      { layer: 'macro0', role: 'inputGradient', m: 4, k: 3, n: 2 },
    ]);
    expect(passGemms(tiny, 'learning', 4)).toHaveLength(9);
  });

  it('weights a pass by FLOPs and turns rates into episodes per minute', () => {
    // acting at 4 rows: 48, 32 and 40 FLOPs; at 48, 32 and 40 GFLOP/s each takes 1 ns: 120 FLOPs in 3 ns
    expect(passRate(passGemms(tiny, 'acting', 4), [48, 32, 40])).toBeCloseTo(40, 12);
    // at 48 GFLOP/s for all but the last (1 ns + 2/3 ns) and 10 GFLOP/s for 40 FLOPs (4 ns): 120 / (17/3)
    expect(passRate(passGemms(tiny, 'acting', 4), [48, 48, 10])).toBeCloseTo(120 / (1 + 32 / 48 + 4), 12);
    // 10 steps: acting 10 · 30 = 300 FLOPs, learning 3 · 300 = 900
    expect(episodeFlops(tiny, 10)).toEqual({ acting: 300, learning: 900, total: 1200 });
    // 300 FLOPs at 3 GFLOP/s = 100 ns, 900 at 9 GFLOP/s = 100 ns: 60 s / 200 ns = 3e8 episodes/min
    expect(ceilingEpisodesPerMin(tiny, 10, 3, 9)).toBeCloseTo(3e8, 3);
    // 6e9 episodes/min · 1200 FLOPs / 60 s = 1.2e11 FLOP/s
    expect(achievedGflopPerSec(tiny, 10, 6e9)).toBeCloseTo(120, 9);
  });
});

describe('gemm ceiling measurement', () => {
  it('measures positive finite GFLOP/s on the cpu provider and names it', async (test) => {
    const onnx = await probeBackend('onnx');
    if (!onnx.available) test.skip(`onnxruntime-node is unavailable: ${onnx.reason}`);
    for (const weights of ['constant', 'input'] as const) {
      const pass = await measurePass(passGemms(tiny, 'learning', 8), { provider: 'cpu', threads: 1, weights, repeats: 3, budgetMs: 100 });
      expect(pass.gemms).toHaveLength(9);
      expect(pass.gemms[1].gemm).toBe('macro0 weightGradient [2x8]x[8x3]');
      for (const rate of [pass.gflopPerSec, ...pass.gemms.map((gemm) => gemm.gflopPerSec)]) {
        expect(Number.isFinite(rate)).toBe(true);
        expect(rate).toBeGreaterThan(0);
      }
    }
    const report = await measureCeiling({ layout: tiny, horizon: 3, envs: [2], repeats: 3, budgetMs: 100 });
    expect(report.available).toBe(true);
    expect(report.providers![0]).toMatchObject({ provider: 'cpu', available: true });
    const [ceiling] = report.ceilings!;
    expect(ceiling.envs).toBe(2);
    expect(ceiling.acting.device).toBe('onnxruntime cpu (MLAS), 1 intra-op thread');
    expect(ceiling.learning.device).toMatch(/^onnxruntime /);
    expect(ceiling.episodesPerMin).toBeGreaterThan(0);
    expect(report.runs![0].learning.rows).toBe(6);
  });
});
