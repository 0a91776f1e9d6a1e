// The learning bench's verdicts and statistics, computed by hand, its command line, and its report's
// per-dataset screen (a bench with no learners, so no runs).
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beatsBaselines, runLearningBench, seedsNeeded, spreadOf } from '../../../src/cli/bench/learning.ts';
import { parseBenchArguments } from '../../../src/cli/bench.ts';

describe('learning bench', () => {
  it('passes a policy only above buy-and-hold, random and cash', () => {
    const baselines = { buyAndHoldTestSharpe: -3.6, randomTestSharpe: -343 };
    expect(beatsBaselines({ ...baselines, testSharpe: 8 })).toBe(true);
    // Never trading "beats" a falling buy-and-hold with Sharpe 0: that is not learning.
    expect(beatsBaselines({ ...baselines, testSharpe: 0 })).toBe(false);
    expect(beatsBaselines({ buyAndHoldTestSharpe: 5, randomTestSharpe: -300, testSharpe: 4 })).toBe(false);
    // The final weights are judged by their own Sharpe against the same baselines.
    expect(beatsBaselines({ ...baselines, testSharpe: 8 }, -4.6)).toBe(false);
  });

  it('asks for two thirds of the seeds, rounded up: 2 of 3, 6 of 9', () => {
    expect([1, 2, 3, 4, 6, 9].map(seedsNeeded)).toEqual([1, 2, 2, 3, 4, 6]);
  });

  it('gives the median and quartiles by linear interpolation', () => {
    // sorted: -4.63, 8.04, 11.76, 16.06; positions 0.75, 1.5, 2.25
    const spread = spreadOf([11.76, -4.63, 16.06, 8.04])!;
    expect(spread.median).toBeCloseTo((8.04 + 11.76) / 2, 12);
    expect(spread.q25).toBeCloseTo(-4.63 + 0.75 * (8.04 + 4.63), 12);
    expect(spread.q75).toBeCloseTo(11.76 + 0.25 * (16.06 - 11.76), 12);
    expect([spread.min, spread.max]).toEqual([-4.63, 16.06]);
    expect(spreadOf([3])).toEqual({ median: 3, q25: 3, q75: 3, min: 3, max: 3 });
    expect(spreadOf([])).toBeNull();
  });

  it('reads its options, with the issue defaults', () => {
    const defaults = parseBenchArguments(['learning']);
    expect(defaults.names).toEqual(['learning']);
    expect(defaults.options).toMatchObject({ seconds: 120, seeds: [1, 2, 3], learners: ['reinforce', 'ppo', 'neat'], mode: 'optimized', datasets: ['default'], keepRuns: false });
    const custom = parseBenchArguments(['learning', '--seconds', '30', '--seeds', '4,5', '--learners', 'ppo', '--mode', 'original', '--dataset', 'a', '--dataset', 'b']).options;
    expect(custom).toMatchObject({ seconds: 30, seeds: [4, 5], learners: ['ppo'], mode: 'original', datasets: ['a', 'b'] });
    expect(() => parseBenchArguments(['learning', '--learners', 'dqn'])).toThrow(/--learners takes reinforce, ppo, neat/);
    expect(() => parseBenchArguments(['learning', '--mode', 'fast'])).toThrow(/--mode takes optimized or original; got "fast"/);
  });
});

describe('learning bench report', () => {
  it('screens each dataset first and keeps the screen\'s headline, not its 122 rows', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traindeck-learning-bench-'));
    try {
      const lines: string[] = [];
      const report = await runLearningBench({ datasets: ['default'], seeds: [1], seconds: 1, learners: [], dataDir, keepRuns: false, onProgress: (line) => lines.push(line) });
      const screen = (report.datasets as Record<string, { marketScreen: Record<string, unknown> }>).default.marketScreen;
      expect(screen).not.toHaveProperty('rules');
      expect(screen).toMatchObject({ verdict: 'carries-over', featureRuleCount: 120, buyAndHold: { rule: 'buy-and-hold' }, chosen: { rule: expect.stringMatching(/^long while /) } });
      expect(lines[0]).toMatch(/^learning: default fixed-rule screen: .* ranks first on validation .* carries over to test$/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
