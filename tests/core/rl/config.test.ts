// RL settings: mode defaults, every flag on its own, the flags' older top-level keys, and
// validation that names every bad key with its allowed range.
import { describe, expect, it } from 'vitest';
import { defaultRlSettings, resolveRlSettings } from '../../../src/core/rl/config.ts';
import { rlFlagNames } from '../../../src/shared/settings/rl.ts';
import { SettingsError } from '../../../src/shared/settings/resolve.ts';

function issuesOf(options: unknown): string[] {
  try {
    resolveRlSettings('optimized', options);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).issues;
  }
  throw new Error('expected the options to be refused');
}

describe('RL settings', () => {
  it('turns every optimization off in original mode and on in optimized mode', () => {
    for (const flag of rlFlagNames) {
      expect(defaultRlSettings('original').flags[flag]).toBe(false);
      expect(defaultRlSettings('optimized').flags[flag]).toBe(true);
    }
    expect(defaultRlSettings('optimized')).toMatchObject({ envs: 32, accumulation: 4, gamma: 0.99, learningRate: 3e-4, horizon: 150, algorithm: 'ppo' });
  });

  it('accepts valid overrides, one flag at a time', () => {
    const config = resolveRlSettings('original', { flags: { batchedActing: true }, envs: 8, algorithm: 'ppo', backend: 'onnx', learningRate: 1e-3, env: { takerFee: 0.002 } });
    expect(config).toMatchObject({ envs: 8, algorithm: 'ppo', backend: 'onnx', learningRate: 1e-3, env: { takerFee: 0.002, tradePenalty: 0.01 } });
    expect(config.flags).toEqual({ ...defaultRlSettings('original').flags, batchedActing: true });
  });

  it('moves the flags of older runs and checkpoints from the top level to flags', () => {
    const config = resolveRlSettings('original', { batchedActing: true, fp16: false, flags: { vectorizedEnvs: true } });
    expect(config.flags).toEqual({ ...defaultRlSettings('original').flags, batchedActing: true, vectorizedEnvs: true });
    expect(config).not.toHaveProperty('batchedActing');
    // the same flag twice must agree
    expect(issuesOf({ fp16: true, flags: { fp16: false } })).toEqual(['fp16: also given as flags.fp16 with another value (false); give it once']);
    expect(resolveRlSettings('original', { fp16: true, flags: { fp16: true } }).flags.fp16).toBe(true);
  });

  it('names every bad key with its allowed range, all at once', () => {
    expect(issuesOf({ envs: 0 })).toEqual(['envs: 0 is not allowed; expected an integer >= 1 and <= 1024']);
    expect(issuesOf({ envs: 2.5, gamma: 'high', algorithm: 'dqn', backend: 'cuda', flags: { fp16: 1 }, learningRate: Number.NaN })).toEqual([
      'algorithm: "dqn" is not allowed; expected one of reinforce, ppo',
      'envs: 2.5 is not allowed; expected an integer >= 1 and <= 1024',
      'gamma: "high" is not allowed; expected a number >= 0 and <= 1',
      'learningRate: NaN is not allowed; expected a number >= 0 and <= 1',
      'backend: "cuda" is not allowed; expected one of auto, js, onnx, tfjs-node, tfjs-webgpu, tfjs-wasm',
      'flags.fp16: 1 is not allowed; expected true or false',
    ]);
    expect(issuesOf({ learningrate: 0.1 })[0]).toMatch(/^learningrate: unknown key \(did you mean "learningRate"\?\); allowed keys: algorithm, envs/);
    expect(issuesOf({ env: { tradeFraction: 0.3, fee: 1 } })).toEqual([expect.stringMatching(/^env\.fee: unknown key; allowed keys: startCapital/)]);
    expect(issuesOf({ env: { tradeFraction: 0.3 } })).toEqual(['env.tradeFraction: 0.3 is not allowed; expected 1/k for an integer k in [1, 100]']);
  });
});
