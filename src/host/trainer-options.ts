// A run's trainer options checked against the trainer's settings declaration (src/shared/settings),
// the same schema `runConfigSchema` applies to every run configuration before any worker process
// starts, so a bad key is a `bad-request` naming it (and its allowed range) rather than a failed run.
import type { RunConfig } from '../shared/run.ts';
import { describeIssues } from '../shared/ipc/envelope.ts';
import { trainerOptionsSchemas } from '../shared/settings/trainers.ts';

/** Problems with `config.options` for its trainer, one `options.KEY: problem` line each; empty when valid. */
export function trainerOptionIssues(config: Pick<RunConfig, 'trainer' | 'options'>): string[] {
  const parsed = trainerOptionsSchemas[config.trainer].safeParse(config.options);
  return parsed.success ? [] : describeIssues(parsed.error).map((issue) => `options.${issue}`);
}
