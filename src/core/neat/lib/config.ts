// The NEAT algorithm config as the library reads it: one typed object in neat-python's sections
// (genome, species, stagnation, reproduction). Each field is declared once, with its doc, range
// and default, in src/shared/settings/neat-config.ts; validation names every bad key and its
// allowed range. Defaults suit the trading workload; `xorConfig` gives neat-python's canonical XOR
// settings.
import type { SettingInput } from '../../../shared/settings/declare.ts';
import { neatConfigSettings, type FloatAttributeConfig, type NeatConfig } from '../../../shared/settings/neat-config.ts';
import { defaultsOf } from '../../../shared/settings/declare.ts';
import { resolveSettings } from '../../../shared/settings/resolve.ts';

export {
  initialConnectionKinds, type FloatAttributeConfig, type GenomeConfig, type InitialConnection, type NeatConfig,
  type ReproductionConfig, type SpeciesConfig, type StagnationConfig,
} from '../../../shared/settings/neat-config.ts';

/** Input of `resolveNeatConfig`: any subset of fields, nested by section. */
export type NeatConfigInput = SettingInput<typeof neatConfigSettings>;

export const defaultNeatConfig: NeatConfig = defaultsOf(neatConfigSettings);

/**
 * Validates a partial config and fills the rest from `base`; throws a SettingsError naming each bad
 * key (prefixed with `path`). The workload's own fields (the genome shape) may be set here.
 */
export function resolveNeatConfig(input: unknown = {}, base: NeatConfig = defaultNeatConfig, path = ''): NeatConfig {
  return resolveSettings(neatConfigSettings, input, base, { what: 'NEAT config', path, workload: true });
}

function floatAttribute(initMean: number, initStdev: number, mutateRate: number, replaceRate: number, mutatePower = 0.5): FloatAttributeConfig {
  return { initMean, initStdev, initType: 'gaussian', minValue: -30, maxValue: 30, mutatePower, mutateRate, replaceRate };
}

/** neat-python's canonical XOR settings (examples/xor/config-feedforward). */
export function xorConfig(overrides: NeatConfigInput = {}): NeatConfig {
  const canonical: NeatConfigInput = {
    populationSize: 150,
    fitnessCriterion: 'max',
    fitnessThreshold: 3.9,
    noFitnessTermination: false,
    resetOnExtinction: false,
    genome: {
      numInputs: 2, numOutputs: 1, numHidden: 0, feedForward: true, initialConnection: 'full_direct',
      activationDefault: 'sigmoid', activationOptions: ['sigmoid'], activationMutateRate: 0,
      aggregationDefault: 'sum', aggregationOptions: ['sum'], aggregationMutateRate: 0,
      bias: floatAttribute(0, 1, 0.7, 0.1),
      response: floatAttribute(1, 0, 0, 0, 0),
      weight: floatAttribute(0, 1, 0.8, 0.1),
      enabledDefault: true, enabledMutateRate: 0.01,
      compatibilityDisjointCoefficient: 1, compatibilityWeightCoefficient: 0.5,
      connAddProb: 0.5, connDeleteProb: 0.5, nodeAddProb: 0.2, nodeDeleteProb: 0.2,
    },
    species: { compatibilityThreshold: 3, targetSpeciesCount: 0 },
    stagnation: { speciesFitnessFunction: 'max', maxStagnation: 20, speciesElitism: 2 },
    reproduction: { elitism: 2, survivalThreshold: 0.2, minSpeciesSize: 2 },
  };
  return resolveNeatConfig(overrides, resolveNeatConfig(canonical));
}
