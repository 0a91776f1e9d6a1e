// Fails when NEAT stops learning: on a small market whose drift follows a slow wave that one macro
// feature shows, the run's champion must trade better on the test split than the untrained one.
import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../../../../src/shared/metrics.ts';
import { runConfigSchema } from '../../../../src/shared/run.ts';
import { mergeSettings } from '../../../../src/shared/settings/resolve.ts';
import { runNeatTrainer } from '../../../../src/core/neat/trading/trainer.ts';
import { regimeMarket } from '../../../fixtures/market.ts';

describe('NEAT learning', () => {
  // The defaults (one sparse network) and co-evolution as NEAT-std defines it, which stays an option.
  it.each([
    ['the defaults', {}],
    ['co-evolution, half-connected genomes', { topology: 'coevolution', neat: { genome: { initialConnectionFraction: 0.5 } } }],
  ])('improves the test Sharpe over the generation-0 champion within 60 generations (%s)', async (_name, workload) => {
    // Its test split falls (buy-and-hold Sharpe about -15), so only timing the wave beats it.
    const market = regimeMarket(2400, 4);
    const samples: MetricSample[] = [];
    let clock = 0;
    const outcome = await runNeatTrainer({
      config: runConfigSchema.parse({
        trainer: 'neat', mode: 'optimized', seed: 2, budget: { generations: 60 },
        options: mergeSettings({ envsPerGenome: 4, stepsPerEpisode: 100, evaluationInterval: 1, checkpointInterval: 0, neat: { populationSize: 30 } }, workload),
      }),
      reporter: { metrics: (batch) => samples.push(...batch), evaluation: () => {}, progress: () => {}, device: () => {} },
      stopRequested: () => false,
      yieldToHost: async () => {},
      now: () => (clock += 5),
      checkpoints: { save: async () => {}, load: async () => undefined },
      resources: { market },
    });
    // Step 1: the best of the initial, random population (chosen by its first fitness, no evolution yet).
    const untrained = samples.find((sample) => sample.name === 'testSharpe' && sample.step === 1)!.value;
    const result = outcome.summary.result!;
    expect(result.testSharpe).toBeGreaterThan(untrained + 10);
    expect(result.testSharpe).toBeGreaterThan(Math.max(0, result.buyAndHoldTestSharpe, result.randomTestSharpe));
    expect(result.testTrades).toBeGreaterThan(1);
  });
});
