// The feature configuration: split fractions, embargo and normalisation clip. It is part of the
// feature cache key (normalisation uses the training split, so the split is part of what the
// cached arrays mean). Typed, with defaults and validation that names the bad key.

/** Bump when a feature formula changes so old caches stop matching. */
export const FEATURE_SET_VERSION = 1;

export interface FeatureConfig {
  /** Share of the usable bars (after warm-up) in the training split, in (0, 1). */
  readonly trainFraction: number;
  /** Share of the usable bars in the validation split, in [0, 1); test gets the rest. */
  readonly validationFraction: number;
  /** Bars left out between consecutive splits (0 = none), an integer >= 0. */
  readonly embargoBars: number;
  /** Normalised features are clipped to [-clip, clip], in (0, 1000]. */
  readonly clip: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = Object.freeze({
  trainFraction: 0.7,
  validationFraction: 0.15,
  embargoBars: 0,
  clip: 5,
});

/** A complete, validated, frozen config from partial overrides. */
export function createFeatureConfig(overrides: Partial<FeatureConfig> = {}): FeatureConfig {
  const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...overrides };
  const check = (key: keyof FeatureConfig, ok: boolean, range: string): void => {
    if (!ok) throw new RangeError(`feature config ${key} must be ${range}, got ${String(config[key])}`);
  };
  check('trainFraction', config.trainFraction > 0 && config.trainFraction < 1, 'in (0, 1)');
  check('validationFraction', config.validationFraction >= 0 && config.validationFraction < 1, 'in [0, 1)');
  check('validationFraction', config.trainFraction + config.validationFraction < 1, 'less than 1 - trainFraction so the test split is not empty');
  check('embargoBars', Number.isInteger(config.embargoBars) && config.embargoBars >= 0, 'an integer >= 0');
  check('clip', config.clip > 0 && config.clip <= 1000, 'in (0, 1000]');
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_FEATURE_CONFIG)) throw new RangeError(`unknown feature config key ${key} (known: ${Object.keys(DEFAULT_FEATURE_CONFIG).join(', ')})`);
  }
  return Object.freeze({ trainFraction: config.trainFraction, validationFraction: config.validationFraction, embargoBars: config.embargoBars, clip: config.clip });
}
