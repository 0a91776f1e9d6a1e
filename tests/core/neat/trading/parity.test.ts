import { describe, expect, it } from 'vitest';
import { InProcessEvaluation } from '../../../../src/core/neat/trading/in-process.ts';
import { originalFlags, resolveRunOptions, type NeatFlags } from '../../../../src/core/neat/trading/options.ts';
import { NeatRun } from '../../../../src/core/neat/trading/run.ts';
import { evaluatorSetup } from '../../../../src/core/neat/trading/trainer.ts';
import { regimeMarket } from '../../../fixtures/market.ts';

const market = regimeMarket(900, 5);
const shape = { macroSize: 60, microSize: 60 };

/** Per generation: every genome's key, fitness, objectives and genes, for both populations. */
async function trajectory(options: unknown, flags: NeatFlags, generations: number, seed = 17): Promise<unknown[]> {
  const run = NeatRun.create(resolveRunOptions(options), seed, shape, market.splits.train);
  const strategy = new InProcessEvaluation(evaluatorSetup(run, market, flags));
  const history: unknown[] = [];
  for (let generation = 0; generation < generations; generation++) {
    const before = run.populations.map((entry) => entry.population.genomes);
    await run.runGeneration(strategy, () => 0);
    history.push(before.map((genomes) => genomes.map((genome) => ({ key: genome.key, fitness: genome.fitness, objectives: genome.objectives, nodes: genome.nodes, connections: genome.connections }))));
  }
  history.push(run.populations.map((entry) => entry.population.genomes.map((genome) => genome.key)));
  return history;
}

const small = { envsPerGenome: 3, stepsPerEpisode: 40, neat: { populationSize: 10, genome: { nodeAddProb: 0.4, connAddProb: 0.6 } } };
const optimizedInProcess: NeatFlags = { compiled: true, genomeCache: true, batchedEnvs: true, threadPool: false };

describe('original vs optimized parity', () => {
  it('co-evolution: identical fitnesses and populations generation after generation', async () => {
    const original = await trajectory(small, originalFlags, 4);
    // The fixture must exercise something: genomes trade and fitnesses differ.
    const fitnesses = (original[0] as Array<Array<{ fitness: number }>>).flat().map((genome) => genome.fitness);
    expect(new Set(fitnesses).size).toBeGreaterThan(5);
    expect(await trajectory(small, optimizedInProcess, 4)).toEqual(original);
  });

  it('single population with NSGA-II selection', async () => {
    const options = { ...small, topology: 'single', selection: 'nsga2', objectives: ['return', 'drawdown', 'turnover'] };
    expect(await trajectory(options, optimizedInProcess, 3)).toEqual(await trajectory(options, originalFlags, 3));
  });

  it('recurrent networks, several representatives and mixed activations', async () => {
    const options = {
      ...small, representatives: 2,
      neat: { ...small.neat, genome: { ...small.neat.genome, feedForward: false, activationMutateRate: 0.4, aggregationOptions: ['sum', 'max', 'mean'], aggregationMutateRate: 0.3 } },
    };
    expect(await trajectory(options, optimizedInProcess, 3)).toEqual(await trajectory(options, originalFlags, 3));
  });

  it('every single in-process flag on its own gives the original result', async () => {
    const original = await trajectory(small, originalFlags, 2, 23);
    for (const flag of ['compiled', 'genomeCache', 'batchedEnvs'] as const) {
      expect(await trajectory(small, { ...originalFlags, [flag]: true }, 2, 23)).toEqual(original);
    }
  });
});
