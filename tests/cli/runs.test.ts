// `traindeck runs` as a user runs it: a real process on a temporary data directory holding one real
// training run and a few stored records (live, stopped with a checkpoint, failed), with real output
// and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-runs-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function traindeck(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let trained = '';
const rlConfig = { trainer: 'rl' as const, mode: 'optimized' as const, seed: 5, budget: { seconds: 60 } };

beforeAll(() => {
  const run = traindeck('train', 'baseline', '--episodes', '150', '--seed', '4', '--json');
  expect(run.code).toBe(0);
  trained = JSON.parse(run.stdout).runId;
  const store = RunStore.open(dataDir);
  try {
    store.createRun({ id: 'run-live', config: rlConfig, status: 'running', createdAt: Date.now() + 1000, progress: 0.25 });
    store.createRun({ id: 'run-stopped', config: rlConfig, status: 'stopped', createdAt: Date.now() + 2000, progress: 0.5 });
    writeFileSync(join(store.checkpointDirectory('run-stopped'), 'checkpoint.bin'), Uint8Array.of(1, 2, 3));
    store.createRun({ id: 'run-failed', config: { ...rlConfig, mode: 'original' }, status: 'failed', createdAt: Date.now() + 3000, error: 'Worker exited with code 1' });
  } finally {
    store.close();
  }
}, 90_000);

describe('traindeck runs list', () => {
  it('shows every run newest first in a table with its budget and headline figures', () => {
    const { code, stdout } = traindeck('runs', 'list');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TRAINER\s+MODE\s+STATUS\s+CREATED\s+BUDGET\s+PROGRESS\s+RAN\s+EPISODES\s+EPISODES\/MIN\s+TEST EQUITY$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['run-failed', 'run-stopped', 'run-live', trained]);
    expect(lines[3]).toMatch(/^run-live\s+rl\s+optimized\s+running\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+60 s\s+25%/);
    expect(lines[4]).toMatch(new RegExp(`^${trained}\\s+baseline\\s+original\\s+completed\\s.*150 episodes\\s+100%\\s+[\\d.]+ s\\s+150\\s+[\\d,]+\\s+[\\d.]+$`));
  });

  it('filters by status and trainer, limits, and prints records with --json', () => {
    const ids = (...args: string[]) => JSON.parse(traindeck('runs', 'list', '--json', ...args).stdout).map((run: { id: string }) => run.id);
    expect(ids('--status', 'stopped,failed')).toEqual(['run-failed', 'run-stopped']);
    expect(ids('--trainer', 'baseline')).toEqual([trained]);
    expect(ids('--trainer', 'rl', '--mode', 'original')).toEqual(['run-failed']);
    expect(ids('--limit', '1')).toEqual(['run-failed']);
    const [record] = JSON.parse(traindeck('runs', 'list', '--json', '--trainer', 'baseline').stdout);
    expect(record).toMatchObject({ id: trained, status: 'completed', config: { trainer: 'baseline', seed: 4 }, summary: { episodes: 150 } });
    expect(traindeck('runs', 'list', '--status', 'completed', '--trainer', 'neat').stdout).toBe('No runs match.\n');
  });
});

describe('traindeck runs show', () => {
  it('prints the config, status, summary, checkpoint and the command that resumes it', () => {
    const { code, stdout } = traindeck('runs', 'show', 'run-stopped');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trainer\s+rl \(optimized\), seed 5, dataset default$/m);
    expect(stdout).toMatch(/^status\s+stopped, 50%$/m);
    expect(stdout).toContain(`checkpoint  ${join(dataDir, 'checkpoints', 'run-stopped', 'checkpoint.bin')}`);
    expect(stdout).toContain(`resume      traindeck train rl --resume run-stopped --data-dir ${dataDir}`);
  });

  it('prints a failed run\'s error, a finished run\'s summary, and finds a run by the start of its id', () => {
    expect(traindeck('runs', 'show', 'run-fa').stdout).toMatch(/^error\s+Worker exited with code 1$/m);
    const shown = JSON.parse(traindeck('runs', 'show', trained, '--json').stdout);
    expect(shown).toMatchObject({ id: trained, status: 'completed', summary: { episodes: 150 }, resumeCommand: null });
    expect(shown.checkpoint).toBe(join(dataDir, 'checkpoints', trained, 'checkpoint.bin'));
    const text = traindeck('runs', 'show', trained).stdout;
    expect(text).toMatch(/^summary\s+[\d.]+ s, 150 episodes, [\d,]+ episodes\/min, test equity [\d.]+$/m);
    expect(text).toMatch(/^\s+buyAndHoldFinalEquity: [\d.]+$/m);
  });
});

describe('traindeck runs export', () => {
  it('writes the metric series as CSV to stdout, as the History view exports them', () => {
    const { code, stdout } = traindeck('runs', 'export', trained);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('run_id,trainer,mode,seed,metric,elapsed_ms,step,value');
    const episodes = lines.filter((line) => line.split(',')[4] === 'episodes');
    expect(episodes.length).toBeGreaterThan(0);
    expect(episodes.at(-1)).toMatch(new RegExp(`^${trained},baseline,original,4,episodes,[\\d.]+,150,150$`));
  });

  it('writes the whole run as JSON to --out', () => {
    const file = join(dataDir, 'run.json');
    const { code, stdout } = traindeck('runs', 'export', trained, '--format', 'json', '--out', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Exported run ${trained} as JSON to .*run\\.json \\([\\d,]+ bytes\\)`));
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'traindeck-run', version: 1, record: { id: trained } });
    expect(exported.metrics.episodes.value.at(-1)).toBe(150);
    expect(exported.evaluations.map((report: { split: string }) => report.split)).toContain('test');
  });
});

describe('traindeck runs rm', () => {
  it('refuses a live run and says so', () => {
    const { code, stderr } = traindeck('runs', 'rm', 'run-live');
    expect(code).toBe(1);
    expect(stderr).toMatch(/Run run-live is running; stop it before deleting it/);
    expect(traindeck('runs', 'show', 'run-live').code).toBe(0);
  });

  it('deletes a finished run with its checkpoints', () => {
    const checkpoints = join(dataDir, 'checkpoints', 'run-stopped');
    expect(existsSync(checkpoints)).toBe(true);
    const { code, stdout } = traindeck('runs', 'rm', 'run-stopped');
    expect(code).toBe(0);
    expect(stdout).toBe('Removed run run-stopped\n');
    expect(existsSync(checkpoints)).toBe(false);
    const missing = traindeck('runs', 'show', 'run-stopped');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No run "run-stopped" in .*runs\.sqlite/);
  });
});

describe('traindeck runs mistakes', () => {
  it.each([
    [['runs'], /runs needs an action: list, show, export or rm/],
    [['runs', 'purge'], /unknown runs action "purge"/],
    [['runs', 'show'], /runs show takes one RUN, got none/],
    [['runs', 'list', 'extra'], /runs list takes no operands, got extra/],
    [['runs', 'list', '--status', 'sleeping'], /--status must be one of queued, starting/],
    [['runs', 'export', 'run-live', '--format', 'xml'], /--format must be one of csv, json/],
    [['runs', 'show', 'run-live', '--format', 'csv'], /runs show does not take --format/],
    [['runs', 'show', 'run-'], /"run-" matches \d runs/],
  ])('rejects %j with a clear message and exit code 2', (args, message) => {
    const { code, stderr } = traindeck(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('names a run that does not exist, with exit code 1', () => {
    const { code, stderr } = traindeck('runs', 'export', 'ghost');
    expect(code).toBe(1);
    expect(stderr).toMatch(/traindeck runs export: No run "ghost"/);
  });
});
