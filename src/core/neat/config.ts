// The NEAT algorithm config: one typed object in neat-python's sections (genome, species,
// stagnation, reproduction), with a default for every field and validation that names the bad key
// and its allowed range. Defaults suit the trading workload; `xorConfig` gives neat-python's
// canonical XOR settings.
import { activationNames, aggregationNames, type ActivationName, type AggregationName } from './activations.ts';
import { ConfigError, resolveSection, type SectionSpec } from './config-schema.ts';

/** How a float gene attribute (weight, bias, response) is initialised and mutated. */
export interface FloatAttributeConfig {
  /** Mean of the initial value distribution. */
  initMean: number;
  /** Standard deviation of the initial distribution (uniform: values lie within mean ± 2 stdev). */
  initStdev: number;
  /** Shape of the initial distribution. */
  initType: 'gaussian' | 'uniform';
  /** Smallest value the attribute may take; mutations are clamped to it. */
  minValue: number;
  /** Largest value the attribute may take; mutations are clamped to it. */
  maxValue: number;
  /** Standard deviation of a perturbation. */
  mutatePower: number;
  /** Probability per mutation of perturbing the value by a gaussian step. */
  mutateRate: number;
  /** Probability per mutation of replacing the value with a fresh initial value. */
  replaceRate: number;
}

export const initialConnectionKinds = [
  'unconnected', 'fs_neat_nohidden', 'fs_neat_hidden', 'full_nodirect', 'full_direct', 'partial_nodirect', 'partial_direct',
] as const;
export type InitialConnection = (typeof initialConnectionKinds)[number];

export interface GenomeConfig {
  /** Input nodes (set by the workload: features the network sees). */
  numInputs: number;
  /** Output nodes (set by the workload). */
  numOutputs: number;
  /** Hidden nodes in every initial genome. */
  numHidden: number;
  /** Only feed-forward (acyclic) networks; false allows recurrent connections. */
  feedForward: boolean;
  /** Connectivity of initial genomes (neat-python's names). */
  initialConnection: InitialConnection;
  /** Fraction of the full connection set an initial `partial_*` genome gets. */
  initialConnectionFraction: number;
  /** Activation of new nodes, or `random` for a random choice among the options. */
  activationDefault: ActivationName | 'random';
  /** Activations a mutation may choose. */
  activationOptions: ActivationName[];
  /** Probability per node and generation of choosing a new activation. */
  activationMutateRate: number;
  /** Aggregation of new nodes, or `random`. */
  aggregationDefault: AggregationName | 'random';
  /** Aggregations a mutation may choose. */
  aggregationOptions: AggregationName[];
  /** Probability per node and generation of choosing a new aggregation. */
  aggregationMutateRate: number;
  /** Node bias. */
  bias: FloatAttributeConfig;
  /** Node response (multiplier of the aggregated input). */
  response: FloatAttributeConfig;
  /** Connection weight. */
  weight: FloatAttributeConfig;
  /** Whether new connections start enabled. */
  enabledDefault: boolean;
  /** Probability per connection and generation of drawing a new enabled flag. */
  enabledMutateRate: number;
  /** Extra enabled-mutation probability for disabled connections. */
  enabledRateToTrueAdd: number;
  /** Extra enabled-mutation probability for enabled connections. */
  enabledRateToFalseAdd: number;
  /** Weight of disjoint and excess genes in the compatibility distance. */
  compatibilityDisjointCoefficient: number;
  /** Weight of attribute differences of matching genes in the compatibility distance. */
  compatibilityWeightCoefficient: number;
  /** Probability per child of an add-connection mutation. */
  connAddProb: number;
  /** Probability per child of a delete-connection mutation. */
  connDeleteProb: number;
  /** Probability per child of an add-node mutation. */
  nodeAddProb: number;
  /** Probability per child of a delete-node mutation. */
  nodeDeleteProb: number;
  /** At most one structural mutation per child. */
  singleStructuralMutation: boolean;
  /** Structural mutations that cannot apply do something related instead (e.g. re-enable). */
  structuralMutationSurer: boolean;
}

export interface SpeciesConfig {
  /** Genomes closer than this compatibility distance share a species. */
  compatibilityThreshold: number;
  /** When > 0, the threshold adapts each generation towards this many species. */
  targetSpeciesCount: number;
  /** Threshold change per generation in adaptive mode. */
  thresholdAdjustStep: number;
  /** Lower bound of the adaptive threshold. */
  thresholdMin: number;
  /** Upper bound of the adaptive threshold. */
  thresholdMax: number;
}

export interface StagnationConfig {
  /** How a species' fitness is computed from its members'. */
  speciesFitnessFunction: 'max' | 'min' | 'mean' | 'median';
  /** Generations without improvement after which a species is stagnant and removed. */
  maxStagnation: number;
  /** The best species (and the species of the best genome) protected from stagnation. */
  speciesElitism: number;
}

export interface ReproductionConfig {
  /** Best genomes of each species copied unchanged into the next generation. */
  elitism: number;
  /** Fraction of each species (best first) allowed to reproduce. */
  survivalThreshold: number;
  /** Smallest number of offspring a surviving species gets. */
  minSpeciesSize: number;
}

export interface NeatConfig {
  /** Genomes per population. */
  populationSize: number;
  /** How the population's fitness is compared with the threshold. */
  fitnessCriterion: 'max' | 'min' | 'mean';
  /** A run stops once the criterion reaches this (unless noFitnessTermination). */
  fitnessThreshold: number;
  /** Ignore the fitness threshold; run until the budget ends. */
  noFitnessTermination: boolean;
  /** On complete extinction reseed a fresh population (true) or fail the run (false). */
  resetOnExtinction: boolean;
  genome: GenomeConfig;
  species: SpeciesConfig;
  stagnation: StagnationConfig;
  reproduction: ReproductionConfig;
}

/** Input of `resolveNeatConfig`: any subset of fields, nested by section. */
export type NeatConfigInput = DeepPartial<NeatConfig>;
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

function floatAttribute(initMean: number, initStdev: number, mutateRate: number, replaceRate: number, mutatePower = 0.5): FloatAttributeConfig {
  return { initMean, initStdev, initType: 'gaussian', minValue: -30, maxValue: 30, mutatePower, mutateRate, replaceRate };
}

export const defaultNeatConfig: NeatConfig = {
  populationSize: 50,
  fitnessCriterion: 'max',
  fitnessThreshold: 1e9,
  noFitnessTermination: true,
  resetOnExtinction: true,
  genome: {
    numInputs: 2,
    numOutputs: 1,
    numHidden: 0,
    feedForward: true,
    initialConnection: 'partial_direct',
    initialConnectionFraction: 0.5,
    activationDefault: 'tanh',
    activationOptions: ['tanh', 'sigmoid', 'relu', 'identity', 'clamped', 'gauss'],
    activationMutateRate: 0.05,
    aggregationDefault: 'sum',
    aggregationOptions: ['sum'],
    aggregationMutateRate: 0,
    bias: floatAttribute(0, 1, 0.7, 0.1),
    response: floatAttribute(1, 0, 0, 0, 0),
    weight: floatAttribute(0, 1, 0.8, 0.1),
    enabledDefault: true,
    enabledMutateRate: 0.01,
    enabledRateToTrueAdd: 0,
    enabledRateToFalseAdd: 0,
    compatibilityDisjointCoefficient: 1,
    compatibilityWeightCoefficient: 0.5,
    connAddProb: 0.5,
    connDeleteProb: 0.5,
    nodeAddProb: 0.2,
    nodeDeleteProb: 0.2,
    singleStructuralMutation: false,
    structuralMutationSurer: false,
  },
  species: { compatibilityThreshold: 3, targetSpeciesCount: 5, thresholdAdjustStep: 0.1, thresholdMin: 0.1, thresholdMax: 100 },
  stagnation: { speciesFitnessFunction: 'max', maxStagnation: 15, speciesElitism: 2 },
  reproduction: { elitism: 2, survivalThreshold: 0.2, minSpeciesSize: 2 },
};

const unit = (doc: string) => ({ kind: 'number', doc, min: 0, max: 1 }) as const;
const count = (doc: string, min: number, max: number) => ({ kind: 'number', doc, min, max, integer: true }) as const;
const real = (doc: string, min = -1e6, max = 1e6) => ({ kind: 'number', doc, min, max }) as const;

function floatAttributeSpec(doc: string): SectionSpec {
  return {
    kind: 'section',
    doc,
    fields: {
      initMean: real('Mean of the initial value distribution.'),
      initStdev: real('Standard deviation of the initial distribution.', 0, 1e6),
      initType: { kind: 'choice', doc: 'Shape of the initial distribution.', options: ['gaussian', 'uniform'] },
      minValue: real('Smallest allowed value; mutations are clamped to it.'),
      maxValue: real('Largest allowed value; mutations are clamped to it.'),
      mutatePower: real('Standard deviation of a perturbation.', 0, 1e6),
      mutateRate: unit('Probability per mutation of a gaussian perturbation.'),
      replaceRate: unit('Probability per mutation of a fresh initial value.'),
    },
  };
}

export const neatConfigSpec: SectionSpec = {
  kind: 'section',
  doc: 'NEAT algorithm config.',
  fields: {
    populationSize: count('Genomes per population.', 2, 100_000),
    fitnessCriterion: { kind: 'choice', doc: 'How the population fitness is compared with the threshold.', options: ['max', 'min', 'mean'] },
    fitnessThreshold: real('The run stops once the criterion reaches this (unless noFitnessTermination).', -1e300, 1e300),
    noFitnessTermination: { kind: 'boolean', doc: 'Ignore the fitness threshold; run until the budget ends.' },
    resetOnExtinction: { kind: 'boolean', doc: 'On complete extinction reseed a fresh population (true) or fail (false).' },
    genome: {
      kind: 'section',
      doc: 'Genome structure and mutation.',
      fields: {
        numInputs: count('Input nodes (set by the workload).', 1, 4096),
        numOutputs: count('Output nodes (set by the workload).', 1, 256),
        numHidden: count('Hidden nodes in every initial genome.', 0, 256),
        feedForward: { kind: 'boolean', doc: 'Only acyclic networks; false allows recurrent connections.' },
        initialConnection: { kind: 'choice', doc: 'Connectivity of initial genomes.', options: initialConnectionKinds },
        initialConnectionFraction: unit('Fraction of the full connection set for partial_* initial genomes.'),
        activationDefault: { kind: 'choice', doc: 'Activation of new nodes (random: any option).', options: [...activationNames, 'random'] },
        activationOptions: { kind: 'choices', doc: 'Activations a mutation may choose.', options: activationNames, minLength: 1 },
        activationMutateRate: unit('Probability per node of a new activation.'),
        aggregationDefault: { kind: 'choice', doc: 'Aggregation of new nodes (random: any option).', options: [...aggregationNames, 'random'] },
        aggregationOptions: { kind: 'choices', doc: 'Aggregations a mutation may choose.', options: aggregationNames, minLength: 1 },
        aggregationMutateRate: unit('Probability per node of a new aggregation.'),
        bias: floatAttributeSpec('Node bias.'),
        response: floatAttributeSpec('Node response (multiplier of the aggregated input).'),
        weight: floatAttributeSpec('Connection weight.'),
        enabledDefault: { kind: 'boolean', doc: 'Whether new connections start enabled.' },
        enabledMutateRate: unit('Probability per connection of drawing a new enabled flag.'),
        enabledRateToTrueAdd: unit('Extra enabled-mutation probability for disabled connections.'),
        enabledRateToFalseAdd: unit('Extra enabled-mutation probability for enabled connections.'),
        compatibilityDisjointCoefficient: real('Weight of disjoint and excess genes in the distance.', 0, 1e6),
        compatibilityWeightCoefficient: real('Weight of attribute differences of matching genes.', 0, 1e6),
        connAddProb: unit('Probability per child of adding a connection.'),
        connDeleteProb: unit('Probability per child of deleting a connection.'),
        nodeAddProb: unit('Probability per child of adding a node.'),
        nodeDeleteProb: unit('Probability per child of deleting a node.'),
        singleStructuralMutation: { kind: 'boolean', doc: 'At most one structural mutation per child.' },
        structuralMutationSurer: { kind: 'boolean', doc: 'Structural mutations that cannot apply do a related one instead.' },
      },
    },
    species: {
      kind: 'section',
      doc: 'Speciation.',
      fields: {
        compatibilityThreshold: { kind: 'number', doc: 'Genomes closer than this distance share a species.', min: 0, max: 1e6, exclusiveMin: true },
        targetSpeciesCount: count('When > 0 the threshold adapts towards this many species.', 0, 10_000),
        thresholdAdjustStep: real('Threshold change per generation in adaptive mode.', 0, 1e6),
        thresholdMin: { kind: 'number', doc: 'Lower bound of the adaptive threshold.', min: 0, max: 1e6, exclusiveMin: true },
        thresholdMax: { kind: 'number', doc: 'Upper bound of the adaptive threshold.', min: 0, max: 1e6, exclusiveMin: true },
      },
    },
    stagnation: {
      kind: 'section',
      doc: 'Stagnation.',
      fields: {
        speciesFitnessFunction: { kind: 'choice', doc: 'Species fitness from its members.', options: ['max', 'min', 'mean', 'median'] },
        maxStagnation: count('Generations without improvement before a species is removed.', 1, 1_000_000),
        speciesElitism: count('Best species (and the best genome\'s species) protected from stagnation.', 0, 10_000),
      },
    },
    reproduction: {
      kind: 'section',
      doc: 'Reproduction.',
      fields: {
        elitism: count('Best genomes per species copied unchanged.', 0, 10_000),
        survivalThreshold: { kind: 'number', doc: 'Fraction of each species allowed to reproduce.', min: 0, max: 1, exclusiveMin: true },
        minSpeciesSize: count('Fewest offspring a surviving species gets.', 1, 10_000),
      },
    },
  },
};

/** Checks that involve more than one field. */
function crossFieldIssues(config: NeatConfig, path: string): string[] {
  const issues: string[] = [];
  const genome = config.genome;
  for (const name of ['bias', 'response', 'weight'] as const) {
    const attribute = genome[name];
    if (attribute.minValue > attribute.maxValue) issues.push(`${path}genome.${name}.minValue: ${attribute.minValue} exceeds maxValue ${attribute.maxValue}`);
  }
  if (genome.activationDefault !== 'random' && !genome.activationOptions.includes(genome.activationDefault)) {
    issues.push(`${path}genome.activationDefault: "${genome.activationDefault}" must be one of activationOptions (${genome.activationOptions.join(', ')})`);
  }
  if (genome.aggregationDefault !== 'random' && !genome.aggregationOptions.includes(genome.aggregationDefault)) {
    issues.push(`${path}genome.aggregationDefault: "${genome.aggregationDefault}" must be one of aggregationOptions (${genome.aggregationOptions.join(', ')})`);
  }
  if (config.species.thresholdMin > config.species.thresholdMax) {
    issues.push(`${path}species.thresholdMin: ${config.species.thresholdMin} exceeds thresholdMax ${config.species.thresholdMax}`);
  }
  if (config.reproduction.elitism > config.populationSize) {
    issues.push(`${path}reproduction.elitism: ${config.reproduction.elitism} exceeds populationSize ${config.populationSize}`);
  }
  return issues;
}

/** Validates a partial config and fills defaults from `base`; throws ConfigError naming each bad key. */
export function resolveNeatConfig(input: unknown = {}, base: NeatConfig = defaultNeatConfig, path = ''): NeatConfig {
  const issues: string[] = [];
  const prefix = path ? path.replace(/\.?$/, '.') : '';
  const resolved = resolveSection(neatConfigSpec, base as unknown as Record<string, unknown>, input, path, issues) as unknown as NeatConfig;
  if (issues.length === 0) issues.push(...crossFieldIssues(resolved, prefix));
  if (issues.length > 0) throw new ConfigError('NEAT config', issues);
  return resolved;
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
