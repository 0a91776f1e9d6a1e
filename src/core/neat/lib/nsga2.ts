// NSGA-II ranking (Deb et al. 2002): fast non-dominated sort and crowding distance, turned into
// one scalar score per genome so that NEAT's speciation, elitism and survival threshold select by
// the crowded-comparison order (lower front first, then larger crowding distance). All
// objectives are maximised.

/** True when point `a` dominates `b`: no worse in every objective and better in one. */
export function dominates(objectives: Float64Array, dimensions: number, a: number, b: number): boolean {
  let better = false;
  const offsetA = a * dimensions;
  const offsetB = b * dimensions;
  for (let m = 0; m < dimensions; m++) {
    const valueA = objectives[offsetA + m];
    const valueB = objectives[offsetB + m];
    if (valueA < valueB) return false;
    if (valueA > valueB) better = true;
  }
  return better;
}

/** Fronts of point indices, best first; `objectives` is row-major (count x dimensions). */
export function fastNonDominatedSort(objectives: Float64Array, count: number, dimensions: number): number[][] {
  const dominatedBy: number[][] = Array.from({ length: count }, () => []);
  const dominationCount = new Int32Array(count);
  const fronts: number[][] = [[]];
  for (let p = 0; p < count; p++) {
    for (let q = p + 1; q < count; q++) {
      if (dominates(objectives, dimensions, p, q)) {
        dominatedBy[p].push(q);
        dominationCount[q]++;
      } else if (dominates(objectives, dimensions, q, p)) {
        dominatedBy[q].push(p);
        dominationCount[p]++;
      }
    }
  }
  for (let p = 0; p < count; p++) if (dominationCount[p] === 0) fronts[0].push(p);
  for (let current = 0; fronts[current].length > 0; current++) {
    const next: number[] = [];
    for (const p of fronts[current]) {
      for (const q of dominatedBy[p]) if (--dominationCount[q] === 0) next.push(q);
    }
    next.sort((a, b) => a - b);
    fronts.push(next);
  }
  fronts.pop();
  return fronts;
}

/** Crowding distance of each point of one front (boundary points get Infinity). */
export function crowdingDistances(objectives: Float64Array, dimensions: number, front: readonly number[]): Float64Array {
  const distances = new Float64Array(front.length);
  if (front.length <= 2) return distances.fill(Infinity);
  const order = front.map((_, index) => index);
  for (let m = 0; m < dimensions; m++) {
    const value = (position: number) => objectives[front[order[position]] * dimensions + m];
    order.sort((a, b) => objectives[front[a] * dimensions + m] - objectives[front[b] * dimensions + m] || a - b);
    const low = value(0);
    const high = value(order.length - 1);
    distances[order[0]] = Infinity;
    distances[order[order.length - 1]] = Infinity;
    if (high === low) continue;
    for (let position = 1; position < order.length - 1; position++) {
      distances[order[position]] += (value(position + 1) - value(position - 1)) / (high - low);
    }
  }
  return distances;
}

export interface Nsga2Ranking {
  /** Front index per point, 0 = non-dominated. */
  rank: Int32Array;
  /** Crowding distance within its front. */
  crowding: Float64Array;
  /**
   * A scalar that orders points exactly as NSGA-II's crowded comparison: (fronts - 1 - rank) plus
   * a crowding term in [0, 1). Higher is better.
   */
  score: Float64Array;
  fronts: number[][];
}

export function nsga2Rank(objectives: Float64Array, count: number, dimensions: number): Nsga2Ranking {
  const fronts = fastNonDominatedSort(objectives, count, dimensions);
  const rank = new Int32Array(count);
  const crowding = new Float64Array(count);
  const score = new Float64Array(count);
  // Finite crowding distances are at most `dimensions` (each objective adds at most 1).
  const scale = dimensions + 1;
  fronts.forEach((front, frontIndex) => {
    const distances = crowdingDistances(objectives, dimensions, front);
    front.forEach((point, position) => {
      rank[point] = frontIndex;
      crowding[point] = distances[position];
      const crowdingTerm = Number.isFinite(distances[position]) ? distances[position] / scale : (dimensions + 0.5) / scale;
      score[point] = fronts.length - 1 - frontIndex + crowdingTerm;
    });
  });
  return { rank, crowding, score, fronts };
}
