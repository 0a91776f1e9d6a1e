// Crossover: the child inherits the fitter parent's structure. Connection genes are matched by
// innovation number and node genes by key; matching genes take each attribute from either parent
// at random, disjoint and excess genes come from the fitter parent (neat-python semantics).
import type { Random } from '../../random.ts';
import { crossConnectionGenes, crossNodeGenes } from './genes.ts';
import { Genome } from './genome.ts';

export function crossover(childKey: number, first: Genome, second: Genome, random: Random): Genome {
  // On equal fitness the second parent counts as the fitter one, as in neat-python.
  const [fitter, other] = first.fitness > second.fitness ? [first, second] : [second, first];
  const child = new Genome(childKey);
  const otherConnections = other.connections;
  let j = 0;
  for (const gene of fitter.connections) {
    while (j < otherConnections.length && otherConnections[j].innovation < gene.innovation) j++;
    const match = j < otherConnections.length && otherConnections[j].innovation === gene.innovation ? otherConnections[j] : undefined;
    child.connections.push(match ? crossConnectionGenes(gene, match, random) : { ...gene });
  }
  const otherNodes = other.nodes;
  j = 0;
  for (const gene of fitter.nodes) {
    while (j < otherNodes.length && otherNodes[j].key < gene.key) j++;
    const match = j < otherNodes.length && otherNodes[j].key === gene.key ? otherNodes[j] : undefined;
    child.nodes.push(match ? crossNodeGenes(gene, match, random) : { ...gene });
  }
  return child;
}
