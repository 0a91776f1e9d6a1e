// The run loop on a fake clock: budget arithmetic (seconds counted over all sessions, episodes,
// generations), stop requests, runs that end by themselves, the cadences, yielding and the summary.
import { describe, expect, it } from 'vitest';
import { RunLoop, type RunLoopOptions, type RunLoopSteps } from '../../src/core/run-loop.ts';

/** A trainer whose every step takes `stepMs` on a fake clock and completes `episodes` episodes and one generation. */
function fakeRun(options: Partial<RunLoopOptions> & Pick<RunLoopOptions, 'budget'>, run: { stepMs?: number; episodes?: number; startEpisodes?: number; startGenerations?: number } = {}) {
  const clock = { t: 1_000 };
  const counts = { episodes: run.startEpisodes ?? 0, generations: run.startGenerations ?? 0 };
  const log: string[] = [];
  const progress: Array<[number, string | undefined]> = [];
  const loop = new RunLoop({ priorMs: 0, counts, now: () => clock.t, progress: (fraction, message) => progress.push([fraction, message]), ...options });
  const steps: RunLoopSteps = {
    step: (episodesLeft) => {
      clock.t += run.stepMs ?? 100;
      counts.episodes += Math.min(run.episodes ?? 2, episodesLeft);
      counts.generations += 1;
      log.push(`step ${counts.generations}`);
    },
    metrics: () => void log.push(`metrics ${counts.generations}`),
    progressMessage: () => `generation ${counts.generations}`,
    evaluate: () => void log.push(`evaluate ${counts.generations}`),
    finish: () => {
      log.push('finish');
      return false;
    },
    checkpoint: (elapsedMs) => void log.push(`checkpoint ${elapsedMs}`),
  };
  return { loop, steps, counts, clock, log, progress };
}

const stepsTaken = (log: string[]) => log.filter((entry) => entry.startsWith('step')).length;

describe('RunLoop budget', () => {
  it('counts a seconds budget over all sessions: a resumed run trains only the time left', async () => {
    const fresh = fakeRun({ budget: { seconds: 1 } });
    await fresh.loop.run(fresh.steps);
    expect(stepsTaken(fresh.log)).toBe(10);
    const resumed = fakeRun({ budget: { seconds: 1 }, priorMs: 700 });
    const outcome = await resumed.loop.run(resumed.steps);
    expect(outcome).toEqual({ stopped: false, solved: false });
    expect(stepsTaken(resumed.log)).toBe(3);
    expect(resumed.loop.elapsedMs()).toBe(1_000);
    expect(resumed.loop.sessionMs()).toBe(300);
    // the checkpoint records the total, so the next resume counts it again
    expect(resumed.log).toContain('checkpoint 1000');
  });

  it('ends at once when a resumed run has already spent its budget, and still checkpoints and finishes', async () => {
    const { loop, steps, log } = fakeRun({ budget: { seconds: 1 }, priorMs: 1_000 });
    await loop.run(steps);
    expect(log).toEqual(['checkpoint 1000', 'finish']);
  });

  it('counts episodes from the resumed total and tells the step how many the budget still allows', async () => {
    const left: number[] = [];
    const { loop, steps, counts } = fakeRun({ budget: { episodes: 20 } }, { episodes: 4, startEpisodes: 10 });
    const step = steps.step;
    await loop.run({ ...steps, step: (episodesLeft) => (left.push(episodesLeft), step(episodesLeft)) });
    expect(left).toEqual([10, 6, 2]);
    expect(counts.episodes).toBe(20);
    expect(loop.sessionEpisodes()).toBe(10);
  });

  it('counts generations, and ends at whichever budget comes first', async () => {
    const generations = fakeRun({ budget: { generations: 7, seconds: 100 } }, { startGenerations: 4 });
    await generations.loop.run(generations.steps);
    expect(generations.counts.generations).toBe(7);
    const seconds = fakeRun({ budget: { generations: 100, seconds: 0.5 } });
    await seconds.loop.run(seconds.steps);
    expect(seconds.counts.generations).toBe(5);
  });

  it('reports the fraction spent at the metric cadence and 1 when the budget is spent', async () => {
    const { loop, steps, progress } = fakeRun({ budget: { seconds: 1 }, priorMs: 500, metricsEvery: { everyMs: 0 } });
    await loop.run(steps);
    expect(progress.map(([fraction]) => fraction)).toEqual([0.6, 0.7, 0.8, 0.9, 1, 1]);
    expect(progress[0][1]).toBe('generation 1');
    expect(progress.at(-1)).toEqual([1, 'completed']);
  });

  it('refuses a loop without a budget', () => {
    expect(() => new RunLoop({ budget: {}, priorMs: 0, counts: { episodes: 0 }, now: () => 0 })).toThrow(/budget/);
  });
});

describe('RunLoop stop and end', () => {
  it('stops when asked, before the next step, then checkpoints and finishes', async () => {
    let asked = 0;
    const { loop, steps, log, progress } = fakeRun({ budget: { seconds: 10 }, stopRequested: () => ++asked > 2 });
    const outcome = await loop.run(steps);
    expect(outcome).toEqual({ stopped: true, solved: false });
    expect(log).toEqual(['step 1', 'step 2', 'metrics 2', 'checkpoint 200', 'finish']);
    expect(progress.at(-1)).toEqual([0.02, 'stopped']);
  });

  it('ends when a step says the run has ended by itself', async () => {
    const { loop, steps, counts } = fakeRun({ budget: { generations: 100 } });
    const step = steps.step;
    const outcome = await loop.run({ ...steps, step: async (left) => (await step(left), counts.generations === 3) });
    expect(outcome).toEqual({ stopped: false, solved: true });
    expect(counts.generations).toBe(3);
  });

  it('saves again when the final evaluation changed what the checkpoint holds', async () => {
    const { loop, steps, log } = fakeRun({ budget: { generations: 1 } });
    await loop.run({ ...steps, finish: () => (log.push('finish'), true) });
    expect(log.slice(-3)).toEqual(['checkpoint 100', 'finish', 'checkpoint 100']);
  });
});

describe('RunLoop cadence', () => {
  it('runs metrics every so many ms, evaluation and checkpoints when a counter crosses a multiple', async () => {
    const { loop, steps, log, counts } = fakeRun({
      budget: { generations: 7 },
      metricsEvery: { everyMs: 250 },
      evaluationEvery: { every: 3, count: () => counts.generations },
      checkpointEvery: { every: 5, count: () => counts.generations },
    });
    await loop.run(steps);
    expect(log.filter((entry) => !entry.startsWith('step'))).toEqual([
      'metrics 3', 'evaluate 3', 'checkpoint 500', 'metrics 6', 'evaluate 6', 'metrics 7', 'checkpoint 700', 'finish',
    ]);
  });

  it('runs a count cadence once for a step that crosses several multiples', async () => {
    const { loop, steps, log, counts } = fakeRun({ budget: { episodes: 12 }, evaluationEvery: { every: 2, count: () => counts.episodes } }, { episodes: 5 });
    await loop.run(steps);
    expect(log.filter((entry) => entry.startsWith('evaluate'))).toEqual(['evaluate 1', 'evaluate 2', 'evaluate 3']); // 0→5, 5→10, 10→12
  });

  it('runs an atStart cadence after the first step, and never one of every 0', async () => {
    const { loop, steps, log, counts } = fakeRun({
      budget: { generations: 3 },
      evaluationEvery: { everyMs: 1_000, atStart: true },
      checkpointEvery: { every: 0, count: () => counts.generations },
    });
    await loop.run(steps);
    expect(log.filter((entry) => !entry.startsWith('step'))).toEqual(['evaluate 1', 'metrics 3', 'checkpoint 300', 'finish']);
  });

  it('yields to the host after every step, or at most every yieldEveryMs', async () => {
    let yields = 0;
    const every = fakeRun({ budget: { generations: 6 }, yieldToHost: async () => void yields++ });
    await every.loop.run(every.steps);
    expect(yields).toBe(6);
    yields = 0;
    const spaced = fakeRun({ budget: { generations: 6 }, yieldToHost: async () => void yields++, yieldEveryMs: 250 });
    await spaced.loop.run(spaced.steps);
    expect(yields).toBe(2); // at 300 and 600 ms
  });
});

describe('RunLoop figures', () => {
  it('measures episodes/min and generations/min over the live window, and the summary over all sessions', async () => {
    const { loop, steps } = fakeRun({ budget: { generations: 10 }, priorMs: 4_000 }, { episodes: 3, startEpisodes: 100, startGenerations: 0 });
    await loop.run(steps);
    // 30 episodes and 10 generations in this session's 1 s
    expect(loop.episodes.perMinute()).toBeCloseTo(1_800);
    expect(loop.generations.perMinute()).toBeCloseTo(600);
    const summary = loop.summary({ finalEquity: 10_100, extra: { flags: 'none', missing: undefined } });
    expect(summary).toEqual({ seconds: 5, episodes: 130, episodesPerMin: 130 * 12, generations: 10, finalEquity: 10_100, extra: { flags: 'none' } });
  });

  it('meters another counter, per second', async () => {
    const { loop, steps, counts } = fakeRun({ budget: { generations: 5 } });
    const steps2 = loop.meter(() => counts.generations * 40);
    await loop.run(steps);
    expect(steps2.perSecond()).toBeCloseTo(400);
  });

  it('leaves generations out of the summary of a trainer that does not count them', async () => {
    const loop = new RunLoop({ budget: { episodes: 1 }, priorMs: 0, counts: { episodes: 0 }, now: () => 0 });
    expect(loop.summary({ extra: {} })).toEqual({ seconds: 0, episodes: 0, episodesPerMin: 0, extra: {} });
  });
});
