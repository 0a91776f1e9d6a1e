// Ablations: the original path, then each optimization flag switched on alone, then the optimized
// path, all with the same seed, dataset and budget, run one after another. What each flag buys is
// measured, not estimated. Flags are the trainers' own (see docs/neat.md and docs/rl.md).
import { randomUUID } from 'node:crypto';
import { trainerNames, type RunConfigInput, type TrainerName } from '../shared/run.ts';
import { ApiError } from '../shared/ipc/envelope.ts';
import { flagNamesOf } from '../shared/settings/resolve.ts';
import { trainerOptionsSchemas, trainerSettings } from '../shared/settings/trainers.ts';

/** Optimization flags per trainer that has any, as its settings declare them, in the order the waterfall shows them. */
export const ablationFlags: Partial<Record<TrainerName, readonly string[]>> = Object.fromEntries(
  trainerNames.map((trainer) => [trainer, flagNamesOf(trainerSettings[trainer])] as const).filter(([, flags]) => flags.length > 0),
);

/** The options with `flag` switched on; every trainer reads its flags under `options.flags` (older top-level RL flags are moved there). */
function withFlag(trainer: TrainerName, options: Record<string, unknown>, flag: string | undefined): Record<string, unknown> {
  const parsed = trainerOptionsSchemas[trainer].safeParse(options);
  const normalized: Record<string, unknown> = parsed.success ? parsed.data : { ...options };
  if (!flag) return normalized;
  return { ...normalized, flags: { ...((normalized.flags as Record<string, boolean> | undefined) ?? {}), [flag]: true } };
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
