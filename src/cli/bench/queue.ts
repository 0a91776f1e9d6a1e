// `npm run bench -- queue`: what the Redis queue costs. Through a redis-server this suite starts
// (free loopback port, no persistence) and one `traindeck worker` process, with this process as the
// coordinator: dispatch overhead per trial (enqueue to the worker spawning the trial's trainer, and
// to that trainer training), measured one trial at a time on an idle, warm worker; and trials per
// minute for a batch of trivial trials (baseline, episodes budget 1) end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentSpecSchema, type ExperimentSpec } from '../../shared/experiment.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { spreadOf } from './learning.ts';
import { freePort } from './free-port.ts';

const dispatchRepeats = 7;
const batchTrials = 12;
const traindeckBin = fileURLToPath(new URL('../../../bin/traindeck.js', import.meta.url));

export async function runQueueBench(): Promise<Record<string, unknown>> {
  const directory = mkdtempSync(join(tmpdir(), 'traindeck-bench-queue-'));
  const port = await freePort();
  const redis = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  const url = `redis://127.0.0.1:${port}`;
  const worker = await startProcess(process.execPath, [traindeckBin, 'worker', '--redis', url, '--concurrency', '1', '--name', 'bench', '--data-dir', join(directory, 'worker')], /taking trials/);
  const host = createHeadlessHost(join(directory, 'coordinator'));
  const trivial = (name: string, seeds: number[]): ExperimentSpec => experimentSpecSchema.parse({ name, trainer: 'baseline', mode: 'optimized', seeds, budget: { episodes: 1 } });
  const runExperiment = async (spec: ExperimentSpec) => {
    const enqueuedAt = Date.now();
    const record = await host.service.startExperiment({ spec, redis: url });
    const finished = await host.experiments.whenDone(record.id);
    if (finished.status !== 'completed') throw new Error(`bench experiment ${record.id} ended ${finished.status}`);
    return { enqueuedAt, finishedAt: Date.now(), trials: host.store.experiments.trials(record.id) };
  };
  try {
    await runExperiment(trivial('warm-up', [1])); // the worker's feature cache and module loading
    const toSpawn: number[] = [];
    const toTraining: number[] = [];
    for (let repeat = 0; repeat < dispatchRepeats; repeat++) {
      const { enqueuedAt, trials } = await runExperiment(trivial(`dispatch ${repeat}`, [repeat + 1]));
      const trial = trials[0];
      // The trial's startedAt is when the coordinator heard that the worker spawned its trainer.
      toSpawn.push(trial.startedAt! - enqueuedAt);
      toTraining.push(host.store.getRun(trial.runId!)!.startedAt! - enqueuedAt);
    }
    const batch = await runExperiment(trivial('batch', Array.from({ length: batchTrials }, (_, index) => index + 1)));
    const minutes = (batch.finishedAt - batch.enqueuedAt) / 60_000;
    return {
      worker: { processes: 1, concurrency: 1 },
      dispatchRepeats,
      dispatchToTrainerSpawnMedianMs: spreadOf(toSpawn)!.median,
      dispatchToTrainerSpawnMs: toSpawn,
      dispatchToTrainerTrainingMedianMs: spreadOf(toTraining)!.median,
      dispatchToTrainerTrainingMs: toTraining,
      batchTrials,
      batchSeconds: minutes * 60,
      trivialTrialsPerMin: batchTrials / minutes,
      note: 'trivial trials: baseline, episodes budget 1; a trial costs mostly its trainer process start',
    };
  } finally {
    await host.close();
    await worker.stop();
    await redis.stop();
    rmSync(directory, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** A helper process that owns its exit: started until `ready` appears in its output, stopped with SIGTERM then SIGKILL. */
async function startProcess(command: string, args: string[], ready: RegExp): Promise<{ stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
