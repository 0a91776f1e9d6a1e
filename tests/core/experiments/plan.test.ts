// Trial plans from experiment specs: grid order, seeded random draws, ranges, modes and limits.
import { describe, expect, it } from 'vitest';
import { experimentSpecSchema, type ExperimentSpecInput } from '../../../src/shared/experiment.ts';
import { planTrials, spacePoints, trialRunConfig } from '../../../src/core/experiments/plan.ts';

const spec = (overrides: Partial<ExperimentSpecInput> = {}) =>
  experimentSpecSchema.parse({ name: 'x', trainer: 'rl', seeds: [1, 2], budget: { seconds: 60 }, ...overrides });

describe('experiment plans', () => {
  it('walks a grid like an odometer, first key slowest, and one point when nothing varies', () => {
    expect(spacePoints(spec({ space: { learningRate: [0.001, 0.01], envs: [8, 16, 32] } }))).toEqual([
      { learningRate: 0.001, envs: 8 },
      { learningRate: 0.001, envs: 16 },
      { learningRate: 0.001, envs: 32 },
      { learningRate: 0.01, envs: 8 },
      { learningRate: 0.01, envs: 16 },
      { learningRate: 0.01, envs: 32 },
    ]);
    expect(spacePoints(spec())).toEqual([{}]);
  });

  it('runs each point and seed in both modes, original right before optimized', () => {
    const trials = planTrials(spec({ mode: 'both', space: { gamma: [0.9, 0.99] } }));
    expect(trials.map((trial) => [trial.point, trial.seed, trial.mode])).toEqual([
      [0, 1, 'original'], [0, 1, 'optimized'], [0, 2, 'original'], [0, 2, 'optimized'],
      [1, 1, 'original'], [1, 1, 'optimized'], [1, 2, 'original'], [1, 2, 'optimized'],
    ]);
    expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('draws random points from a seed: the same spec gives the same points, ranges stay inside', () => {
    const random = spec({ space: { learningRate: { min: 1e-5, max: 1e-2, log: true }, envs: { min: 4, max: 64, integer: true }, algorithm: ['ppo', 'reinforce'] }, search: { kind: 'random', trials: 50, seed: 7 } });
    const points = spacePoints(random);
    expect(points).toEqual(spacePoints(random));
    expect(points).toHaveLength(50);
    for (const point of points) {
      expect(point.learningRate as number).toBeGreaterThanOrEqual(1e-5);
      expect(point.learningRate as number).toBeLessThanOrEqual(1e-2);
      expect(Number.isInteger(point.envs)).toBe(true);
      expect(['ppo', 'reinforce']).toContain(point.algorithm);
    }
    // log-uniform: about half the draws fall below the geometric midpoint 3.16e-4
    const below = points.filter((point) => (point.learningRate as number) < Math.sqrt(1e-5 * 1e-2)).length;
    expect(below).toBeGreaterThan(12);
    expect(below).toBeLessThan(38);
    expect(spacePoints({ ...random, search: { kind: 'random', trials: 50, seed: 8 } })).not.toEqual(points);
  });

  it('refuses ranges in a grid, repeated seeds, bad keys and too many trials, naming each', () => {
    const issues = (input: Partial<ExperimentSpecInput>) => {
      const parsed = experimentSpecSchema.safeParse({ name: 'x', trainer: 'rl', seeds: [1], budget: { seconds: 1 }, ...input });
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues({ space: { learningRate: { min: 0, max: 1 } } })).toEqual(['space.learningRate: a grid search needs a list of values; ranges need "search": { "kind": "random" }']);
    expect(issues({ seeds: [1, 1] })).toEqual(['seeds: seeds must not repeat']);
    expect(issues({ space: { '__proto__.x': [1] } }).join()).toMatch(/space.__proto__.x: Invalid key in record/);
    expect(issues({ budget: { generations: 3 } })).toEqual(['budget.generations: the rl trainer does not count generations; its budget takes seconds or episodes']);
    expect(issues({ space: { lr: { min: 0, max: 1, log: true } }, search: { kind: 'random', trials: 2 } }).join()).toMatch(/a log range needs min above 0/);
    expect(() => planTrials(spec({ seeds: Array.from({ length: 100 }, (_, i) => i), space: { a: Array.from({ length: 60 }, (_, i) => i) } }))).toThrow(/expands to 6000 trials; at most 5000/);
  });

  it('builds each trial run configuration from the shared options and the point, by dotted key', () => {
    const experiment = spec({ trainer: 'neat', budget: { generations: 5 }, options: { neat: { populationSize: 40 }, threads: 1 }, space: { 'neat.compatibilityThreshold': [2.5] } });
    const [trial] = planTrials(experiment);
    expect(trialRunConfig(experiment, trial)).toEqual({
      trainer: 'neat', mode: 'optimized', seed: 1, budget: { generations: 5 }, dataset: 'default',
      options: { neat: { populationSize: 40, compatibilityThreshold: 2.5 }, threads: 1 },
    });
    expect(experiment.options).toEqual({ neat: { populationSize: 40 }, threads: 1 }); // not mutated
  });
});
