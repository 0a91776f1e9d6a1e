import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/run.ts';
import { decodeCheckpoint } from '../../../src/core/neat/codecs/checkpoint.ts';
import { neatWorkerTrainer } from '../../../src/host/trainers/neat-worker-trainer.ts';
import { runNeatComparison } from '../../../src/cli/bench/neat.ts';
import { regimeMarket } from '../../fixtures/market.ts';

const market = regimeMarket(900, 4);
const small = { envsPerGenome: 3, stepsPerEpisode: 40, neat: { populationSize: 10 } };

describe('NEAT in a trainer worker', () => {
  it('runs on the evaluation thread pool with the loaded market', async () => {
    const devices: string[] = [];
    let saved: Uint8Array | undefined;
    const requested: string[] = [];
    const trainer = neatWorkerTrainer(async (dataset) => {
      requested.push(dataset);
      return market;
    });
    const outcome = await trainer({
      config: runConfigSchema.parse({ trainer: 'neat', mode: 'optimized', seed: 5, budget: { generations: 2 }, options: { ...small, threads: 2 } }),
      reporter: { metrics: () => {}, evaluation: () => {}, progress: () => {}, device: (backend, device) => devices.push(`${backend} ${device}`) },
      stopRequested: () => false,
      yieldToHost: async () => {},
      now: () => performance.now(),
      checkpoints: { save: async (bytes) => void (saved = bytes), load: async () => undefined },
      dataDir: '/unused',
    });
    expect(requested).toEqual(['default']);
    expect(devices[0]).toMatch(/2 evaluation threads/);
    expect(outcome.summary.extra.generations).toBe(2);
    expect(decodeCheckpoint(saved as Uint8Array).generation).toBe(2);
  });
});

describe('traindeck compare neat --ablate', () => {
  it('runs every variant on the same seed and budget, all ending with the original populations', async () => {
    const labels: string[] = [];
    const result = await runNeatComparison({ market, generations: 2, ablate: true, options: small, onRun: (label) => labels.push(label) });
    const runs = result.runs as Array<{ label: string; identicalToOriginal: boolean; generations: number; speedupOverOriginal: number; test: { returnPct: number | null } }>;
    expect(labels).toEqual([
      'original', 'optimized',
      'only compiled', 'only genomeCache', 'only batchedEnvs', 'only threadPool',
      'without compiled', 'without genomeCache', 'without batchedEnvs', 'without threadPool',
    ]);
    for (const run of runs) {
      expect(run.identicalToOriginal, run.label).toBe(true);
      expect(run.generations).toBe(2);
      expect(run.speedupOverOriginal).toBeGreaterThan(0);
      expect(run.test.returnPct).not.toBeNull();
    }
  });
});
