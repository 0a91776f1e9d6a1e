import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationStrategy } from '../../../src/core/neat/trading/evaluation-jobs.ts';
import { encodeGenomes } from '../../../src/core/neat/codecs/genome-codec.ts';
import { InProcessEvaluation } from '../../../src/core/neat/trading/in-process.ts';
import { optimizedFlags, resolveRunOptions, type NeatFlags } from '../../../src/core/neat/trading/options.ts';
import { NeatRun } from '../../../src/core/neat/trading/run.ts';
import { evaluatorSetup } from '../../../src/core/neat/trading/trainer.ts';
import { NeatThreadPool } from '../../../src/host/threads/neat-pool.ts';
import { regimeMarket } from '../../fixtures/market.ts';

const market = regimeMarket(900, 8);
const shape = { macroSize: 60, microSize: 60 };
const pools: NeatThreadPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
});

async function trajectory(options: unknown, strategyFor: (run: NeatRun) => Promise<EvaluationStrategy>, generations: number): Promise<unknown[]> {
  const run = NeatRun.create(resolveRunOptions(options), 31, shape, market.splits.train);
  const strategy = await strategyFor(run);
  const history: unknown[] = [];
  for (let generation = 0; generation < generations; generation++) {
    const report = await run.runGeneration(strategy, () => 0);
    history.push(report.forwardPasses > 0, run.populations.map((entry) => entry.population.genomes.map((genome) => [genome.key, genome.fitness, genome.connections.length])));
  }
  return history;
}

const options = { envsPerGenome: 4, stepsPerEpisode: 40, neat: { populationSize: 14 } };
const inProcessFlags: NeatFlags = { ...optimizedFlags, threadPool: false };

describe('NEAT evaluation thread pool', () => {
  it('gives the same run with 1 thread, 2 threads and in-process evaluation', async () => {
    const inProcess = await trajectory(options, async (run) => new InProcessEvaluation(evaluatorSetup(run, market, inProcessFlags)), 3);
    for (const threads of [1, 2]) {
      const pooled = await trajectory(options, async (run) => {
        const pool = await NeatThreadPool.create(evaluatorSetup(run, market, optimizedFlags), threads);
        pools.push(pool);
        return pool;
      }, 3);
      expect(pooled).toEqual(inProcess);
    }
  });

  it('shares the market with the threads instead of copying it', async () => {
    const run = NeatRun.create(resolveRunOptions(options), 1, shape, market.splits.train);
    const setup = evaluatorSetup(run, market, optimizedFlags);
    expect(setup.market.macro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(setup.market.micro.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(setup.market.close.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('reports an evaluation error from a thread as a rejected job, and keeps working', async () => {
    const run = NeatRun.create(resolveRunOptions({ ...options, topology: 'single' }), 1, shape, market.splits.train);
    const pool = await NeatThreadPool.create(evaluatorSetup(run, market, optimizedFlags), 2);
    pools.push(pool);
    const genomes = encodeGenomes(run.populations[0].population.genomes);
    const job = { role: 'macro' as const, genomes, partners: encodeGenomes([]), episodeStarts: Int32Array.from([10, 20]), steps: 30 };
    await expect(pool.evaluate(job)).rejects.toThrow(/no genome config for the macro population/);
    const result = await pool.evaluate({ ...job, role: 'single' });
    expect(result.metrics).toHaveLength(14 * 5);
    expect(result.forwardPasses).toBe(14 * 2 * 30);
  });
});
