import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../../../src/shared/settings/resolve.ts';
import { defaultNeatConfig, resolveNeatConfig, xorConfig } from '../../../../src/core/neat/lib/config.ts';

function issuesOf(input: unknown): string[] {
  try {
    resolveNeatConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('NEAT config', () => {
  it('fills every field from the defaults', () => {
    expect(resolveNeatConfig({})).toEqual(defaultNeatConfig);
    expect(resolveNeatConfig({ genome: { weight: { mutateRate: 0.3 } } }).genome.weight).toEqual({ ...defaultNeatConfig.genome.weight, mutateRate: 0.3 });
  });

  it('rejects unknown keys by path, suggesting the closest known key', () => {
    const issues = issuesOf({ genome: { wieght: { mutateRate: 0.5 } } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^genome\.wieght: unknown key \(did you mean "weight"\?\)/);
    expect(issuesOf({ popSize: 10 })[0]).toMatch(/^popSize: unknown key/);
  });

  it('rejects out-of-range values naming the key and the allowed range', () => {
    expect(issuesOf({ genome: { weight: { mutateRate: 1.5 } } })).toEqual(['genome.weight.mutateRate: 1.5 is not allowed; expected a number >= 0 and <= 1']);
    expect(issuesOf({ populationSize: 2.5 })[0]).toBe('populationSize: 2.5 is not allowed; expected an integer >= 2 and <= 100000');
    expect(issuesOf({ reproduction: { survivalThreshold: 0 } })[0]).toMatch(/^reproduction\.survivalThreshold: 0 is not allowed; expected a number > 0/);
    expect(issuesOf({ genome: { activationOptions: ['tanh', 'swish'] } })[0]).toMatch(/^genome\.activationOptions: "swish" not allowed/);
    expect(issuesOf({ genome: { feedForward: 'yes' } })[0]).toMatch(/^genome\.feedForward: "yes" is not allowed; expected true or false/);
  });

  it('reports every problem at once and checks fields against each other', () => {
    expect(issuesOf({ populationSize: -1, stagnation: { maxStagnation: 0 } })).toHaveLength(2);
    expect(issuesOf({ genome: { activationDefault: 'sigmoid', activationOptions: ['tanh'] } })[0]).toMatch(/^genome\.activationDefault: "sigmoid" must be one of activationOptions/);
    expect(issuesOf({ genome: { bias: { minValue: 5, maxValue: 1 } } })[0]).toMatch(/^genome\.bias\.minValue: 5 exceeds maxValue 1/);
  });

  it('gives neat-python\'s canonical XOR settings', () => {
    const config = xorConfig();
    expect(config.populationSize).toBe(150);
    expect(config.fitnessThreshold).toBe(3.9);
    expect(config.genome.initialConnection).toBe('full_direct');
    expect(config.species.compatibilityThreshold).toBe(3);
  });
});

describe('NEAT run options', () => {
  it('fill defaults, validate the env settings and refuse the genome shape', async () => {
    const { resolveRunOptions, storableOptions, checkResumeOverrides } = await import('../../../../src/core/neat/trading/options.ts');
    const options = resolveRunOptions({ envsPerGenome: 4, env: { takerFee: 0.002 } });
    expect(options.envsPerGenome).toBe(4);
    expect(options.env.takerFee).toBe(0.002);
    expect(options.neat.populationSize).toBe(50);
    expect(() => resolveRunOptions({ neat: { genome: { numInputs: 10 } } })).toThrow(/neat\.genome\.numInputs: set by the workload \(for a trading run, its topology/);
    expect(() => resolveRunOptions({ env: { tradeFraction: 0.3 } })).toThrow(/env\.tradeFraction: 0\.3 is not allowed; expected 1\/k for an integer k in \[1, 100\]/);
    expect(() => resolveRunOptions({ selection: 'pareto' })).toThrow(/selection: "pareto" is not allowed; expected one of fitness, nsga2/);
    // Saved options round-trip, and only the resume-safe subset may change.
    const saved = resolveRunOptions(storableOptions(options));
    expect(checkResumeOverrides(saved, resolveRunOptions({ envsPerGenome: 4, env: { takerFee: 0.002 }, neat: { genome: { weight: { mutatePower: 0.1 } } } }))).toEqual(['neat.genome.weight.mutatePower']);
    expect(options.topology).toBe('single');
    expect(() => checkResumeOverrides(saved, resolveRunOptions({ topology: 'coevolution' }))).toThrow(/topology: cannot change when resuming/);
  });
});
