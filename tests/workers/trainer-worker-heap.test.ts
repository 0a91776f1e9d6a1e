// The trainer worker holds its V8 young generations at 8 MB (TRAINDECK_SEMI_SPACE_MB; 0: V8's
// defaults). That changes only when garbage is collected: NEAT (with an evaluation thread) and RL
// (with its learning thread) runs give the same numbers either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neatStdWorkloadOptions } from '../../src/core/neat/trading/options.ts';
import { rlStdWorkloadOptions } from '../../src/core/rl/config.ts';
import type { RunConfigInput, RunRecord } from '../../src/shared/run.ts';
import { childProcessHost, type ChildProcessHost } from '../fixtures/child-process-host.ts';

let host: ChildProcessHost;

beforeAll(() => {
  host = childProcessHost('worker-heap', { maxConcurrentRuns: 1 });
});

afterAll(() => host.close());

/** Runs `config` in a worker started with TRAINDECK_SEMI_SPACE_MB set to `semiSpaceMb` (undefined: the worker's default). */
async function runWith(semiSpaceMb: string | undefined, config: RunConfigInput): Promise<RunRecord> {
  const previous = process.env.TRAINDECK_SEMI_SPACE_MB;
  if (semiSpaceMb === undefined) delete process.env.TRAINDECK_SEMI_SPACE_MB;
  else process.env.TRAINDECK_SEMI_SPACE_MB = semiSpaceMb;
  try {
    const record = host.manager.start(config); // forks now, with the environment as it is
    return await host.manager.whenFinished(record.id);
  } finally {
    if (previous === undefined) delete process.env.TRAINDECK_SEMI_SPACE_MB;
    else process.env.TRAINDECK_SEMI_SPACE_MB = previous;
  }
}

/** What a run computed: everything in its summary but times and rates. */
function figures(record: RunRecord) {
  expect(record.status, record.error).toBe('completed');
  const { episodes, finalEquity, result, extra } = record.summary!;
  const untimed = Object.entries(extra).filter(([key]) => !/(PerSec|PerMin|seconds|Seconds|Ms)$/.test(key));
  return { episodes, finalEquity, result, extra: Object.fromEntries(untimed) };
}

describe('trainer worker heap settings', () => {
  it('leave a NEAT-std run on two threads unchanged', async () => {
    const config: RunConfigInput = { trainer: 'neat', mode: 'optimized', seed: 5, budget: { generations: 3 }, options: { ...structuredClone(neatStdWorkloadOptions), threads: 2 } };
    const held = await runWith(undefined, config);
    const defaults = await runWith('0', config);
    expect(figures(held)).toEqual(figures(defaults));
  }, 120_000);

  it('leave an RL-std run with its learning thread unchanged', async () => {
    const config: RunConfigInput = { trainer: 'rl', mode: 'optimized', seed: 5, budget: { episodes: 256 }, options: { ...rlStdWorkloadOptions, backend: 'onnx' } };
    const held = await runWith(undefined, config);
    const defaults = await runWith('0', config);
    expect(figures(held)).toEqual(figures(defaults));
  }, 120_000);
});
