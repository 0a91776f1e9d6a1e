import { describe, expect, it } from 'vitest';
import type { EvaluationReport, MetricSample } from '../../../../src/shared/metrics.ts';
import { runConfigSchema, type RunConfigInput } from '../../../../src/shared/run.ts';
import type { TrainerRunContext } from '../../../../src/core/trainer.ts';
import { decodeCheckpoint, type CheckpointContent } from '../../../../src/core/neat/codecs/checkpoint.ts';
import { runNeatTrainer, type NeatResources } from '../../../../src/core/neat/trading/trainer.ts';
import { exportChampionFromCheckpoint } from '../../../../src/core/neat/trading/champion.ts';
import { neatFigures, neatSummaryFigures } from '../../../../src/shared/figures/neat.ts';
import { regimeMarket } from '../../../fixtures/market.ts';
import { expectDeclaredFigures } from '../../../fixtures/summary-figures.ts';

const market = regimeMarket(900, 3);
// Co-evolution (not the default topology): these tests follow both populations, partners and the macro signal cache.
const options = { topology: 'coevolution', envsPerGenome: 3, stepsPerEpisode: 40, evaluationInterval: 2, checkpointInterval: 2, neat: { populationSize: 12 } };

interface Recorded {
  metrics: MetricSample[];
  evaluations: EvaluationReport[];
  saved: Uint8Array[];
  devices: string[];
}

function context(config: RunConfigInput, resume?: Uint8Array, stopAfterChecks = Infinity): { context: TrainerRunContext<NeatResources>; recorded: Recorded } {
  const recorded: Recorded = { metrics: [], evaluations: [], saved: [], devices: [] };
  let checks = 0;
  let clock = 0;
  return {
    recorded,
    context: {
      config: runConfigSchema.parse(config),
      reporter: {
        metrics: (samples) => recorded.metrics.push(...samples),
        evaluation: (report) => recorded.evaluations.push(report),
        progress: () => {},
        device: (backend, device) => recorded.devices.push(`${backend} ${device}`),
      },
      stopRequested: () => ++checks > stopAfterChecks,
      yieldToHost: async () => {},
      now: () => (clock += 5),
      checkpoints: { save: async (bytes) => void recorded.saved.push(bytes), load: async () => resume },
      resources: { market },
    },
  };
}

const config = (generations: number, mode: 'original' | 'optimized' = 'optimized', extra: Record<string, unknown> = {}): RunConfigInput => ({
  trainer: 'neat', mode, seed: 99, budget: { generations }, options: { ...options, ...extra },
});

/** A checkpoint's content without the training time it records. */
function withoutTime(bytes: Uint8Array): CheckpointContent {
  const content = decodeCheckpoint(bytes);
  return { ...content, meta: { ...content.meta, elapsedMs: 0 } };
}

describe('NEAT trainer', () => {
  it('streams generation metrics and champion evaluations, and checkpoints', async () => {
    const { context: run, recorded } = context(config(4));
    const outcome = await runNeatTrainer(run);
    expect(outcome.stopped).toBe(false);
    expect(outcome.summary.extra.generations).toBe(4);
    const names = new Set(recorded.metrics.map((sample) => sample.name));
    for (const name of ['bestFitness', 'meanFitness', 'species', 'macroBestFitness', 'macroSpecies', 'generationsPerMin', 'forwardPassesPerSec', 'meanEpisodeReturnPct', 'generationMs']) {
      expect(names).toContain(name);
    }
    expect(recorded.metrics.filter((sample) => sample.name === 'bestFitness').map((sample) => sample.step)).toEqual([1, 2, 3, 4]);
    // Evaluations at generations 2 and 4, on validation and test, champion beside buy-and-hold.
    expect(recorded.evaluations.map((report) => `${report.split}@${report.step}`)).toEqual(['validation@2', 'test@2', 'validation@4', 'test@4']);
    const test = recorded.evaluations[3];
    expect(test.curves.map((curve) => curve.policy)).toEqual(['champion', 'buy-and-hold']);
    expect(test.bars).toBe(market.splits.test.end - market.splits.test.start);
    // The run hands the champion chosen on validation, at whichever evaluation it was found.
    const chosen = recorded.evaluations.find((report) => report.split === 'test' && report.step === outcome.summary.extra.championGeneration)!;
    expect(outcome.summary.finalEquity).toBe(chosen.stats[0].finalEquity);
    expect(recorded.saved).toHaveLength(3); // generations 2 and 4, and at the end
    expect(decodeCheckpoint(recorded.saved[2]).generation).toBe(4);
    // The champion can be exported from the checkpoint alone: both networks, as JSON and as graphs.
    const exported = exportChampionFromCheckpoint(recorded.saved[2]);
    expect(exported.map((entry) => entry.role)).toEqual(['macro', 'micro']);
    expect(exported[1].genome.numInputs).toBe(60 + 4 + 2);
    expect(exported[1].graph.nodes.filter((node) => node.kind === 'output').map((node) => node.label)).toEqual(['HOLD', 'BUY', 'SELL']);
    expect(exported[1].graph.nodes.some((node) => node.kind === 'input' && node.label.startsWith('micro '))).toBe(true);
    // No pool factory among the resources: the pool flag cannot take effect and the device says so.
    expect(recorded.devices[0]).toMatch(/1 evaluation thread \(flags: compiled\+genomeCache\+batchedEnvs\)/);
    // Its own figures are those the shared declaration names, of their declared types.
    expectDeclaredFigures(neatSummaryFigures, outcome.summary);
    expect(neatFigures(outcome.summary)).toMatchObject({ generations: 4, testSharpe: chosen.stats[0].sharpe, topology: 'coevolution', solved: false });
  });

  it('a run stopped and resumed from its checkpoint ends identical to an uninterrupted run', async () => {
    const straight = context(config(5));
    await runNeatTrainer(straight.context);
    const uninterrupted = straight.recorded.saved.at(-1) as Uint8Array;

    const first = context(config(5), undefined, 2); // stop requested after two generations
    const stopped = await runNeatTrainer(first.context);
    expect(stopped.stopped).toBe(true);
    const checkpoint = first.recorded.saved.at(-1) as Uint8Array;
    expect(decodeCheckpoint(checkpoint).generation).toBe(2);

    const second = context(config(5), checkpoint);
    await runNeatTrainer(second.context);
    // the same run, but for the training time each spent
    expect(withoutTime(second.recorded.saved.at(-1) as Uint8Array)).toEqual(withoutTime(uninterrupted));
  });

  it('a resumed run with a seconds budget ends when the total time spent reaches it', async () => {
    const first = context({ ...config(1), budget: { seconds: 1 } });
    const one = await runNeatTrainer(first.context);
    expect(one.summary.seconds).toBeGreaterThanOrEqual(1);
    expect(decodeCheckpoint(first.recorded.saved.at(-1) as Uint8Array).meta.elapsedMs).toBeGreaterThanOrEqual(1_000);
    // continued with a larger budget: it trains the time left, not the whole budget again
    const second = context({ ...config(1), budget: { seconds: 2 } }, first.recorded.saved.at(-1));
    const two = await runNeatTrainer(second.context);
    expect(two.stopped).toBe(false);
    expect(two.summary.seconds).toBeGreaterThanOrEqual(2);
    expect(two.summary.seconds).toBeLessThan(2.5); // the last generation and the final evaluation run past it; a whole budget again would be 3
    const generations = [one, two].map((outcome) => outcome.summary.generations!);
    expect(two.summary.extra.generations).toBe(generations[1]);
    expect(generations[1] - generations[0]).toBeLessThan(generations[0] * 1.5);
    expect(two.summary.extra.generationsPerMin).toBeCloseTo((generations[1] * 60) / two.summary.seconds, 6);
    // one series: the continued run's samples carry on from the first run's generations and time
    const firstBest = first.recorded.metrics.filter((sample) => sample.name === 'bestFitness');
    const secondBest = second.recorded.metrics.filter((sample) => sample.name === 'bestFitness');
    expect(secondBest[0].step).toBe(firstBest.at(-1)!.step + 1);
    expect(secondBest[0].elapsedMs).toBeGreaterThan(firstBest.at(-1)!.elapsedMs);
  });

  it('original and optimized modes end with the same checkpoint (all but the forward-pass count)', async () => {
    const optimized = context(config(3, 'optimized'));
    const original = context(config(3, 'original'));
    await runNeatTrainer(optimized.context);
    await runNeatTrainer(original.context);
    const [a, b] = [original, optimized].map(({ recorded }) => withoutTime(recorded.saved.at(-1) as Uint8Array));
    // Optimized mode computes the macro partner's signal once per window, so it activates less.
    expect(b.meta.forwardPasses).toBeLessThan(a.meta.forwardPasses as number);
    expect({ ...a, meta: { ...a.meta, forwardPasses: 0 } }).toEqual({ ...b, meta: { ...b.meta, forwardPasses: 0 } });
  });

  it('rejects bad options naming the key, and unsafe changes on resume', async () => {
    // The run config schema refuses them before a worker starts; the trainer checks again what it is handed.
    expect(() => context(config(2, 'optimized', { envsPerGenom: 3 }))).toThrow(/envsPerGenom/);
    const handed = (options: Record<string, unknown>) => {
      const { context: valid } = context(config(2, 'optimized'));
      return { ...valid, config: { ...valid.config, options } as TrainerRunContext['config'] };
    };
    await expect(runNeatTrainer(handed({ neat: { genome: { weight: { mutateRate: 3 } } } }))).rejects.toThrow(/neat\.genome\.weight\.mutateRate: 3 is not allowed/);
    await expect(runNeatTrainer(handed({ envsPerGenom: 3 }))).rejects.toThrow(/envsPerGenom: unknown key \(did you mean "envsPerGenome"\?\)/);
    const first = context(config(2));
    await runNeatTrainer(first.context);
    const checkpoint = first.recorded.saved.at(-1) as Uint8Array;
    await expect(runNeatTrainer(context(config(4, 'optimized', { macroSignalSize: 2 }), checkpoint).context)).rejects.toThrow(/macroSignalSize: cannot change when resuming/);
    // Safe changes (mutation rates, fitness weights) are accepted.
    const resumed = context(config(3, 'optimized', { fitness: { drawdownPenalty: 1 }, neat: { populationSize: 12, genome: { weight: { mutateRate: 0.5 } } } }), checkpoint);
    expect((await runNeatTrainer(resumed.context)).summary.extra.generations).toBe(3);
  });
});
