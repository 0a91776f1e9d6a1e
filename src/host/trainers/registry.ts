// Trainers by name, loaded lazily so a worker only pays for the trainer it runs. Each entry
// loads what its trainer needs from disk (datasets, features) and runs the core algorithm. The
// trainer worker (src/workers/trainer-worker.ts) calls them; the wiring is no entry point, so it
// lives in the host layer beside the thread pools it starts (src/host/threads/).
import type { TrainerOutcome, TrainerRunContext } from '../../core/trainer.ts';
import type { TrainerName } from '../../shared/run.ts';

/** A worker-side trainer: the core context without resources, plus where data lives. */
export type WorkerTrainer = (context: WorkerTrainerContext) => Promise<TrainerOutcome>;

export type WorkerTrainerContext = Omit<TrainerRunContext, 'resources'> & {
  /** Root of everything runs write (datasets, caches). */
  dataDir: string;
  /** The embedded dataset file, when it is not beside the sources (packaged app). */
  defaultDatasetFile?: string;
};

/** Every trainer the shared contract names (`trainerNames`) has a loader here; the compiler checks it. */
const trainers: Record<TrainerName, () => Promise<WorkerTrainer>> = {
  baseline: async () => (await import('./baseline.ts')).runBaseline,
  neat: async () => (await import('./neat.ts')).runNeat,
  rl: async () => (await import('./rl.ts')).runRl,
};

export function loadTrainer(name: TrainerName): Promise<WorkerTrainer> {
  return trainers[name]();
}
