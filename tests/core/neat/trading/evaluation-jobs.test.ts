// Claiming a shared job's slices (evaluateClaimedSlices): every genome's row is written exactly once
// whichever claimant takes it, and the claimants' counts add up to the job's.
import { describe, expect, it } from 'vitest';
import { EPISODE_METRIC_COUNT, evaluateClaimedSlices, sharedJobProgress, type EvaluationJob, type EvaluationResult, type JobSlice } from '../../../../src/core/neat/trading/evaluation-jobs.ts';

const job = { role: 'single', genomes: new Uint8Array(0), partners: new Uint8Array(0), episodeStarts: new Int32Array(0), steps: 1 } satisfies EvaluationJob;

/** A stand-in evaluation: genome g's row holds g + 1 in every metric; one forward pass and two env steps per genome. */
function rows(slice: JobSlice): EvaluationResult {
  const metrics = new Float64Array((slice.end - slice.start) * EPISODE_METRIC_COUNT);
  for (let g = slice.start; g < slice.end; g++) metrics.fill(g + 1, (g - slice.start) * EPISODE_METRIC_COUNT, (g - slice.start + 1) * EPISODE_METRIC_COUNT);
  return { metrics, forwardPasses: slice.end - slice.start, envSteps: 2 * (slice.end - slice.start) };
}

describe('evaluateClaimedSlices', () => {
  it('gives each slice to one claimant and every genome its row, however the claims interleave', () => {
    const progress = sharedJobProgress(11, 3);
    const taken: Record<'a' | 'b', JobSlice[]> = { a: [], b: [] };
    let countsB = { forwardPasses: 0, envSteps: 0 };
    // while A evaluates its first slice, B claims and evaluates all the others
    const countsA = evaluateClaimedSlices(job, progress, (_job, slice) => {
      taken.a.push(slice);
      if (taken.a.length === 1) countsB = evaluateClaimedSlices(job, progress, (_other, other) => (taken.b.push(other), rows(other)));
      return rows(slice);
    });
    expect(taken.a).toEqual([{ start: 0, end: 3 }]);
    expect(taken.b).toEqual([{ start: 3, end: 6 }, { start: 6, end: 9 }, { start: 9, end: 11 }]);
    expect(countsA.forwardPasses + countsB.forwardPasses).toBe(11);
    expect(countsA.envSteps + countsB.envSteps).toBe(22);
    const firstColumn = Array.from(progress.metrics).filter((_, i) => i % EPISODE_METRIC_COUNT === 0);
    expect(firstColumn).toEqual(Array.from({ length: 11 }, (_, g) => g + 1));
  });
});
