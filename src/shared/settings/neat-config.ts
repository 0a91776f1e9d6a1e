// The NEAT algorithm config, in neat-python's sections (genome, species, stagnation, reproduction):
// every field with its doc, range and default, declared once. Defaults suit the trading workload;
// `xorConfig` (core/neat/lib/config.ts) gives neat-python's canonical XOR settings. A NEAT run's
// options hold this config under `neat`.
import { boolean, choice, choiceList, fraction, integer, number, section, type CheckIssue, type SettingValue } from './declare.ts';

/** Node activation functions; genes store one as its index here, so the order never changes. */
export const activationNames = [
  'sigmoid', 'tanh', 'sin', 'gauss', 'relu', 'elu', 'lelu', 'selu', 'softplus', 'identity',
  'clamped', 'inv', 'log', 'exp', 'abs', 'hat', 'square', 'cube',
] as const;
export type ActivationName = (typeof activationNames)[number];

/** Node aggregation functions; genes store one as its index here, so the order never changes. */
export const aggregationNames = ['sum', 'product', 'max', 'min', 'maxabs', 'median', 'mean'] as const;
export type AggregationName = (typeof aggregationNames)[number];

export const initialConnectionKinds = [
  'unconnected', 'fs_neat_nohidden', 'fs_neat_hidden', 'full_nodirect', 'full_direct', 'partial_nodirect', 'partial_direct',
] as const;
export type InitialConnection = (typeof initialConnectionKinds)[number];

const real = (doc: string, fallback: number, min = -1e6, max = 1e6) => number(min, max, { doc, default: fallback });

/** How a float gene attribute (weight, bias, response) is initialised and mutated. */
function floatAttribute(doc: string, initMean: number, initStdev: number, mutateRate: number, replaceRate: number, mutatePower = 0.5) {
  return section(doc, {
    initMean: real('Mean of the initial value distribution.', initMean),
    initStdev: real('Standard deviation of the initial distribution (uniform: values lie within mean ± 2 stdev).', initStdev, 0),
    initType: choice(['gaussian', 'uniform'], { doc: 'Shape of the initial distribution.', default: 'gaussian' }),
    minValue: real('Smallest allowed value; mutations are clamped to it.', -30),
    maxValue: real('Largest allowed value; mutations are clamped to it.', 30),
    mutatePower: real('Standard deviation of a perturbation.', mutatePower, 0),
    mutateRate: fraction({ doc: 'Probability per mutation of a gaussian perturbation.', default: mutateRate }),
    replaceRate: fraction({ doc: 'Probability per mutation of a fresh initial value.', default: replaceRate }),
  }, {
    checks: [(attribute) => (attribute.minValue > attribute.maxValue ? [{ path: 'minValue', message: `${attribute.minValue} exceeds maxValue ${attribute.maxValue}` }] : [])],
  });
}

const setByWorkload = 'the workload (for a trading run, its topology: the features, macroSignalSize and the three actions)';

export const genomeSettings = section(
  'Genome structure and mutation.',
  {
    numInputs: integer(1, 4096, { doc: 'Input nodes (set by the workload: the features the network sees).', default: 2, setBy: setByWorkload, fixedOnResume: true }),
    numOutputs: integer(1, 256, { doc: 'Output nodes (set by the workload).', default: 1, setBy: setByWorkload, fixedOnResume: true }),
    numHidden: integer(0, 256, { doc: 'Hidden nodes in every initial genome.', default: 0, fixedOnResume: true }),
    feedForward: boolean({ doc: 'Only acyclic networks; false allows recurrent connections.', default: true, fixedOnResume: true }),
    initialConnection: choice(initialConnectionKinds, { doc: "Connectivity of initial genomes (neat-python's names).", default: 'partial_direct', fixedOnResume: true }),
    // 0.05 (about 18 of a single network's 366 input-output pairs): networks start as few-feature
    // rules, which learned on every market tried, where half-connected ones drowned the slow signal
    // in one-minute noise (docs/neat.md, session 8). neat-python's partial_* takes the fraction as given.
    initialConnectionFraction: fraction({ doc: 'Fraction of the full connection set for partial_* initial genomes.', default: 0.05, fixedOnResume: true }),
    activationDefault: choice([...activationNames, 'random'], { doc: 'Activation of new nodes (random: any of activationOptions).', default: 'tanh' }),
    activationOptions: choiceList(activationNames, 1, { doc: 'Activations a mutation may choose.', default: ['tanh', 'sigmoid', 'relu', 'identity', 'clamped', 'gauss'] }),
    activationMutateRate: fraction({ doc: 'Probability per node and generation of a new activation.', default: 0.05 }),
    aggregationDefault: choice([...aggregationNames, 'random'], { doc: 'Aggregation of new nodes (random: any of aggregationOptions).', default: 'sum' }),
    aggregationOptions: choiceList(aggregationNames, 1, { doc: 'Aggregations a mutation may choose.', default: ['sum'] }),
    aggregationMutateRate: fraction({ doc: 'Probability per node and generation of a new aggregation.', default: 0 }),
    bias: floatAttribute('Node bias.', 0, 1, 0.7, 0.1),
    response: floatAttribute('Node response (multiplier of the aggregated input).', 1, 0, 0, 0, 0),
    weight: floatAttribute('Connection weight.', 0, 1, 0.8, 0.1),
    enabledDefault: boolean({ doc: 'Whether new connections start enabled.', default: true, fixedOnResume: true }),
    enabledMutateRate: fraction({ doc: 'Probability per connection and generation of drawing a new enabled flag.', default: 0.01 }),
    enabledRateToTrueAdd: fraction({ doc: 'Extra enabled-mutation probability for disabled connections.', default: 0 }),
    enabledRateToFalseAdd: fraction({ doc: 'Extra enabled-mutation probability for enabled connections.', default: 0 }),
    compatibilityDisjointCoefficient: real('Weight of disjoint and excess genes in the compatibility distance.', 1, 0),
    compatibilityWeightCoefficient: real('Weight of attribute differences of matching genes in the compatibility distance.', 0.5, 0),
    connAddProb: fraction({ doc: 'Probability per child of adding a connection.', default: 0.5 }),
    connDeleteProb: fraction({ doc: 'Probability per child of deleting a connection.', default: 0.5 }),
    nodeAddProb: fraction({ doc: 'Probability per child of adding a node.', default: 0.2 }),
    nodeDeleteProb: fraction({ doc: 'Probability per child of deleting a node.', default: 0.2 }),
    singleStructuralMutation: boolean({ doc: 'At most one structural mutation per child.', default: false }),
    structuralMutationSurer: boolean({ doc: 'Structural mutations that cannot apply do a related one instead (e.g. re-enable).', default: false }),
  },
  {
    checks: [
      (genome) => {
        const issues: CheckIssue[] = [];
        if (genome.activationDefault !== 'random' && !genome.activationOptions.includes(genome.activationDefault)) {
          issues.push({ path: 'activationDefault', message: `"${genome.activationDefault}" must be one of activationOptions (${genome.activationOptions.join(', ')})` });
        }
        if (genome.aggregationDefault !== 'random' && !genome.aggregationOptions.includes(genome.aggregationDefault)) {
          issues.push({ path: 'aggregationDefault', message: `"${genome.aggregationDefault}" must be one of aggregationOptions (${genome.aggregationOptions.join(', ')})` });
        }
        return issues;
      },
    ],
  },
);

const positive = (doc: string, fallback: number) => number(0, 1e6, { exclusiveMin: true, doc, default: fallback });

export const neatConfigSettings = section(
  'NEAT algorithm config.',
  {
    populationSize: integer(2, 100_000, { doc: 'Genomes per population.', unit: 'genomes', default: 50, form: { label: 'Genomes per population' } }),
    fitnessCriterion: choice(['max', 'min', 'mean'], { doc: "How the population's fitness is compared with the threshold.", default: 'max' }),
    fitnessThreshold: real('The run stops once the criterion reaches this (unless noFitnessTermination).', 1e9, -1e300, 1e300),
    noFitnessTermination: boolean({ doc: 'Ignore the fitness threshold; run until the budget ends.', default: true }),
    resetOnExtinction: boolean({ doc: 'On complete extinction reseed a fresh population (true) or fail the run (false).', default: true }),
    genome: genomeSettings,
    species: section('Speciation.', {
      compatibilityThreshold: positive('Genomes closer than this compatibility distance share a species.', 3),
      targetSpeciesCount: integer(0, 10_000, { doc: 'When > 0, the threshold adapts each generation towards this many species.', unit: 'species', default: 5 }),
      thresholdAdjustStep: real('Threshold change per generation in adaptive mode.', 0.1, 0),
      thresholdMin: positive('Lower bound of the adaptive threshold.', 0.1),
      thresholdMax: positive('Upper bound of the adaptive threshold.', 100),
    }, {
      checks: [(species) => (species.thresholdMin > species.thresholdMax ? [{ path: 'thresholdMin', message: `${species.thresholdMin} exceeds thresholdMax ${species.thresholdMax}` }] : [])],
    }),
    stagnation: section('Stagnation.', {
      speciesFitnessFunction: choice(['max', 'min', 'mean', 'median'], { doc: "How a species' fitness is computed from its members'.", default: 'max' }),
      maxStagnation: integer(1, 1_000_000, { doc: 'Generations without improvement after which a species is stagnant and removed.', unit: 'generations', default: 15 }),
      speciesElitism: integer(0, 10_000, { doc: "Best species (and the best genome's species) protected from stagnation.", unit: 'species', default: 2 }),
    }),
    reproduction: section('Reproduction.', {
      elitism: integer(0, 10_000, { doc: 'Best genomes of each species copied unchanged into the next generation.', unit: 'genomes', default: 2 }),
      survivalThreshold: number(0, 1, { exclusiveMin: true, doc: 'Fraction of each species (best first) allowed to reproduce.', default: 0.2 }),
      minSpeciesSize: integer(1, 10_000, { doc: 'Fewest offspring a surviving species gets.', unit: 'genomes', default: 2 }),
    }),
  },
  {
    checks: [
      (config) => (config.reproduction.elitism > config.populationSize ? [{ path: 'reproduction.elitism', message: `${config.reproduction.elitism} exceeds populationSize ${config.populationSize}` }] : []),
    ],
  },
);

export type NeatConfig = SettingValue<typeof neatConfigSettings>;
export type GenomeConfig = NeatConfig['genome'];
export type FloatAttributeConfig = GenomeConfig['weight'];
export type SpeciesConfig = NeatConfig['species'];
export type StagnationConfig = NeatConfig['stagnation'];
export type ReproductionConfig = NeatConfig['reproduction'];
