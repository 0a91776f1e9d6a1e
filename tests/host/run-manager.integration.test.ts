// The RunManager with real child-process workers running the baseline trainer: start, metrics
// arrive, graceful stop, and a killed worker leaves its run failed with its metrics intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManager } from '../../src/host/run-manager.ts';
import { DatasetStore } from '../../src/host/datasets/store.ts';
import { generateRegimeMarket } from '../../src/core/market/generator.ts';
import type { MetricSample } from '../../src/shared/metrics.ts';
import { childProcessHost, type ChildProcessHost } from '../fixtures/child-process-host.ts';

let host: ChildProcessHost;
let dataDir: string;
let manager: RunManager;

beforeAll(() => {
  host = childProcessHost('integration', { stopTimeoutMs: 15_000 });
  ({ dataDir, manager } = host);
});

afterAll(() => host.close());

function collectMetrics(runId: string): MetricSample[] {
  const samples: MetricSample[] = [];
  manager.on('runMetrics', (batch) => {
    if (batch.runId === runId) samples.push(...batch.samples);
  });
  return samples;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('RunManager with child-process workers', () => {
  it('runs a baseline to completion within its episode budget, streaming metrics and an evaluation', async () => {
    const evaluations: string[] = [];
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 11, budget: { episodes: 300 } });
    manager.on('runEvaluation', ({ runId, report }) => runId === record.id && evaluations.push(report.split));
    const samples = collectMetrics(record.id);
    const finished = await manager.whenFinished(record.id);
    expect(finished.status).toBe('completed');
    expect(finished.summary?.episodes).toBe(300);
    expect(finished.summary?.finalEquity).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === 'episodesPerMin' && sample.value > 0)).toBe(true);
    expect(evaluations).toContain('test');
    const detail = manager.get(record.id);
    expect(detail.evaluations.find((report) => report.split === 'test')?.curves.map((curve) => curve.policy)).toEqual(expect.arrayContaining(['random', 'buy-and-hold']));
  });

  it('stops a run gracefully: the worker checkpoints and the run ends stopped', async () => {
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 12, budget: { seconds: 120 } });
    const samples = collectMetrics(record.id);
    await until(() => samples.some((sample) => sample.name === 'episodes' && sample.value > 0));
    const stopped = await manager.stop(record.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toBeUndefined();
    expect(stopped.summary?.episodes).toBeGreaterThan(0);
    expect(existsSync(join(dataDir, 'checkpoints', record.id, 'checkpoint.bin'))).toBe(true);
  });

  it('marks a killed worker failed with the reason, keeping everything recorded before', async () => {
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 13, budget: { seconds: 120 } });
    const samples = collectMetrics(record.id);
    await until(() => samples.filter((sample) => sample.name === 'episodesPerMin').length >= 2);
    const pid = manager.livePids().get(record.id);
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    const failed = await manager.whenFinished(record.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/SIGKILL/);
    expect(manager.get(record.id).metrics.episodesPerMin.value.length).toBeGreaterThanOrEqual(2);
  });

  it('trains on an imported dataset as well as on the embedded one', async () => {
    const { series } = generateRegimeMarket({ bars: 4_000, seed: 77 });
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let index = 0; index < series.length; index++) {
      lines.push(`${series.timestamps[index]},${series.open[index]},${series.high[index]},${series.low[index]},${series.close[index]},${series.volume[index]}`);
    }
    const imported = await new DatasetStore({ rootDir: join(dataDir, 'datasets') }).importCsvBytes(lines.join('\n'), 'imported-sample');
    expect(imported.ok).toBe(true);
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 15, budget: { episodes: 50 }, dataset: 'imported-sample' });
    const finished = await manager.whenFinished(record.id);
    expect(finished.status).toBe('completed');
    expect(manager.get(record.id).evaluations[0].bars).toBeLessThan(4_000);
  });

  it('runs the RL and NEAT trainers in worker processes too', async () => {
    const rl = manager.start({ trainer: 'rl', mode: 'optimized', seed: 16, budget: { episodes: 64 }, options: { backend: 'onnx', evaluationEvery: 0 } });
    const rlDone = await manager.whenFinished(rl.id);
    expect(rlDone.error).toBeUndefined();
    expect(rlDone).toMatchObject({ status: 'completed', backend: 'onnx' });
    expect(rlDone.summary?.episodes).toBeGreaterThanOrEqual(64);
    expect(manager.get(rl.id).evaluations.map((report) => report.split).sort()).toEqual(['test', 'validation']);

    const neat = manager.start({ trainer: 'neat', mode: 'optimized', seed: 17, budget: { generations: 2 }, options: { neat: { populationSize: 12 }, threads: 2 } });
    const neatDone = await manager.whenFinished(neat.id);
    expect(neatDone.error).toBeUndefined();
    expect(neatDone.status).toBe('completed');
    expect(manager.get(neat.id).metrics.generationsPerMin.value.length).toBeGreaterThan(0);
  });

  it('fails a run on a dataset that does not exist, with a message naming it', async () => {
    const record = manager.start({ trainer: 'baseline', mode: 'original', seed: 14, budget: { seconds: 5 }, dataset: 'no-such-dataset' });
    const failed = await manager.whenFinished(record.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/no-such-dataset/);
  });
});
