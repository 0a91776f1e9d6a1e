// Graph questions about a genome's connections: would a new connection close a cycle, which
// nodes does the network need to compute its outputs, and in what order. Both network builders
// (graph walk and compiled program) use these, so they evaluate exactly the same nodes.
import type { ConnectionGene } from './genes.ts';

/** True when adding input -> output to `connections` (enabled or not) would create a cycle. */
export function createsCycle(connections: readonly ConnectionGene[], input: number, output: number): boolean {
  if (input === output) return true;
  const successors = new Map<number, number[]>();
  for (const gene of connections) {
    const list = successors.get(gene.input);
    if (list) list.push(gene.output);
    else successors.set(gene.input, [gene.output]);
  }
  // A cycle appears when `input` is reachable from `output`.
  const visited = new Set<number>([output]);
  const stack = [output];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    for (const next of successors.get(node) ?? []) {
      if (next === input) return true;
      if (!visited.has(next)) {
        visited.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/**
 * The outputs plus every node from which an output can be reached over enabled connections
 * (neat-python's required_for_output); nothing else can influence an output.
 */
export function requiredNodes(connections: readonly ConnectionGene[], numOutputs: number): Set<number> {
  const predecessors = new Map<number, number[]>();
  for (const gene of connections) {
    if (!gene.enabled) continue;
    const list = predecessors.get(gene.output);
    if (list) list.push(gene.input);
    else predecessors.set(gene.output, [gene.input]);
  }
  const required = new Set<number>();
  const stack: number[] = [];
  for (let output = 0; output < numOutputs; output++) {
    required.add(output);
    stack.push(output);
  }
  while (stack.length > 0) {
    const node = stack.pop() as number;
    for (const source of predecessors.get(node) ?? []) {
      if (source >= 0 && !required.has(source)) {
        required.add(source);
        stack.push(source);
      }
    }
  }
  return required;
}

/**
 * The nodes a feed-forward network evaluates, sources first (neat-python's feed_forward_layers,
 * flattened): required nodes with at least one enabled incoming connection whose sources are all
 * inputs or evaluated nodes. Other nodes, including unconnected outputs, keep the value 0. Ties
 * are broken by ascending key so the order is stable.
 */
export function feedForwardOrder(connections: readonly ConnectionGene[], required: Set<number>): number[] {
  const pending = new Map<number, number>();
  const hasIncoming = new Set<number>();
  const successors = new Map<number, number[]>();
  for (const node of required) pending.set(node, 0);
  for (const gene of connections) {
    if (!gene.enabled || !required.has(gene.output)) continue;
    hasIncoming.add(gene.output);
    if (gene.input < 0) continue;
    pending.set(gene.output, (pending.get(gene.output) as number) + 1);
    const list = successors.get(gene.input);
    if (list) list.push(gene.output);
    else successors.set(gene.input, [gene.output]);
  }
  const ready = [...required].filter((node) => pending.get(node) === 0).sort((a, b) => a - b);
  const topological: number[] = [];
  while (ready.length > 0) {
    const node = ready.shift() as number;
    topological.push(node);
    for (const next of successors.get(node) ?? []) {
      const remaining = (pending.get(next) as number) - 1;
      pending.set(next, remaining);
      if (remaining === 0) ready.push(next);
    }
  }
  if (topological.length !== required.size) throw new Error('genome has a cycle among its enabled connections but is configured feed-forward');
  const evaluated = new Set<number>();
  for (const node of topological) {
    if (!hasIncoming.has(node)) continue;
    const blocked = connections.some((gene) => gene.enabled && gene.output === node && gene.input >= 0 && !evaluated.has(gene.input));
    if (!blocked) evaluated.add(node);
  }
  return topological.filter((node) => evaluated.has(node));
}

/**
 * The nodes a recurrent network evaluates (neat-python's RecurrentNetwork): required nodes with at
 * least one enabled incoming connection, ascending key. Other nodes read as 0.
 */
export function recurrentNodes(connections: readonly ConnectionGene[], required: Set<number>): number[] {
  const withIncoming = new Set<number>();
  for (const gene of connections) if (gene.enabled && required.has(gene.output)) withIncoming.add(gene.output);
  return [...withIncoming].sort((a, b) => a - b);
}

/**
 * The canonical order in which a node sums its incoming connections: inputs by ascending input
 * index, then other nodes by ascending key. Both network implementations follow it, which is
 * what makes their floating-point results identical.
 */
export function compareSources(a: number, b: number): number {
  if (a < 0 && b < 0) return b - a; // -1 is input 0, -2 is input 1, ...
  if (a < 0) return -1;
  if (b < 0) return 1;
  return a - b;
}
