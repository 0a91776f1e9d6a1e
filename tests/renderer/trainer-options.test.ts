// The New run and experiment forms' fields (src/renderer/src/trainer-options.ts): REINFORCE's own
// settings (its baseline, gradient accumulation) apply only while REINFORCE is the chosen algorithm,
// and an experiment that varies the algorithm keeps them.
import { describe, expect, it } from 'vitest';
import { appliesWith, trainerForms } from '../../src/renderer/src/trainer-options.ts';

describe('the RL form', () => {
  const form = trainerForms.rl;
  const baseline = form.choices.find((option) => option.key === 'baseline')!;
  const accumulation = form.numbers.find((option) => option.key === 'accumulation')!;
  const learningRate = form.numbers.find((option) => option.key === 'learningRate')!;

  it('shows REINFORCE\'s own settings only while REINFORCE is chosen', () => {
    for (const option of [baseline, accumulation]) {
      expect(appliesWith(option, { algorithm: 'reinforce' })).toBe(true);
      expect(appliesWith(option, { algorithm: 'ppo' })).toBe(false);
    }
    expect(appliesWith(learningRate, { algorithm: 'ppo' })).toBe(true);
    expect(form.choices.find((option) => option.key === 'algorithm')?.onlyWith).toBeUndefined();
  });

  it('keeps them when an experiment varies the algorithm', () => {
    expect(appliesWith(baseline, { algorithm: 'ppo' }, new Set(['algorithm']))).toBe(true);
  });
});
