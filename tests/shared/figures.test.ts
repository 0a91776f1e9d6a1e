// The summary figures declarations (src/shared/figures/): every figure documented, every number
// with its unit, and the typed readers over summaries as older versions stored them: figures the
// declaration no longer names pass through, figures it added since read as undefined.
import { describe, expect, it } from 'vitest';
import { figureInfo } from '../../src/shared/figures/declare.ts';
import { neatFigures, neatSummaryFigures } from '../../src/shared/figures/neat.ts';
import { rlFigures } from '../../src/shared/figures/rl.ts';
import { baselineFigures } from '../../src/shared/figures/baseline.ts';
import { trainerSummaryFigures } from '../../src/shared/figures/trainers.ts';
import { rlFlagNames } from '../../src/shared/settings/rl.ts';
import { runRecordSchema, trainerNames } from '../../src/shared/run.ts';

/** A NEAT run as the first NEAT trainer stored it: `validationReturnPct` is gone since, the champion figures came later. */
const oldNeatRecord = {
  id: 'run-old-neat', status: 'completed', createdAt: 1, progress: 1,
  config: { trainer: 'neat', mode: 'optimized', seed: 7, budget: { generations: 30 }, dataset: 'default', options: {} },
  summary: {
    seconds: 12.5, episodes: 3000, episodesPerMin: 14_400, finalEquity: 10_250,
    extra: {
      generations: 30, generationsPerMin: 144, forwardPassesPerSec: 2.5e6, bestFitness: 1.8, testReturnPct: 2.5, testSharpe: 0.9,
      testMaxDrawdownPct: 4.1, testTrades: 12, buyAndHoldTestReturnPct: 1.2, validationReturnPct: 3.3, threads: 4, flags: 'compiled+genomeCache',
      solved: false, topology: 'coevolution', selection: 'fitness',
    },
  },
};

/** An RL run as the first RL trainer stored it: the fp16 flag among fewer flags, no early-stopping figures. */
const oldRlExtra = {
  algorithm: 'reinforce', parameters: 82_595, updates: 40, envSteps: 6000, envs: 1, actingBackend: 'js', learningBackend: 'js', device: 'cpu',
  fp16: false, fp16Note: null, episodesThisSession: 40, vectorizedEnvs: false, batchedActing: false,
  testSharpeGreedy: 0.4, testSharpeSampled: 0.2, testSharpeBuyAndHold: 0.6, testSharpeRandom: -0.1, testReturnPctGreedy: 1.5, testMaxDrawdownPctGreedy: 3, testTradesGreedy: 9,
};

describe('summary figures declarations', () => {
  it('declares figures for every trainer', () => {
    expect(Object.keys(trainerSummaryFigures).sort()).toEqual([...trainerNames].sort());
  });

  it.each(trainerNames)('%s: every figure has a doc line, and every number its unit', (trainer) => {
    const figures = trainerSummaryFigures[trainer];
    expect(figures.doc.length).toBeGreaterThan(8);
    for (const [name, schema] of Object.entries(figures.shape)) {
      const info = figureInfo.get(schema);
      expect(info?.doc.length ?? 0, name).toBeGreaterThan(8);
      if (schema.safeParse(1).success) expect(info?.unit, name).toBeTruthy();
    }
  });

  it('names each RL optimization flag as a figure, documented by its setting', () => {
    for (const flag of rlFlagNames) expect(figureInfo.get(trainerSummaryFigures.rl.shape[flag])?.doc).toMatch(new RegExp(`^Flag ${flag} as the run set it: .{8,}`));
  });

  it('parses an old NEAT run: the record as stored, its figures typed, a retired figure passed through', () => {
    const record = runRecordSchema.parse(oldNeatRecord);
    expect(record.summary?.extra).toEqual(oldNeatRecord.summary.extra);
    const figures = neatFigures(record.summary);
    expect(figures).toEqual({ ...oldNeatRecord.summary.extra, validationReturnPct: undefined });
    expect(Object.hasOwn(figures, 'validationReturnPct')).toBe(false);
    expect(figures.championGeneration).toBeUndefined(); // added since
    expect(neatSummaryFigures.schema.partial().parse(record.summary?.extra)).toEqual(oldNeatRecord.summary.extra);
    expect(neatSummaryFigures.schema.safeParse(record.summary?.extra).success).toBe(false); // today's trainer always fills the champion figures
  });

  it('reads an old RL run typed, without the figures it never had', () => {
    const figures = rlFigures({ extra: oldRlExtra });
    expect(figures).toEqual(oldRlExtra);
    expect(figures.fp16).toBe(false);
    expect(figures.bestUpdate).toBeUndefined();
    expect(figures.vectorizedReturns).toBeUndefined();
  });

  it('reads a figure not of its declared type as undefined and keeps the others', () => {
    expect(rlFigures({ extra: { ...oldRlExtra, envSteps: 'many', bestUpdate: null } })).toEqual({ ...oldRlExtra, envSteps: undefined });
    expect(baselineFigures({ extra: { testSharpe: 'n/a', testTrades: 3, buyAndHoldSharpe: null } })).toEqual({ testTrades: 3, buyAndHoldSharpe: null });
  });

  it('reads nothing from a run without a summary, or one stored before summaries had figures', () => {
    expect(rlFigures(undefined)).toEqual({});
    const record = runRecordSchema.parse({ ...oldNeatRecord, summary: { seconds: 1, episodes: 10, episodesPerMin: 600 } });
    expect(record.summary?.extra).toEqual({});
    expect(neatFigures(record.summary)).toEqual({});
  });
});
