// Every trainer's settings declaration, by trainer name: what the run config's options schema, the
// New run form, the CLI's --set help and the docs tables are generated from.
import type { TrainerName } from '../run.ts';
import { section, type SettingsSection } from './declare.ts';
import { neatSettings } from './neat.ts';
import { optionsSchema } from './resolve.ts';
import { rlSettings } from './rl.ts';

/** The baseline (random policy and buy-and-hold) has no settings. */
export const baselineSettings = section('The baseline trainer takes no settings.', {});

export const trainerSettings = {
  baseline: baselineSettings,
  rl: rlSettings,
  neat: neatSettings,
} as const satisfies Record<TrainerName, SettingsSection>;

/** The schema of `RunConfig.options` per trainer. */
export const trainerOptionsSchemas = {
  baseline: optionsSchema(baselineSettings),
  rl: optionsSchema(rlSettings),
  neat: optionsSchema(neatSettings),
} as const;
