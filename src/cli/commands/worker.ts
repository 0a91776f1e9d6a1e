// `traindeck worker --redis URL`: takes experiment trials from a Redis queue and runs them on this
// machine, with its own data directory, run store and trainer processes; progress, metrics and each
// trial's result go back to the coordinator that queued them. Ctrl-C (or SIGTERM) stops the running
// trials and hands them back to the queue for other workers; a second Ctrl-C exits at once.
import { resolveDataDir } from '../../host/data-dir.ts';
import { defaultMaxConcurrentRuns } from '../../host/run-manager.ts';
import { integerOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';

export const workerUsage = `Usage: traindeck worker --redis URL [--concurrency N] [--name NAME] [--data-dir DIR]

Runs trials of experiments started with "traindeck experiment run SPEC --redis URL", on this
machine, until stopped. Start one on every machine that should train; each needs this TrainDeck
version. Datasets come from the coordinator by content: a local dataset is used only when its
checksum matches, otherwise the coordinator's copy is imported as NAME-CHECKSUM8.

Options:
  --redis URL        the queue: redis://HOST:PORT, redis://:PASSWORD@HOST:PORT, rediss://... (TLS;
                     a private CA via NODE_EXTRA_CA_CERTS=ca.pem). Never expose Redis to the internet
  --concurrency N    trials at once (default: ${defaultMaxConcurrentRuns()}, one per two cores)
  --name NAME        how trials record this worker (default: HOST-PID)
  --data-dir DIR     this worker's runs, checkpoints and datasets (default: $TRAINDECK_HOME or ~/.traindeck)

TRAINDECK_WORKER_LOCK_MS sets how long a trial's lock lives without renewal (default 30000): a worker
that dies mid-trial has its trial run again elsewhere after about that long.`;

export async function workerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    redis: { type: 'string' },
    concurrency: { type: 'string' },
    name: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`worker takes no operands, got "${positionals[0]}"`);
  if (!values.redis) throw new UsageError('worker needs --redis URL (the queue the coordinator enqueues trials on)');
  const concurrency = integerOption(values.concurrency, 'concurrency', 1, 256) ?? defaultMaxConcurrentRuns();
  const lockDurationMs = integerOption(process.env.TRAINDECK_WORKER_LOCK_MS, 'TRAINDECK_WORKER_LOCK_MS', 1_000, 3_600_000);
  if (values.name !== undefined && !/^[\w.@:-]{1,64}$/.test(values.name)) throw new UsageError(`--name takes 1-64 letters, digits and . _ - @ :, got "${values.name}"`);
  const { parseRedisUrl } = await import('../../host/experiments/queue/connection.ts');
  const { TrialWorker } = await import('../../host/experiments/queue/queue-worker.ts');
  let target;
  try {
    target = parseRedisUrl(values.redis);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const host = createHeadlessHost(dataDir, { maxConcurrentRuns: concurrency });
  const log = (line: string) => process.stderr.write(`[worker ${name}] ${line}\n`);
  let name = values.name ?? '';
  let worker;
  try {
    worker = await TrialWorker.start({ target, runManager: host.runManager, store: host.store, datasets: host.datasets, concurrency, ...(values.name ? { name: values.name } : {}), ...(lockDurationMs ? { lockDurationMs } : {}), log });
  } catch (error) {
    await host.close();
    throw error;
  }
  name = worker.name;
  log(`taking trials from ${target.address}, ${concurrency} at a time; data in ${dataDir}`);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      signals += 1;
      if (signals > 1) process.exit(130);
      log('stopping: running trials go back to the queue (Ctrl-C again to exit now)');
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await worker.close();
  await host.close();
  log('stopped');
  return 0;
}
