// The TrainDeck service: the host's implementation of the IPC contract, shared by Electron main and
// the serve-mode server. It knows nothing of transports; they feed it validated requests.
import { arch, cpus, platform, totalmem } from 'node:os';
import type { EventName, EventPayload, SystemInfo, TrainDeckService } from '../shared/ipc/contract.ts';
import { ApiError } from '../shared/ipc/envelope.ts';
import type { TrainerName } from '../shared/run.ts';
import type { RunManager } from './run-manager.ts';
import { exportRunAsCsv, exportRunAsJson } from './run-export.ts';
import { createDatasetMethods } from './dataset-service.ts';
import { readChampion } from './champion.ts';
import { ablationConfigs } from './ablation.ts';
import { readAutoBackendChoice } from './compute-choice.ts';
import { DatasetError, type DatasetStore } from './datasets/store.ts';
import type { SystemMonitor } from './monitor/system-monitor.ts';
import { ExperimentManager, type TrialExecutor } from './experiments/experiment-manager.ts';
import type { RunStore } from './store/run-store.ts';
import { exportExperimentAsCsv } from './experiments/export.ts';

export interface ServiceOptions {
  /** Root of everything runs write (for the per-machine compute benchmark). */
  dataDir: string;
  runManager: RunManager;
  datasets: DatasetStore;
  host: SystemInfo['host'];
  appVersion: string;
  /** Trainers this build can run. */
  trainers: readonly TrainerName[];
  experiments: ExperimentManager;
  /** The executor for trials queued on a Redis (BullMQ); absent where distributed runs are not offered. */
  distributedExecutor?: (redisUrl: string) => Promise<TrialExecutor>;
}

export type EventSink = <K extends EventName>(event: K, payload: EventPayload<K>) => void;

export function createTrainDeckService(options: ServiceOptions): TrainDeckService {
  const { runManager, experiments } = options;
  return {
    ...createDatasetMethods(options.datasets),
    async startRun(config) {
      await checkStartable(options, config);
      return runManager.start(config);
    },
    async startComparison(config) {
      await checkStartable(options, config);
      return runManager.startComparison(config);
    },
    async startAblation(config) {
      await checkStartable(options, config);
      const { group, configs } = ablationConfigs(config);
      return { compareGroup: group, runs: runManager.startSequence(configs) };
    },
    stopRun: ({ runId }) => runManager.stop(runId),
    resumeRun: async ({ runId, budget }) => runManager.resume(runId, budget),
    listRuns: async (filter) => runManager.list(filter),
    getRun: async ({ runId }) => runManager.get(runId),
    exportRun: async ({ runId, format }) => {
      const detail = runManager.get(runId, 100_000);
      const base = `traindeck-${detail.record.config.trainer}-${detail.record.config.mode}-${runId}`;
      return format === 'csv'
        ? { fileName: `${base}.csv`, mimeType: 'text/csv', content: exportRunAsCsv(detail) }
        : { fileName: `${base}.json`, mimeType: 'application/json', content: exportRunAsJson(detail) };
    },
    getChampion: async ({ runId }) => readChampion(runManager, runId),
    deleteRun: async ({ runId }) => {
      runManager.delete(runId);
      return { deleted: true as const };
    },
    startExperiment: async ({ spec, redis }) => {
      if (redis === undefined) return experiments.start(spec);
      if (!options.distributedExecutor) throw new ApiError('bad-request', 'This host cannot run experiments on a queue');
      const connect = options.distributedExecutor;
      return experiments.start(spec, () => connect(redis));
    },
    listExperiments: async () => experiments.list(),
    getExperiment: async ({ experimentId }) => experiments.report(experimentId),
    stopExperiment: ({ experimentId }) => experiments.stop(experimentId),
    resumeExperiment: async ({ experimentId }) => {
      const record = experiments.record(experimentId);
      if (record.executor === 'local') return experiments.resume(experimentId);
      if (!options.distributedExecutor) throw new ApiError('bad-request', 'This host cannot run experiments on a queue');
      return experiments.resume(experimentId, await options.distributedExecutor(record.executor));
    },
    deleteExperiment: async ({ experimentId }) => {
      experiments.delete(experimentId);
      return { deleted: true as const };
    },
    exportExperiment: async ({ experimentId, format }) => {
      const report = experiments.report(experimentId);
      const base = `traindeck-${report.id}`;
      return format === 'csv'
        ? { fileName: `${base}.csv`, mimeType: 'text/csv', content: exportExperimentAsCsv(report) }
        : { fileName: `${base}.json`, mimeType: 'application/json', content: JSON.stringify(report, null, 2) };
    },
    getSystemInfo: async () => ({
      appVersion: options.appVersion,
      platform: platform(),
      arch: arch(),
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cpuCores: cpus().length,
      totalMemoryBytes: totalmem(),
      host: options.host,
      maxConcurrentRuns: runManager.maxConcurrentRuns,
      trainers: [...options.trainers],
      compute: await readAutoBackendChoice(options.dataDir),
    }),
  };
}

/** The experiment manager of a host, with the same start check as single runs. */
export function createExperimentManager(options: { store: RunStore; runManager: RunManager; datasets: DatasetStore; trainers: readonly TrainerName[] }): ExperimentManager {
  return new ExperimentManager({ store: options.store, runManager: options.runManager, checkStartable: (config) => checkStartable(options, config) });
}

/**
 * Fails fast, before any worker starts, when a run names a trainer this build lacks or a dataset
 * that does not exist. Every way of starting runs goes through here.
 */
async function checkStartable(options: Pick<ServiceOptions, 'trainers' | 'datasets'>, config: { trainer: TrainerName; dataset: string }): Promise<void> {
  if (!options.trainers.includes(config.trainer)) {
    throw new ApiError('bad-request', `Trainer "${config.trainer}" is not available in this build (available: ${options.trainers.join(', ')})`);
  }
  try {
    await options.datasets.info(config.dataset);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    if (error.code !== 'not-found' && error.code !== 'invalid-name') throw new ApiError('internal', `Dataset "${config.dataset}" cannot be used: ${error.message}`);
    const known = (await options.datasets.list()).map((dataset) => dataset.name);
    throw new ApiError('bad-request', `Dataset "${config.dataset}" does not exist (datasets: ${known.join(', ')})`);
  }
}

/** Forwards every host event to a transport's sink (a window, or all WebSocket clients). */
export function forwardEvents(runManager: RunManager, monitor: SystemMonitor | undefined, sink: EventSink, experiments?: ExperimentManager): () => void {
  const unsubscribers = [
    ...(experiments ? [experiments.on('experimentUpdated', (record) => sink('experimentUpdated', record))] : []),
    runManager.on('runUpdated', (record) => sink('runUpdated', record)),
    runManager.on('runMetrics', (payload) => sink('runMetrics', payload)),
    runManager.on('runEvaluation', (payload) => sink('runEvaluation', payload)),
  ];
  if (monitor) unsubscribers.push(monitor.onSample((sample) => sink('systemSample', sample)));
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/** Keeps the system monitor sampling exactly the live trainer processes, and records its samples into their runs. */
export function watchTrainerProcesses(runManager: RunManager, monitor: SystemMonitor): () => void {
  const unsubscribers = [
    runManager.on('runUpdated', () => monitor.setTrainerPids(runManager.livePids())),
    monitor.onSample((sample) => runManager.recordSystemSample(sample)),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
