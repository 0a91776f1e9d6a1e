// activateRow (the batched path's per-node activation) against activate, for every activation
// function: the batched and scalar networks must stay bit-identical.
import { describe, expect, it } from 'vitest';
import { activate, activateRow, activationNames } from '../../../../src/core/neat/lib/activations.ts';

describe('activateRow', () => {
  it('writes exactly activate(bias + response * sum) for every activation, including clamps and NaN', () => {
    const sums = Float64Array.from([-1e3, -13, -2.5, -0.7, -1e-9, 0, 1e-9, 0.3, 1, 3.3, 12.5, 1e3, Number.NaN]);
    const bias = 0.25;
    const response = 1.5;
    for (let index = 0; index < activationNames.length; index++) {
      const values = new Float64Array(sums.length + 2).fill(-7);
      activateRow(index, bias, response, sums, sums.length, values, 1);
      const expected = Array.from(sums, (sum) => activate(index, bias + response * sum));
      expect(Array.from(values.subarray(1, sums.length + 1)), activationNames[index]).toEqual(expected);
      expect(values[0]).toBe(-7);
      expect(values[sums.length + 1]).toBe(-7);
    }
  });

  it('matches hand values for the fast paths (tanh with gain 2.5, sigmoid with gain 5, relu, identity)', () => {
    const values = new Float64Array(1);
    const one = Float64Array.from([0.2]);
    activateRow(activationNames.indexOf('tanh'), 0, 1, one, 1, values, 0);
    expect(values[0]).toBeCloseTo(Math.tanh(0.5), 15);
    activateRow(activationNames.indexOf('sigmoid'), 0, 1, one, 1, values, 0);
    expect(values[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    activateRow(activationNames.indexOf('relu'), -0.5, 1, one, 1, values, 0);
    expect(values[0]).toBe(0);
    activateRow(activationNames.indexOf('identity'), -0.5, 2, one, 1, values, 0);
    expect(values[0]).toBeCloseTo(-0.1, 15);
  });
});
