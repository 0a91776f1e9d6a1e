// Checks a run's trainer options in the host, before any worker process starts, with the same
// validators the trainers use, so a bad key is a `bad-request` naming it rather than a failed run.
import type { RunConfig } from '../shared/run.ts';
import { parseRlConfig } from '../core/rl/config.ts';
import { resolveRunOptions } from '../core/neat/options.ts';
import { ConfigError } from '../core/neat/config-schema.ts';

/** Problems with `config.options` for its trainer, one message per problem; empty when valid. */
export function trainerOptionIssues(config: Pick<RunConfig, 'trainer' | 'mode' | 'options'>): string[] {
  const { trainer, mode, options } = config;
  try {
    switch (trainer) {
      case 'baseline':
        // The baseline has no settings: an option given to it would be silently ignored.
        return Object.keys(options).map((key) => `options.${key}: the baseline trainer takes no options`);
      case 'rl':
        parseRlConfig(mode, options);
        return [];
      case 'neat':
        resolveRunOptions(options);
        return [];
    }
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    return [(error as Error).message];
  }
}
