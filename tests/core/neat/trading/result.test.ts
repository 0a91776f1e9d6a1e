import { describe, expect, it } from 'vitest';
import type { EvaluationReport, MetricSample } from '../../../../src/shared/metrics.ts';
import { policyResultSchema, runConfigSchema, type RunConfigInput } from '../../../../src/shared/run.ts';
import type { TrainerRunContext } from '../../../../src/core/trainer.ts';
import { decodeCheckpoint } from '../../../../src/core/neat/codecs/checkpoint.ts';
import { exportChampionFromCheckpoint } from '../../../../src/core/neat/trading/champion.ts';
import { NeatRun } from '../../../../src/core/neat/trading/run.ts';
import { runNeatTrainer, type NeatResources } from '../../../../src/core/neat/trading/trainer.ts';
import { randomCurve } from '../../../../src/core/env/evaluate.ts';
import { envParamsOf, resolveRunOptions } from '../../../../src/core/neat/trading/options.ts';
import { Random } from '../../../../src/core/random.ts';
import { regimeMarket } from '../../../fixtures/market.ts';

const market = regimeMarket(900, 3);
// Co-evolution (not the default topology): these tests follow both populations, partners and the macro signal cache.
const options = { topology: 'coevolution', envsPerGenome: 3, stepsPerEpisode: 40, evaluationInterval: 2, checkpointInterval: 2, neat: { populationSize: 12 } };

function record(config: RunConfigInput, resume?: Uint8Array) {
  const recorded = { metrics: [] as MetricSample[], evaluations: [] as EvaluationReport[], saved: [] as Uint8Array[] };
  let clock = 0;
  const context: TrainerRunContext<NeatResources> = {
    config: runConfigSchema.parse(config),
    reporter: {
      metrics: (samples) => recorded.metrics.push(...samples),
      evaluation: (report) => recorded.evaluations.push(report),
      progress: () => {},
      device: () => {},
    },
    stopRequested: () => false,
    yieldToHost: async () => {},
    now: () => (clock += 5),
    checkpoints: { save: async (bytes) => void recorded.saved.push(bytes), load: async () => resume },
    resources: { market },
  };
  return { context, recorded };
}

const config = (generations: number, extra: Record<string, unknown> = {}): RunConfigInput => ({
  trainer: 'neat', mode: 'optimized', seed: 5, budget: { generations }, options: { ...options, ...extra },
});

describe('NEAT run result', () => {
  it('emits validationSharpe and testSharpe of the generation champion at every evaluation', async () => {
    const { context, recorded } = record(config(6));
    await runNeatTrainer(context);
    for (const name of ['validationSharpe', 'testSharpe'] as const) {
      const split = name === 'validationSharpe' ? 'validation' : 'test';
      const samples = recorded.metrics.filter((sample) => sample.name === name);
      const reports = recorded.evaluations.filter((report) => report.split === split);
      expect(samples.map((sample) => sample.step)).toEqual([2, 4, 6]);
      // Same step, time and value as the evaluation report of that split.
      expect(samples.map((sample) => [sample.step, sample.elapsedMs, sample.value])).toEqual(reports.map((report) => [report.step, report.elapsedMs, report.stats[0].sharpe]));
    }
  });

  it('hands over the champion with the best validation Sharpe, with the uniform result fields', async () => {
    const { context, recorded } = record(config(6));
    const outcome = await runNeatTrainer(context);
    const result = policyResultSchema.parse(outcome.summary.result);
    const validation = recorded.evaluations.filter((report) => report.split === 'validation');
    const test = recorded.evaluations.filter((report) => report.split === 'test');
    const sharpes = validation.map((report) => report.stats[0].sharpe);
    const chosen = sharpes.indexOf(Math.max(...sharpes)); // the first of ties
    expect(result.policy).toContain(`generation ${validation[chosen].step}`);
    expect(result.testSharpe).toBe(test[chosen].stats[0].sharpe);
    expect(result.testReturnPct).toBeCloseTo(test[chosen].stats[0].totalReturnPct, 10);
    expect(result.testMaxDrawdownPct).toBeCloseTo(test[chosen].stats[0].maxDrawdownPct, 10);
    expect(result.testTrades).toBe(test[chosen].stats[0].trades);
    expect(result.buyAndHoldTestSharpe).toBe(test[chosen].stats[1].sharpe);
    const params = envParamsOf(resolveRunOptions(options));
    expect(result.randomTestSharpe).toBe(randomCurve(market, market.splits.test, Random.derive(5, 1000).nextUint32(), params).metrics.sharpe);
    if (chosen !== test.length - 1) expect(result.finalPolicyTestSharpe).toBe(test.at(-1)!.stats[0].sharpe);
    // extra's test figures and finalEquity describe the same champion.
    expect(outcome.summary.extra.testSharpe).toBe(result.testSharpe);
    expect(outcome.summary.finalEquity).toBe(test[chosen].stats[0].finalEquity);
    expect(outcome.summary.extra.championGeneration).toBe(validation[chosen].step);
  });

  it('keeps the chosen champion in checkpoints: restored, exported, and reported after a resume', async () => {
    const first = record(config(6));
    const outcome = await runNeatTrainer(first.context);
    const checkpoint = first.recorded.saved.at(-1) as Uint8Array;
    const { run } = NeatRun.restore(checkpoint, { macroSize: 60, microSize: 60 }, market.splits.train);
    expect(run.chosen?.generation).toBe(outcome.summary.extra.championGeneration);
    expect(run.chosen?.validationSharpe).toBe(outcome.summary.extra.championValidationSharpe);
    const exported = exportChampionFromCheckpoint(checkpoint);
    expect(exported.map((entry) => entry.genome.key)).toEqual([run.chosen?.genomes.macro?.key, run.chosen?.genomes.micro?.key]);
    // A resumed run that finds no better champion reports the restored one's figures.
    const resumed = record(config(6, { evaluationInterval: 0 }), checkpoint);
    const again = await runNeatTrainer(resumed.context);
    expect(again.summary.result?.testSharpe).toBe(outcome.summary.result?.testSharpe);
    expect(again.summary.result?.policy).toBe(outcome.summary.result?.policy);
  });

  it('reads checkpoints written before champions were chosen (no champion list): the run has none yet', async () => {
    const { context, recorded } = record(config(2, { evaluationInterval: 0 }));
    await runNeatTrainer(context);
    // The generation-2 checkpoint is written before the run's only (final) evaluation: it looks like an old one.
    const content = decodeCheckpoint(recorded.saved[0]);
    expect(content.populations.every((population) => population.lists.champion === undefined)).toBe(true);
    const { run } = NeatRun.restore(recorded.saved[0], { macroSize: 60, microSize: 60 }, market.splits.train);
    expect(run.chosen).toBeUndefined();
  });
});
