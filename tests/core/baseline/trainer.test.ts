// The baseline trainer on a small generated market: it plays episodes to its budget, reports
// throughput and a test-split evaluation, and resumes exactly from its checkpoint.
import { describe, expect, it } from 'vitest';
import type { MarketData } from '../../../src/core/features/market-data.ts';
import { runBaselineTrainer } from '../../../src/core/baseline/trainer.ts';
import type { TrainerRunContext } from '../../../src/core/trainer.ts';
import type { EvaluationReport, MetricSample } from '../../../src/shared/metrics.ts';
import { runConfigSchema } from '../../../src/shared/run.ts';
import { baselineFigures, baselineSummaryFigures } from '../../../src/shared/figures/baseline.ts';
import { generatedMarket } from '../../fixtures/market.ts';
import { expectDeclaredFigures } from '../../fixtures/summary-figures.ts';

let cachedMarket: MarketData | undefined;
function smallMarket(): MarketData {
  cachedMarket ??= generatedMarket(6_000, 5);
  return cachedMarket;
}

function context(budget: { episodes?: number; seconds?: number }, stored: { bytes?: Uint8Array } = {}, resume = false, mode: 'original' | 'optimized' = 'original') {
  const samples: MetricSample[] = [];
  const evaluations: EvaluationReport[] = [];
  let clock = 0;
  const runContext: TrainerRunContext<{ market: MarketData }> = {
    config: runConfigSchema.parse({ trainer: 'baseline', mode, seed: 9, budget }),
    reporter: {
      metrics: (batch) => samples.push(...batch),
      evaluation: (report) => evaluations.push(report),
      progress: () => {},
      device: () => {},
    },
    stopRequested: () => false,
    yieldToHost: async () => {},
    now: () => (clock += 1), // a deterministic clock: 1 ms per call
    checkpoints: {
      save: async (bytes) => void (stored.bytes = bytes),
      load: async () => (resume ? stored.bytes : undefined),
    },
    resources: { market: smallMarket() },
  };
  return { runContext, samples, evaluations, stored };
}

describe('baseline trainer', () => {
  it('plays its episode budget and reports throughput and a test-split evaluation', async () => {
    const { runContext, samples, evaluations } = context({ episodes: 120 });
    const outcome = await runBaselineTrainer(runContext);
    expect(outcome.stopped).toBe(false);
    expect(outcome.summary.episodes).toBe(120);
    expect(samples.filter((sample) => sample.name === 'episodes').at(-1)?.value).toBe(120);
    expect(samples.some((sample) => sample.name === 'episodesPerMin' && sample.value > 0)).toBe(true);
    const last = evaluations.at(-1)!;
    expect(last.split).toBe('test');
    expect(last.curves.map((curve) => curve.policy)).toEqual(['random', 'buy-and-hold']);
    expect(last.curves[0].equity[0]).toBe(10_000);
    expect(outcome.summary.finalEquity).toBe(last.stats[0].finalEquity);
    expect(last.stats[1].trades).toBe(1); // buy-and-hold buys once and holds
    // Learning over time: the reported policy's test Sharpe at every evaluation.
    const sharpeSamples = samples.filter((sample) => sample.name === 'testSharpe');
    expect(sharpeSamples.length).toBe(evaluations.length);
    expect(sharpeSamples.at(-1)).toMatchObject({ value: last.stats[0].sharpe, step: 120 });
    // The uniform result: the random policy it hands over, beside both baselines on the same span.
    const [random, hold] = last.stats;
    expect(outcome.summary.result).toEqual({
      policy: 'uniformly random actions (the baseline learns nothing)',
      testSharpe: random.sharpe,
      testReturnPct: random.totalReturnPct,
      testMaxDrawdownPct: random.maxDrawdownPct,
      testTrades: random.trades,
      buyAndHoldTestSharpe: hold.sharpe,
      randomTestSharpe: random.sharpe,
    });
    // Its own figures are those the shared declaration names, of their declared types.
    expectDeclaredFigures(baselineSummaryFigures, outcome.summary);
    expect(baselineFigures(outcome.summary)).toMatchObject({ testSharpe: random.sharpe, buyAndHoldSharpe: hold.sharpe, testTrades: random.trades });
  });

  it('resumes from its checkpoint and continues the same random stream', async () => {
    const whole = context({ episodes: 80 });
    await runBaselineTrainer(whole.runContext);
    const firstHalf = context({ episodes: 40 });
    await runBaselineTrainer(firstHalf.runContext);
    const secondHalf = context({ episodes: 80 }, firstHalf.stored, true);
    const outcome = await runBaselineTrainer(secondHalf.runContext);
    expect(outcome.summary.episodes).toBe(80);
    expect(whole.stored.bytes?.subarray(20)).toEqual(secondHalf.stored.bytes?.subarray(20)); // same RNG state after 80 episodes
  });

  it('a resumed run with a seconds budget ends when the total time spent reaches it', async () => {
    const first = context({ seconds: 0.3 });
    const one = await runBaselineTrainer(first.runContext);
    expect(one.summary.seconds).toBeGreaterThanOrEqual(0.3);
    // continued with a larger budget: it trains the time left, not the whole budget again
    const second = context({ seconds: 0.6 }, first.stored, true);
    const two = await runBaselineTrainer(second.runContext);
    expect(two.stopped).toBe(false);
    expect(two.summary.seconds).toBeGreaterThanOrEqual(0.6);
    expect(two.summary.seconds).toBeLessThan(0.62);
    expect(two.summary.episodes - one.summary.episodes).toBeLessThan(one.summary.episodes * 1.5);
    expect(two.summary.episodesPerMin).toBeCloseTo((two.summary.episodes * 60) / two.summary.seconds, 6);
    // one series: the continued run's samples carry on from the first run's time and episodes
    const firstSamples = first.samples.filter((sample) => sample.name === 'episodes');
    const secondSamples = second.samples.filter((sample) => sample.name === 'episodes');
    expect(secondSamples[0].elapsedMs).toBeGreaterThan(firstSamples.at(-1)!.elapsedMs);
    expect(secondSamples[0].step).toBeGreaterThan(one.summary.episodes);
  });

  it('plays vectorized episodes in optimized mode and stops exactly at the episode budget', async () => {
    const { runContext, samples } = context({ episodes: 150 }, {}, false, 'optimized');
    const outcome = await runBaselineTrainer(runContext);
    expect(outcome.summary.episodes).toBe(150);
    const returns = samples.filter((sample) => sample.name === 'meanEpisodeReturnPct');
    expect(returns.length).toBeGreaterThan(0);
    expect(returns.every((sample) => Number.isFinite(sample.value) && sample.value < 100 && sample.value > -100)).toBe(true);
  });

  it('rejects a damaged checkpoint with a clear message', async () => {
    const { runContext } = context({ episodes: 5 }, { bytes: new Uint8Array([1, 2, 3]) }, true);
    await expect(runBaselineTrainer(runContext)).rejects.toThrow(/damaged/);
  });
});
