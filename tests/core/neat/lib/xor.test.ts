import { describe, expect, it } from 'vitest';
import { solveXor } from '../../../../src/core/neat/lib/xor.ts';

describe('XOR with neat-python\'s canonical settings', () => {
  it('is solved for several seeds within 300 generations', async () => {
    for (const seed of [1, 2, 3]) {
      const result = await solveXor(seed, 300);
      expect(result.solved, `seed ${seed}`).toBe(true);
      expect(result.bestFitness).toBeGreaterThanOrEqual(3.9);
      expect(result.size[0]).toBeGreaterThan(0); // XOR needs a hidden node
    }
  });

  it('evolves identically with the graph walk and the compiled program', async () => {
    const compiled = await solveXor(4, 60, {}, true);
    const walked = await solveXor(4, 60, {}, false);
    expect(walked).toEqual(compiled);
  });
});
