// Node and connection genes and the rules for initialising, mutating and crossing their
// attributes (neat-python's FloatAttribute / BoolAttribute / StringAttribute semantics).
// Float attributes are kept as float32 values, so checkpoints store them exactly in 4 bytes and
// compiled programs can hold them in Float32Arrays without changing any result.
import type { Random } from '../../random.ts';
import { activationIndex, aggregationIndex, activationNames, aggregationNames } from './activations.ts';
import type { FloatAttributeConfig, GenomeConfig } from './config.ts';

/** A hidden or output node. Inputs have no genes; their keys are -1 .. -numInputs. */
export interface NodeGene {
  key: number;
  bias: number;
  response: number;
  /** Index into `activationNames`. */
  activation: number;
  /** Index into `aggregationNames`. */
  aggregation: number;
}

/** A connection between two nodes, identified across genomes by its innovation number. */
export interface ConnectionGene {
  innovation: number;
  input: number;
  output: number;
  weight: number;
  enabled: boolean;
}

export function initFloat(config: FloatAttributeConfig, random: Random): number {
  if (config.initType === 'uniform') {
    const low = Math.max(config.minValue, config.initMean - 2 * config.initStdev);
    const high = Math.min(config.maxValue, config.initMean + 2 * config.initStdev);
    return Math.fround(random.uniform(low, high));
  }
  return clampFloat(config.initMean + random.normal() * config.initStdev, config);
}

function clampFloat(value: number, config: FloatAttributeConfig): number {
  return Math.fround(Math.min(config.maxValue, Math.max(config.minValue, value)));
}

/** One draw decides: perturb (mutateRate), replace (replaceRate) or keep. */
export function mutateFloat(value: number, config: FloatAttributeConfig, random: Random): number {
  const draw = random.nextFloat();
  if (draw < config.mutateRate) return clampFloat(value + random.normal() * config.mutatePower, config);
  if (draw < config.mutateRate + config.replaceRate) return initFloat(config, random);
  return value;
}

function chooseOption(options: readonly string[], names: readonly string[], random: Random): number {
  return names.indexOf(options[random.nextInt(options.length)]);
}

function initialActivation(config: GenomeConfig, random: Random): number {
  return config.activationDefault === 'random'
    ? chooseOption(config.activationOptions, activationNames, random)
    : activationIndex(config.activationDefault);
}

function initialAggregation(config: GenomeConfig, random: Random): number {
  return config.aggregationDefault === 'random'
    ? chooseOption(config.aggregationOptions, aggregationNames, random)
    : aggregationIndex(config.aggregationDefault);
}

export function createNodeGene(key: number, config: GenomeConfig, random: Random): NodeGene {
  return {
    key,
    bias: initFloat(config.bias, random),
    response: initFloat(config.response, random),
    activation: initialActivation(config, random),
    aggregation: initialAggregation(config, random),
  };
}

export function createConnectionGene(innovation: number, input: number, output: number, config: GenomeConfig, random: Random): ConnectionGene {
  return { innovation, input, output, weight: initFloat(config.weight, random), enabled: config.enabledDefault };
}

export function mutateNodeGene(gene: NodeGene, config: GenomeConfig, random: Random): void {
  gene.bias = mutateFloat(gene.bias, config.bias, random);
  gene.response = mutateFloat(gene.response, config.response, random);
  if (config.activationMutateRate > 0 && random.nextFloat() < config.activationMutateRate) {
    gene.activation = chooseOption(config.activationOptions, activationNames, random);
  }
  if (config.aggregationMutateRate > 0 && random.nextFloat() < config.aggregationMutateRate) {
    gene.aggregation = chooseOption(config.aggregationOptions, aggregationNames, random);
  }
}

export function mutateConnectionGene(gene: ConnectionGene, config: GenomeConfig, random: Random): void {
  gene.weight = mutateFloat(gene.weight, config.weight, random);
  const rate = config.enabledMutateRate + (gene.enabled ? config.enabledRateToFalseAdd : config.enabledRateToTrueAdd);
  if (rate > 0 && random.nextFloat() < rate) gene.enabled = random.nextFloat() < 0.5;
}

/** Each attribute comes from either parent with equal probability. */
export function crossNodeGenes(a: NodeGene, b: NodeGene, random: Random): NodeGene {
  return {
    key: a.key,
    bias: random.nextFloat() < 0.5 ? a.bias : b.bias,
    response: random.nextFloat() < 0.5 ? a.response : b.response,
    activation: random.nextFloat() < 0.5 ? a.activation : b.activation,
    aggregation: random.nextFloat() < 0.5 ? a.aggregation : b.aggregation,
  };
}

export function crossConnectionGenes(a: ConnectionGene, b: ConnectionGene, random: Random): ConnectionGene {
  return {
    innovation: a.innovation,
    input: a.input,
    output: a.output,
    weight: random.nextFloat() < 0.5 ? a.weight : b.weight,
    enabled: random.nextFloat() < 0.5 ? a.enabled : b.enabled,
  };
}

/** Attribute distance of two matching node genes (before the weight coefficient). */
export function nodeGeneDistance(a: NodeGene, b: NodeGene): number {
  let distance = Math.abs(a.bias - b.bias) + Math.abs(a.response - b.response);
  if (a.activation !== b.activation) distance += 1;
  if (a.aggregation !== b.aggregation) distance += 1;
  return distance;
}

/** Attribute distance of two matching connection genes (before the weight coefficient). */
export function connectionGeneDistance(a: ConnectionGene, b: ConnectionGene): number {
  return Math.abs(a.weight - b.weight) + (a.enabled === b.enabled ? 0 : 1);
}
