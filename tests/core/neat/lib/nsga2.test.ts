import { describe, expect, it } from 'vitest';
import { Random } from '../../../../src/core/random.ts';
import { crowdingDistances, nsga2Rank } from '../../../../src/core/neat/lib/nsga2.ts';

/** Brute force: a dominates b when no worse everywhere and better somewhere. */
function bruteDominates(a: number[], b: number[]): boolean {
  return a.every((value, m) => value >= b[m]) && a.some((value, m) => value > b[m]);
}

/** Fronts by repeatedly peeling off the points no remaining point dominates. */
function bruteFronts(points: number[][]): number[][] {
  const remaining = new Set(points.map((_, index) => index));
  const fronts: number[][] = [];
  while (remaining.size > 0) {
    const front = [...remaining].filter((p) => ![...remaining].some((q) => q !== p && bruteDominates(points[q], points[p])));
    front.forEach((p) => remaining.delete(p));
    fronts.push(front.sort((a, b) => a - b));
  }
  return fronts;
}

function randomPoints(random: Random, count: number, dimensions: number, discrete: boolean): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, () => (discrete ? random.nextInt(4) : random.normal())));
}

describe('NSGA-II ranking', () => {
  it('matches a brute-force dominance check on random point sets (with ties and duplicates)', () => {
    const random = new Random(42);
    for (let trial = 0; trial < 60; trial++) {
      const count = 1 + random.nextInt(60);
      const dimensions = 1 + random.nextInt(4);
      const points = randomPoints(random, count, dimensions, trial % 2 === 0);
      const ranking = nsga2Rank(Float64Array.from(points.flat()), count, dimensions);
      expect(ranking.fronts.map((front) => [...front].sort((a, b) => a - b))).toEqual(bruteFronts(points));
      // Every point in a front is dominated by some point of the previous front, by none of its own.
      for (let p = 0; p < count; p++) {
        for (let q = 0; q < count; q++) {
          if (bruteDominates(points[q], points[p])) expect(ranking.rank[q]).toBeLessThan(ranking.rank[p]);
        }
        if (ranking.rank[p] > 0) {
          expect(ranking.fronts[ranking.rank[p] - 1].some((q) => bruteDominates(points[q], points[p]))).toBe(true);
        }
      }
    }
  });

  it('scores order points by front first, then by larger crowding distance', () => {
    const random = new Random(7);
    for (let trial = 0; trial < 30; trial++) {
      const count = 2 + random.nextInt(50);
      const points = randomPoints(random, count, 3, false);
      const { rank, crowding, score } = nsga2Rank(Float64Array.from(points.flat()), count, 3);
      for (let p = 0; p < count; p++) {
        for (let q = 0; q < count; q++) {
          if (rank[p] < rank[q]) expect(score[p]).toBeGreaterThan(score[q]);
          if (rank[p] === rank[q] && crowding[p] > crowding[q]) expect(score[p]).toBeGreaterThan(score[q]);
        }
      }
    }
  });

  it('computes crowding distance as the normalised cuboid around each point', () => {
    // One front of four points on a line x + y = 3.
    const objectives = Float64Array.from([0, 3, 1, 2, 2, 1, 3, 0]);
    const distances = crowdingDistances(objectives, 2, [0, 1, 2, 3]);
    expect(distances[0]).toBe(Infinity);
    expect(distances[3]).toBe(Infinity);
    expect(distances[1]).toBeCloseTo(2 / 3 + 2 / 3, 12);
    expect(distances[2]).toBeCloseTo(4 / 3, 12);
  });
});
