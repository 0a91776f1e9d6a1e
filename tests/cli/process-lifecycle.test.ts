// The trainer processes' lifecycle as a terminal user meets it: Ctrl-C sent to the whole process
// group (as a terminal does) stops the run gracefully with a checkpoint it can resume from, and a
// host killed outright does not leave its worker training on: the worker checkpoints and exits.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/host/store/run-store.ts';
import type { RunRecord } from '../../src/shared/run.ts';
import { until } from '../until.ts';

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `traindeck ARGS` as the leader of its own process group, as a terminal starts a job. */
function startCli(...args: string[]): Cli {
  const child = spawn(process.execPath, ['bin/traindeck.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function runsIn(dataDir: string): RunRecord[] {
  const store = RunStore.open(dataDir);
  try {
    return store.listRuns();
  } finally {
    store.close();
  }
}

/** A run that is training: past loading its data, with episodes done (progress is reported with them). */
const running = (dataDir: string, minimumProgress = 0) => () => runsIn(dataDir).find((run) => run.status === 'running' && run.progress > minimumProgress);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(process.platform === 'win32')('trainer processes and signals', () => {
  it('Ctrl-C to the process group checkpoints, prints the resume command, and the run resumes where it stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-sigint-'));
    dataDirs.push(dataDir);
    const first = startCli('train', 'baseline', '--seconds', '300', '--data-dir', dataDir);
    const run = await until('the run to start training', running(dataDir));
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toContain(`Run id ${run.id} (resume with: traindeck train baseline --resume ${run.id})`);
    const stopped = runsIn(dataDir).find((record) => record.id === run.id)!;
    expect(stopped.status).toBe('stopped');
    expect(stopped.summary?.episodes).toBeGreaterThan(0);
    expect(existsSync(join(dataDir, 'checkpoints', run.id, 'checkpoint.bin'))).toBe(true);

    const second = startCli('train', 'baseline', '--resume', run.id, '--data-dir', dataDir);
    await until('the resumed run to train on', running(dataDir, stopped.progress));
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited, second.output()).toBe(0);
    const resumed = runsIn(dataDir).find((record) => record.id === run.id)!;
    expect(resumed.status).toBe('stopped');
    // Counters continue from the checkpoint rather than starting again.
    expect(resumed.summary!.episodes).toBeGreaterThan(stopped.summary!.episodes);
    expect(resumed.summary!.seconds).toBeGreaterThan(stopped.summary!.seconds);
  }, 90_000);

  it.skipIf(process.platform !== 'linux')('a killed host leaves no worker behind: it checkpoints and exits within seconds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-orphan-'));
    dataDirs.push(dataDir);
    const host = startCli('train', 'baseline', '--seconds', '300', '--data-dir', dataDir);
    const run = await until('the run to start', running(dataDir));
    const workerPid = await until('the worker process', () => {
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(host.child.pid)], { encoding: 'utf8' }).trim();
      return children ? Number(children.split('\n')[0]) : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const checkpoint = join(dataDir, 'checkpoints', run.id, 'checkpoint.bin');
    const killedAt = Date.now();
    process.kill(host.child.pid!, 'SIGKILL');
    await host.exited;
    await until('the orphaned worker to exit', () => (isAlive(workerPid) ? undefined : true), 15_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(statSync(checkpoint).mtimeMs).toBeGreaterThanOrEqual(killedAt - 50);
  }, 60_000);
});
