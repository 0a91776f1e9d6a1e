// Ablations: the original path, then each optimization flag switched on alone, then the optimized
// path, all with the same seed, dataset and budget, run one after another. What each flag buys is
// measured, not estimated. Flags are the trainers' own (see docs/neat.md and docs/rl.md).
import { randomUUID } from 'node:crypto';
import type { RunConfigInput, TrainerName } from '../shared/run.ts';
import { ApiError } from '../shared/ipc/envelope.ts';
import { flagNames as neatFlagNames } from '../core/neat/options.ts';

/** Optimization flags per trainer, in the order the waterfall shows them. */
export const ablationFlags: Partial<Record<TrainerName, readonly string[]>> = {
  neat: neatFlagNames,
};

export function ablationConfigs(input: Omit<RunConfigInput, 'mode' | 'compareGroup'>): { group: string; configs: RunConfigInput[] } {
  const flags = ablationFlags[input.trainer];
  if (!flags) throw new ApiError('bad-request', `The ${input.trainer} trainer has no optimization flags to ablate (trainers with flags: ${Object.keys(ablationFlags).join(', ')})`);
  const group = `ablation-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const options = input.options ?? {};
  const withFlags = (flagged: Record<string, boolean>) => ({ ...options, flags: { ...((options.flags as Record<string, boolean> | undefined) ?? {}), ...flagged } });
  const configs: RunConfigInput[] = [
    { ...input, mode: 'original', compareGroup: group, options: withFlags({}) },
    ...flags.map((flag): RunConfigInput => ({ ...input, mode: 'original', compareGroup: group, options: withFlags({ [flag]: true }) })),
    { ...input, mode: 'optimized', compareGroup: group, options: withFlags({}) },
  ];
  return { group, configs };
}
