// The compare figures of one run (src/renderer/src/run-figures.ts): a NEAT run's throughput is its
// summary's generations per minute, read through the typed figures reader; a run without that
// figure (older, unfinished, or carrying it in another type) falls back to its recorded series.
import { describe, expect, it } from 'vitest';
import { runFigures } from '../../src/renderer/src/run-figures.ts';
import { RunFeed } from '../../src/renderer/src/charts/series-buffer.ts';
import { runRecordSchema, type RunRecord } from '../../src/shared/run.ts';

function neatRun(extra: Record<string, unknown> | undefined): RunRecord {
  return runRecordSchema.parse({
    id: 'run-neat', status: 'completed', createdAt: 1, progress: 1,
    config: { trainer: 'neat', mode: 'optimized', seed: 1, budget: { generations: 10 }, dataset: 'default', options: {} },
    ...(extra ? { summary: { seconds: 60, episodes: 1000, episodesPerMin: 1000, extra } } : {}),
  });
}

function feedWith(name: string, values: number[]): RunFeed {
  const feed = new RunFeed();
  values.forEach((value, index) => feed.buffer(name).push(index, value));
  return feed;
}

describe('runFigures', () => {
  it("takes a NEAT run's throughput from its summary figures", () => {
    const figures = runFigures(neatRun({ generations: 10, generationsPerMin: 12.5 }), undefined, feedWith('generationsPerMin', [3, 4]));
    expect(figures).toMatchObject({ throughputLabel: 'Generations per minute', throughput: 12.5 });
  });

  it('falls back to the recorded series when the summary lacks the figure or carries another type', () => {
    const feed = feedWith('generationsPerMin', [3, 4]);
    expect(runFigures(neatRun(undefined), undefined, feed).throughput).toBe(4);
    expect(runFigures(neatRun({ generations: 10 }), undefined, feed).throughput).toBe(4);
    expect(runFigures(neatRun({ generationsPerMin: 'fast' }), undefined, feed).throughput).toBe(4);
  });

  it("takes other trainers' throughput from the summary's episodes per minute", () => {
    const run = { ...neatRun({}), config: { ...neatRun({}).config, trainer: 'baseline' as const } };
    expect(runFigures(run, undefined, undefined)).toMatchObject({ throughputLabel: 'Episodes per minute', throughput: 1000 });
  });
});
