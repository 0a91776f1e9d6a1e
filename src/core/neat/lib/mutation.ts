// Mutation of a child genome, in neat-python's order: structural mutations (add / delete node,
// add / delete connection, each with its own probability or one of them when
// singleStructuralMutation is set), then attribute mutations of every connection and node.
import type { Random } from '../../random.ts';
import type { GenomeConfig } from './config.ts';
import { createNodeGene, createConnectionGene, mutateConnectionGene, mutateNodeGene } from './genes.ts';
import type { Genome } from './genome.ts';
import { createsCycle } from './graph.ts';
import type { InnovationTracker } from './innovation.ts';

export function mutateGenome(genome: Genome, config: GenomeConfig, tracker: InnovationTracker, random: Random): void {
  if (config.singleStructuralMutation) {
    const total = Math.max(1, config.nodeAddProb + config.nodeDeleteProb + config.connAddProb + config.connDeleteProb);
    const draw = random.nextFloat();
    let threshold = config.nodeAddProb / total;
    if (draw < threshold) mutateAddNode(genome, config, tracker, random);
    else if (draw < (threshold += config.nodeDeleteProb / total)) mutateDeleteNode(genome, config, random);
    else if (draw < (threshold += config.connAddProb / total)) mutateAddConnection(genome, config, tracker, random);
    else if (draw < threshold + config.connDeleteProb / total) mutateDeleteConnection(genome, random);
  } else {
    if (random.nextFloat() < config.nodeAddProb) mutateAddNode(genome, config, tracker, random);
    if (random.nextFloat() < config.nodeDeleteProb) mutateDeleteNode(genome, config, random);
    if (random.nextFloat() < config.connAddProb) mutateAddConnection(genome, config, tracker, random);
    if (random.nextFloat() < config.connDeleteProb) mutateDeleteConnection(genome, random);
  }
  for (const gene of genome.connections) mutateConnectionGene(gene, config, random);
  for (const gene of genome.nodes) mutateNodeGene(gene, config, random);
}

/** Splits a random enabled connection a -> b into a -> new (weight 1) and new -> b (old weight). */
export function mutateAddNode(genome: Genome, config: GenomeConfig, tracker: InnovationTracker, random: Random): void {
  const enabled = genome.connections.filter((gene) => gene.enabled);
  if (enabled.length === 0) {
    if (config.structuralMutationSurer) mutateAddConnection(genome, config, tracker, random);
    return;
  }
  const split = enabled[random.nextInt(enabled.length)];
  let innovations = tracker.splitConnection(split.innovation, split.input, split.output);
  // A genome can meet the shared split twice only through unusual histories; stay unique.
  if (genome.findNode(innovations.nodeKey)) innovations = tracker.freshSplit(split.input, split.output);
  genome.addNode(createNodeGene(innovations.nodeKey, config, random));
  split.enabled = false;
  genome.addConnection({ innovation: innovations.inputInnovation, input: split.input, output: innovations.nodeKey, weight: 1, enabled: true });
  genome.addConnection({ innovation: innovations.outputInnovation, input: innovations.nodeKey, output: split.output, weight: split.weight, enabled: true });
}

/** Connects a random source (node or input) to a random node, unless invalid or already present. */
export function mutateAddConnection(genome: Genome, config: GenomeConfig, tracker: InnovationTracker, random: Random): void {
  if (genome.nodes.length === 0) return;
  const output = genome.nodes[random.nextInt(genome.nodes.length)].key;
  const sourceIndex = random.nextInt(genome.nodes.length + config.numInputs);
  const input = sourceIndex < genome.nodes.length ? genome.nodes[sourceIndex].key : -(sourceIndex - genome.nodes.length + 1);
  const existing = genome.findConnection(input, output);
  if (existing) {
    if (config.structuralMutationSurer) existing.enabled = true;
    return;
  }
  if (input >= 0 && input < config.numOutputs && output < config.numOutputs) return; // output -> output
  if (config.feedForward && createsCycle(genome.connections, input, output)) return;
  genome.addConnection(createConnectionGene(tracker.connectionInnovation(input, output), input, output, config, random));
}

/** Removes a random hidden node and every connection touching it. */
export function mutateDeleteNode(genome: Genome, config: GenomeConfig, random: Random): void {
  const hidden = genome.nodes.filter((gene) => gene.key >= config.numOutputs);
  if (hidden.length === 0) return;
  const victim = hidden[random.nextInt(hidden.length)].key;
  genome.connections = genome.connections.filter((gene) => gene.input !== victim && gene.output !== victim);
  genome.nodes = genome.nodes.filter((gene) => gene.key !== victim);
}

export function mutateDeleteConnection(genome: Genome, random: Random): void {
  if (genome.connections.length === 0) return;
  genome.connections.splice(random.nextInt(genome.connections.length), 1);
}
