// The RL trainer's settings as it reads them: RunConfig.options resolved against the one declaration
// (src/shared/settings/rl.ts: every setting with its doc, range and default) for the run's mode,
// and the quantities that follow from the optimization flags.
import type { TrainingMode } from '../../shared/run.ts';
import { defaultsOf } from '../../shared/settings/declare.ts';
import { resolveSettings } from '../../shared/settings/resolve.ts';
import { rlSettings, type RlOptions, type RlSettings } from '../../shared/settings/rl.ts';

/** Every setting's default in a mode: `original` turns every optimization flag off, `optimized` all on. */
export function defaultRlSettings(mode: TrainingMode): RlSettings {
  return defaultsOf(rlSettings, mode);
}

/** Validated settings from RunConfig.options; throws a SettingsError naming every bad key and its range. */
export function resolveRlSettings(mode: TrainingMode, options: unknown): RlSettings {
  return resolveSettings(rlSettings, options, defaultRlSettings(mode), { what: 'RL options' });
}

/**
 * The RL-std benchmark workload, pinned: REINFORCE with the b(t, p) baseline only (82,595 parameters,
 * no value head), episodes of 150 steps, 32 envs and 4 rollouts per optimizer step when vectorized,
 * whatever the defaults become. Benchmarks start from these.
 */
export const rlStdWorkloadOptions = { algorithm: 'reinforce', baseline: 'state', horizon: 150, envs: 32, accumulation: 4 } as const satisfies RlOptions;

/** Envs actually stepped together. */
export function effectiveEnvs(config: RlSettings): number {
  return config.flags.vectorizedEnvs ? config.envs : 1;
}

/**
 * Whether learning overlaps the next rollout: REINFORCE accumulating over several rollouts keeps the
 * weights fixed within the window, so rollout k + 1 can act while rollout k learns (docs/rl.md).
 */
export function overlapsLearning(config: RlSettings): boolean {
  return config.flags.overlappedLearning && effectiveAccumulation(config) > 1;
}

/** Rollouts accumulated per optimizer step. */
export function effectiveAccumulation(config: RlSettings): number {
  return config.flags.gradientAccumulation && config.algorithm === 'reinforce' ? config.accumulation : 1;
}
