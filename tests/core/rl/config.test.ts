// RL settings: mode defaults, every flag on its own, and validation that names the bad key.
import { describe, expect, it } from 'vitest';
import { defaultRlConfig, flagNames, parseRlConfig, rlConfigFields } from '../../../src/core/rl/config.ts';

describe('RL config', () => {
  it('turns every optimization off in original mode and on in optimized mode', () => {
    for (const flag of flagNames) {
      expect(defaultRlConfig('original')[flag]).toBe(false);
      expect(defaultRlConfig('optimized')[flag]).toBe(true);
    }
    expect(defaultRlConfig('optimized')).toMatchObject({ envs: 32, accumulation: 4, gamma: 0.99, learningRate: 3e-4, horizon: 150, algorithm: 'reinforce' });
  });

  it('documents every field', () => {
    for (const key of Object.keys(defaultRlConfig('original'))) expect(rlConfigFields[key as keyof typeof rlConfigFields]?.doc, key).toBeTruthy();
  });

  it('accepts valid overrides, one flag at a time', () => {
    const config = parseRlConfig('original', { batchedActing: true, envs: 8, algorithm: 'ppo', backend: 'onnx', learningRate: 1e-3 });
    expect(config).toMatchObject({ batchedActing: true, vectorizedEnvs: false, envs: 8, algorithm: 'ppo', backend: 'onnx', learningRate: 1e-3 });
  });

  it('names the bad key and the allowed range', () => {
    expect(() => parseRlConfig('optimized', { envs: 0 })).toThrow('options.envs must be in 1..1024, got 0');
    expect(() => parseRlConfig('optimized', { envs: 2.5 })).toThrow(/options\.envs must be an integer/);
    expect(() => parseRlConfig('optimized', { gamma: 'high' })).toThrow(/options\.gamma must be a number in 0\.\.1/);
    expect(() => parseRlConfig('optimized', { algorithm: 'dqn' })).toThrow(/options\.algorithm must be one of reinforce, ppo/);
    expect(() => parseRlConfig('optimized', { backend: 'cuda' })).toThrow(/options\.backend must be one of auto, js, onnx/);
    expect(() => parseRlConfig('optimized', { fp16: 1 })).toThrow(/options\.fp16 must be true or false/);
    expect(() => parseRlConfig('optimized', { learningrate: 0.1 })).toThrow(/options\.learningrate is not an RL setting/);
    expect(() => parseRlConfig('optimized', { learningRate: Number.NaN })).toThrow(/options\.learningRate/);
  });
});
