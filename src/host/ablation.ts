// Ablations: the original path, then each optimization flag switched on alone, then the optimized
// path, all with the same seed, dataset and budget, run one after another. What each flag buys is
// measured, not estimated. Flags are the trainers' own (see docs/neat.md and docs/rl.md).
import { randomUUID } from 'node:crypto';
import type { RunConfigInput, TrainerName } from '../shared/run.ts';
import { ApiError } from '../shared/ipc/envelope.ts';
import { flagNames as neatFlagNames } from '../core/neat/options.ts';
import { flagNames as rlFlagNames } from '../core/rl/config.ts';

/** Optimization flags per trainer, in the order the waterfall shows them. */
export const ablationFlags: Partial<Record<TrainerName, readonly string[]>> = {
  neat: neatFlagNames,
  rl: rlFlagNames,
};

/** Where a trainer reads its flags: NEAT under `options.flags`, RL as top-level options. */
function withFlag(trainer: TrainerName, options: Record<string, unknown>, flag: string | undefined): Record<string, unknown> {
  if (trainer === 'neat') {
    const flags = { ...((options.flags as Record<string, boolean> | undefined) ?? {}), ...(flag ? { [flag]: true } : {}) };
    return { ...options, flags };
  }
  return flag ? { ...options, [flag]: true } : { ...options };
}

export function ablationConfigs(input: Omit<RunConfigInput, 'mode' | 'compareGroup'>): { group: string; configs: RunConfigInput[] } {
  const flags = ablationFlags[input.trainer];
  if (!flags) throw new ApiError('bad-request', `The ${input.trainer} trainer has no optimization flags to ablate (trainers with flags: ${Object.keys(ablationFlags).join(', ')})`);
  const group = `ablation-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const options = input.options ?? {};
  const configs: RunConfigInput[] = [
    { ...input, mode: 'original', compareGroup: group, options: withFlag(input.trainer, options, undefined) },
    ...flags.map((flag): RunConfigInput => ({ ...input, mode: 'original', compareGroup: group, options: withFlag(input.trainer, options, flag) })),
    { ...input, mode: 'optimized', compareGroup: group, options: withFlag(input.trainer, options, undefined) },
  ];
  return { group, configs };
}
