// Walk-forward splits and the content hash behind cache keys.
import { describe, expect, it } from 'vitest';
import { computeSplits, walkForwardFolds } from '../../../src/core/features/splits.ts';
import { contentHash, ContentHasher } from '../../../src/core/features/content-hash.ts';

describe('walk-forward splits', () => {
  it('orders train, validation and test by time after the warm-up', () => {
    const splits = computeSplits(1100, 100, { trainFraction: 0.7, validationFraction: 0.15, embargoBars: 0 });
    expect(splits.train).toEqual({ start: 100, end: 800 });
    expect(splits.validation).toEqual({ start: 800, end: 950 });
    expect(splits.test).toEqual({ start: 950, end: 1100 });
  });

  it('leaves an embargo between splits', () => {
    const splits = computeSplits(1100, 100, { trainFraction: 0.5, validationFraction: 0.2, embargoBars: 10 });
    expect(splits.validation.start - splits.train.end).toBe(10);
    expect(splits.test.start - splits.validation.end).toBe(10);
    expect(splits.test.end).toBe(1100);
  });

  it('works without a validation split', () => {
    const splits = computeSplits(200, 0, { trainFraction: 0.5, validationFraction: 0, embargoBars: 5 });
    expect(splits.validation.end - splits.validation.start).toBe(0);
    expect(splits.test).toEqual({ start: 105, end: 200 });
  });

  it('says how many bars are missing when the series is too short', () => {
    expect(() => computeSplits(110, 100, { trainFraction: 0.7, validationFraction: 0.15, embargoBars: 0 })).toThrow(/too few.*validation/);
  });

  it('builds expanding folds', () => {
    const folds = walkForwardFolds(1000, 100, 2, 5);
    expect(folds).toEqual([
      { train: { start: 100, end: 400 }, test: { start: 405, end: 700 } },
      { train: { start: 100, end: 700 }, test: { start: 705, end: 1000 } },
    ]);
    expect(() => walkForwardFolds(100, 95, 3)).toThrow(/too few/);
  });
});

describe('content hash', () => {
  it('is deterministic, sensitive and independent of memory alignment', () => {
    const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (i * 31) & 0xff);
    const hash = contentHash(bytes);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(contentHash(bytes.slice())).toBe(hash);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(contentHash(shifted.subarray(1))).toBe(hash);
    const flipped = bytes.slice();
    flipped[500] ^= 1;
    expect(contentHash(flipped)).not.toBe(hash);
    expect(contentHash(bytes.subarray(0, 1000))).not.toBe(hash);
    expect(contentHash('abc')).toBe(new ContentHasher().updateText('abc').digest());
    expect(contentHash('')).not.toBe(contentHash('\0'));
  });
});
