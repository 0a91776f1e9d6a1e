// Env parameters from partial overrides, validated against the env settings (zod, through the
// settings resolver) and frozen. Apart from params.ts so that code that only steps envs does not
// load zod.
import { envSettings } from '../../shared/settings/env.ts';
import { resolveSettings } from '../../shared/settings/resolve.ts';
import { DEFAULT_ENV_PARAMS, type EnvParams } from './params.ts';

const MAX_EPISODE_LENGTH = 1_000_000;

/** A complete, validated, frozen parameter set from partial overrides; throws naming every bad parameter. */
export function createEnvParams(overrides: Partial<EnvParams> = {}): EnvParams {
  const { episodeLength = DEFAULT_ENV_PARAMS.episodeLength, ...settings } = overrides;
  if (!Number.isInteger(episodeLength) || episodeLength < 1 || episodeLength > MAX_EPISODE_LENGTH) {
    throw new RangeError(`env parameter episodeLength must be an integer in [1, ${MAX_EPISODE_LENGTH}], got ${String(episodeLength)}`);
  }
  const env = resolveSettings(envSettings, settings, DEFAULT_ENV_PARAMS, { what: 'env parameters' });
  return Object.freeze({ ...env, episodeLength });
}
