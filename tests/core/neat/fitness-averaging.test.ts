// Lifetime fitness averaging (issue #11): a genome that lives on as an elite folds each generation's
// figures into running means, so its fitness is the mean over every generation it was evaluated in;
// `generation` keeps neat-python's this-generation-only fitness. Scripted evaluation results, so the
// expected means are written out by hand.
import { describe, expect, it } from 'vitest';
import { encodedGenomeKeys } from '../../../src/core/neat/genome-codec.ts';
import { EPISODE_METRIC_COUNT, METRIC_RETURN, type EvaluationJob, type EvaluationResult } from '../../../src/core/neat/evaluation.ts';
import { resolveRunOptions } from '../../../src/core/neat/options.ts';
import { NeatRun } from '../../../src/core/neat/run.ts';
import { decodeCheckpoint } from '../../../src/core/neat/checkpoint.ts';

/** Every genome's return this generation: its key in generation 1, 10 − key in generation 2, 4 after. */
function scriptedBackend() {
  let generation = 0;
  const seen = new Map<number, number[]>(); // key -> returns it was given
  return {
    seen,
    threads: 1,
    async evaluate(job: EvaluationJob): Promise<EvaluationResult> {
      if (job.role !== 'single') throw new Error('the test runs one population');
      generation++;
      const keys = encodedGenomeKeys(job.genomes);
      const metrics = new Float64Array(keys.length * EPISODE_METRIC_COUNT);
      keys.forEach((key, index) => {
        const value = generation === 1 ? key : generation === 2 ? 10 - key : 4;
        metrics[index * EPISODE_METRIC_COUNT + METRIC_RETURN] = value;
        seen.set(key, [...(seen.get(key) ?? []), value]);
      });
      return { metrics, forwardPasses: 0, envSteps: 0 };
    },
    async close() {},
  };
}

function run(fitnessAveraging: 'lifetime' | 'generation') {
  // return only (no penalties), so fitness = the scripted return
  const options = resolveRunOptions({ topology: 'single', fitness: { returnWeight: 1, drawdownPenalty: 0, turnoverPenalty: 0 }, fitnessAveraging, neat: { populationSize: 12 } });
  return NeatRun.create(options, 5, { macroSize: 60, microSize: 60 }, { start: 3000, end: 9000 });
}

describe('NEAT fitness averaging', () => {
  it('lifetime: a genome evaluated in several generations has the mean of its figures', async () => {
    const neat = run('lifetime');
    const backend = scriptedBackend();
    for (let g = 0; g < 3; g++) await neat.runGeneration(backend, () => 0);
    const population = neat.populations[0].population;
    // the population has been reproduced after the third evaluation: elites carried over keep their means
    let checked = 0;
    for (const genome of population.genomes) {
      const returns = backend.seen.get(genome.key);
      if (!returns) continue;
      expect(genome.evaluations).toBe(returns.length);
      expect(genome.fitness).toBeCloseTo(returns.reduce((a, b) => a + b, 0) / returns.length, 12);
      expect(genome.objectives[0]).toBeCloseTo(returns.reduce((a, b) => a + b, 0) / returns.length, 12);
      if (returns.length >= 2) checked++;
    }
    expect(checked).toBeGreaterThan(0); // some elite lived through two or three generations
    // e.g. an elite from the first generation with key k: (k + (10 − k) + 4) / 3 = 14/3 whatever k was
    const veteran = population.genomes.find((genome) => backend.seen.get(genome.key)?.length === 3);
    if (veteran) expect(veteran.fitness).toBeCloseTo(14 / 3, 12);
    // the count and the means survive a checkpoint
    const restored = decodeCheckpoint(neat.checkpoint()).populations[0].genomes;
    expect(restored.map((genome) => genome.evaluations)).toEqual(population.genomes.map((genome) => genome.evaluations));
  });

  it("generation: fitness is this generation's figure only (neat-python)", async () => {
    const neat = run('generation');
    const backend = scriptedBackend();
    for (let g = 0; g < 3; g++) await neat.runGeneration(backend, () => 0);
    for (const genome of neat.populations[0].population.genomes) {
      const returns = backend.seen.get(genome.key);
      if (returns) expect(genome.fitness).toBe(returns[returns.length - 1]);
    }
  });
});
