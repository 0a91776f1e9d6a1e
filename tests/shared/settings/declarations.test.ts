// The settings declarations themselves: every setting documented, every default inside its own
// range, the flags at the same path for every trainer, and what a resume may not change.
import { describe, expect, it } from 'vitest';
import { trainerNames } from '../../../src/shared/run.ts';
import { flagNamesOf, leafSettings, optionsSchema, resolveSettings, SettingsError } from '../../../src/shared/settings/resolve.ts';
import { trainerSettings } from '../../../src/shared/settings/trainers.ts';
import { defaultsOf, integer, section } from '../../../src/shared/settings/declare.ts';

describe('settings declarations', () => {
  it.each(trainerNames)('%s: every setting has a doc line and a default inside its range, in both modes', (trainer) => {
    const settings = trainerSettings[trainer];
    for (const { path, setting } of leafSettings(settings)) {
      expect(setting.doc.length, path.join('.')).toBeGreaterThan(8);
      expect(setting.default !== undefined || setting.modeDefaults !== undefined, path.join('.')).toBe(true);
    }
    for (const mode of ['original', 'optimized'] as const) {
      // the workload's own settings (the genome shape) are left out: users may not give them
      const defaults = defaultsOf(settings, mode) as Record<string, unknown>;
      const given = structuredClone(defaults);
      for (const { path, setting } of leafSettings(settings)) {
        if (setting.setBy === undefined) continue;
        const parent = path.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, given);
        delete parent[path[path.length - 1]];
      }
      expect(optionsSchema(settings).safeParse(given).success).toBe(true);
    }
  });

  it('puts the optimization flags under flags for every trainer that has them', () => {
    expect(flagNamesOf(trainerSettings.rl)).toEqual(['vectorizedEnvs', 'batchedActing', 'vectorizedReturns', 'gradientAccumulation', 'overlappedLearning', 'backendChoice', 'fp16']);
    expect(flagNamesOf(trainerSettings.neat)).toEqual(['compiled', 'genomeCache', 'batchedEnvs', 'threadPool']);
    expect(flagNamesOf(trainerSettings.baseline)).toEqual([]);
    expect(defaultsOf(trainerSettings.rl, 'optimized').flags.fp16).toBe(true);
    expect(defaultsOf(trainerSettings.neat).flags).toEqual({});
  });

  it('declares what a resumed run must keep', () => {
    const fixed = (trainer: 'rl' | 'neat') => leafSettings(trainerSettings[trainer]).filter(({ setting }) => setting.fixedOnResume).map(({ path }) => path.join('.'));
    expect(fixed('rl')).toEqual(['algorithm', 'baseline']);
    expect(fixed('neat')).toEqual([
      'topology', 'selection', 'macroSignalSize', 'neat.genome.numInputs', 'neat.genome.numOutputs', 'neat.genome.numHidden',
      'neat.genome.feedForward', 'neat.genome.initialConnection', 'neat.genome.initialConnectionFraction', 'neat.genome.enabledDefault',
    ]);
  });

  it('resolves over a base, naming every problem with its path and running the checks across fields', () => {
    const shape = section('A test section.', { low: integer(0, 10, { doc: 'The lower bound.', default: 1 }), high: integer(0, 10, { doc: 'The upper bound.', default: 5 }) }, {
      checks: [(value) => (value.low > value.high ? [{ path: 'low', message: `${value.low} exceeds high ${value.high}` }] : [])],
    });
    expect(resolveSettings(shape, { high: 7 }, { low: 2, high: 3 }, { what: 'test settings' })).toEqual({ low: 2, high: 7 });
    expect(() => resolveSettings(shape, { low: 11, hihg: 1 }, defaultsOf(shape), { what: 'test settings', path: 'bounds' })).toThrow(
      new SettingsError('test settings', ['bounds.low: 11 is not allowed; expected an integer >= 0 and <= 10', 'bounds.hihg: unknown key (did you mean "high"?); allowed keys: low, high']),
    );
    expect(() => resolveSettings(shape, { low: 6 }, defaultsOf(shape), { what: 'test settings' })).toThrow('invalid test settings: low: 6 exceeds high 5');
    expect(() => resolveSettings(shape, 'low=1', defaultsOf(shape), { what: 'test settings' })).toThrow(/expected an object of settings, got "low=1"/);
  });
});
