// `traindeck experiment` as a user runs it: a real process, a spec file, the report, list, show,
// export and rm, and clear errors for bad specs.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-experiment-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function traindeck(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function specFile(name: string, spec: unknown): string {
  const file = join(dataDir, name);
  writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return file;
}

describe('traindeck experiment', () => {
  it('runs a spec and prints the documented JSON; list, show, export and rm work on it', () => {
    const file = specFile('spec.json', { name: 'two seeds', trainer: 'baseline', mode: 'optimized', seeds: [3, 4], budget: { seconds: 1 } });
    const run = traindeck('experiment', 'run', file, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ status: 'completed', executor: 'local', name: 'two seeds' });
    expect(report.trials.map((trial: { seed: number; mode: string; status: string; worker: string }) => [trial.seed, trial.mode, trial.status, trial.worker])).toEqual([[3, 'optimized', 'completed', 'local'], [4, 'optimized', 'completed', 'local']]);
    for (const trial of report.trials) expect(trial.summary.result.testSharpe).toEqual(expect.any(Number));
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ mode: 'optimized', params: {}, n: 2 });
    expect(Object.keys(report.groups[0].figures.testSharpe).sort()).toEqual(['ci95', 'iqm', 'mean', 'median', 'n', 'std']);
    expect(report.comparisons).toEqual([]);

    expect(JSON.parse(traindeck('experiment', 'list', '--json').stdout).map((record: { id: string }) => record.id)).toEqual([report.id]);
    expect(traindeck('experiment', 'show', report.id).stdout).toMatch(/Groups \(median \[95% interval of the mean\]/);
    const csv = join(dataDir, 'out.csv');
    expect(traindeck('experiment', 'export', report.id, '--format', 'csv', '--out', csv).code).toBe(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^trial,seed,mode,status,attempts,worker,runId,seconds,episodes,episodesPerMin,testSharpe,/);
    expect(rows).toHaveLength(3);
    expect(traindeck('experiment', 'rm', report.id).stdout).toMatch(/Deleted experiment .* and its 2 runs/);
    expect(JSON.parse(traindeck('runs', 'list', '--json').stdout)).toEqual([]);
  }, 120_000);

  it.each([
    ['a JSON mistake, by line and column', '{ "name": "x",\n  "seeds": [1,]\n}', 2, /spec\.json:2:15: not valid JSON: expected another value after ","/],
    ['a schema mistake, by key', { name: 'x', trainer: 'rl', seeds: [1, 1], budget: { generations: 3 } }, 1, /budget\.generations: the rl trainer does not count generations.*\n\s+seeds: seeds must not repeat/],
    ['a setting no trial may take, by point and key', { name: 'x', trainer: 'rl', seeds: [1], budget: { seconds: 5 }, space: { learningRate: [0.001, 7] } }, 1, /learningRate=7: options\.learningRate: 7 is not allowed; expected a number >= 0 and <= 1/],
    ['a dataset that does not exist', { name: 'x', trainer: 'baseline', seeds: [1], budget: { seconds: 5 }, dataset: 'nope' }, 1, /Dataset "nope" does not exist/],
  ])('refuses %s before anything runs', (_what, spec, code, message) => {
    const result = traindeck('experiment', 'run', specFile('spec.json', spec));
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(JSON.parse(traindeck('experiment', 'list', '--json').stdout)).toEqual([]);
  });
});
