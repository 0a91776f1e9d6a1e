// The NEAT checkpoint: a compact, versioned binary format holding everything a run needs to
// continue exactly where it stopped (config, generation, RNG states, and per population its
// genomes, species, innovation counters and extra genome lists such as co-evolution
// representatives). Layout in docs/neat.md. Genes are stored against a per-population table of
// (innovation -> input, output) so each connection costs ~5 bytes: a 1-byte table-index delta, a
// float32 weight (genome floats are float32 by construction, so this is exact) and an enabled bit.
import { Random, type RandomState } from '../../random.ts';
import { activationNames, aggregationNames } from '../lib/activations.ts';
import { ByteReader, ByteWriter, CheckpointError, crc32 } from './binary.ts';
import type { NeatConfig } from '../lib/config.ts';
import type { ConnectionGene } from '../lib/genes.ts';
import { Genome } from '../lib/genome.ts';
import { InnovationTracker, type ConnectionInnovation, type InnovationState } from '../lib/innovation.ts';
import { Population } from '../lib/population.ts';
import { Reproduction } from '../lib/reproduction.ts';
import { Species, SpeciesSet } from '../lib/species.ts';

export { CheckpointError } from './binary.ts';

const MAGIC = 'TDNEATCK';
export const CHECKPOINT_VERSION = 1;
const HEADER_BYTES = 20;
/** Sanity bounds for counts read from a file, so corrupt data cannot request huge allocations. */
const MAX_ITEMS = 50_000_000;

export interface SpeciesState {
  key: number;
  created: number;
  lastImproved: number;
  bestFitness: number;
  fitness: number;
  adjustedFitness: number;
  representative: number;
  members: number[];
}

export interface PopulationState {
  name: string;
  generation: number;
  nextGenomeKey: number;
  nextSpeciesKey: number;
  threshold: number;
  innovation: InnovationState;
  /** The tracker's remembered connection pairs. */
  connectionInnovations: ConnectionInnovation[];
  random: RandomState;
  genomes: Genome[];
  species: SpeciesState[];
  best: Genome | undefined;
  /** Further genomes that belong with this population (e.g. representatives), by name. */
  lists: Record<string, Genome[]>;
}

export interface CheckpointContent {
  /** The run's resolved options (any JSON value). */
  config: unknown;
  /** Completed generations of the run. */
  generation: number;
  /** Trainer-level RNG states (e.g. the episode sampler). */
  randoms: RandomState[];
  /** Small trainer counters and labels. */
  meta: Record<string, number | string | boolean>;
  populations: PopulationState[];
}

export function snapshotPopulation(name: string, population: Population, lists: Record<string, Genome[]> = {}): PopulationState {
  return {
    name,
    generation: population.generation,
    nextGenomeKey: population.reproduction.nextGenomeKey,
    nextSpeciesKey: population.speciesSet.nextSpeciesKey,
    threshold: population.speciesSet.threshold,
    innovation: population.tracker.getState(),
    connectionInnovations: population.tracker.connectionTable(),
    random: population.random.getState(),
    genomes: population.genomes,
    species: population.speciesSet.species.map((species) => ({
      key: species.key,
      created: species.created,
      lastImproved: species.lastImproved,
      bestFitness: species.bestFitness,
      fitness: species.fitness,
      adjustedFitness: species.adjustedFitness,
      representative: species.representative.key,
      members: species.members.map((member) => member.key),
    })),
    best: population.bestGenome,
    lists,
  };
}

export function restorePopulation(state: PopulationState, config: NeatConfig): Population {
  const byKey = new Map(state.genomes.map((genome) => [genome.key, genome]));
  const speciesSet = new SpeciesSet(config);
  speciesSet.threshold = state.threshold;
  speciesSet.nextSpeciesKey = state.nextSpeciesKey;
  speciesSet.species = state.species.map((saved) => {
    const lookup = (key: number) => {
      const genome = byKey.get(key);
      if (!genome) throw new CheckpointError(`checkpoint corrupt: species ${saved.key} of population ${state.name} names genome ${key}, which is not in the population`);
      return genome;
    };
    const species = new Species(saved.key, saved.created, lookup(saved.representative));
    species.lastImproved = saved.lastImproved;
    species.bestFitness = saved.bestFitness;
    species.fitness = saved.fitness;
    species.adjustedFitness = saved.adjustedFitness;
    species.members = saved.members.map(lookup);
    return species;
  });
  speciesSet.reindex();
  return Population.restore(config, {
    genomes: state.genomes,
    speciesSet,
    tracker: new InnovationTracker(state.innovation, state.connectionInnovations),
    reproduction: new Reproduction(state.nextGenomeKey),
    random: Random.fromState(state.random),
    generation: state.generation,
    bestGenome: state.best,
  });
}

// ---- encoding ----

function allGenomes(state: PopulationState): Genome[] {
  const genomes = [...state.genomes];
  if (state.best) genomes.push(state.best);
  for (const list of Object.values(state.lists)) genomes.push(...list);
  return genomes;
}

function writeGenome(writer: ByteWriter, genome: Genome, tableIndex: Map<number, number>): void {
  writer.varint(genome.key);
  writer.f64(genome.fitness);
  writer.varint(genome.objectives.length);
  for (const value of genome.objectives) writer.f64(value);
  writer.varint(genome.nodes.length);
  let previousKey = 0;
  for (const node of genome.nodes) {
    writer.varint(node.key - previousKey);
    previousKey = node.key;
    writer.f32(node.bias);
    writer.f32(node.response);
    writer.u8(node.activation);
    writer.u8(node.aggregation);
  }
  const connections = genome.connections;
  writer.varint(connections.length);
  let previousIndex = -1;
  for (const gene of connections) {
    const index = tableIndex.get(gene.innovation) as number;
    writer.varint(index - previousIndex - 1);
    previousIndex = index;
  }
  for (const gene of connections) writer.f32(gene.weight);
  for (let first = 0; first < connections.length; first += 8) {
    let bits = 0;
    for (let bit = 0; bit < 8 && first + bit < connections.length; bit++) if (connections[first + bit].enabled) bits |= 1 << bit;
    writer.u8(bits);
  }
}

function writePopulation(writer: ByteWriter, state: PopulationState): void {
  writer.string(state.name);
  writer.varint(state.generation);
  writer.varint(state.nextGenomeKey);
  writer.varint(state.nextSpeciesKey);
  writer.f64(state.threshold);
  writer.varint(state.innovation.nextInnovation);
  writer.varint(state.innovation.nextNodeKey);
  for (const word of state.random) writer.u32(word);
  writer.varint(state.connectionInnovations.length);
  let previous = 0;
  for (const [input, output, innovation] of state.connectionInnovations) {
    writer.varint(innovation - previous);
    previous = innovation;
    writer.signed(input);
    writer.varint(output);
  }
  // Gene table: every innovation any stored genome uses, ascending.
  const table = new Map<number, ConnectionGene>();
  for (const genome of allGenomes(state)) for (const gene of genome.connections) if (!table.has(gene.innovation)) table.set(gene.innovation, gene);
  const innovations = [...table.keys()].sort((a, b) => a - b);
  const tableIndex = new Map(innovations.map((innovation, index) => [innovation, index]));
  writer.varint(innovations.length);
  let previousInnovation = 0;
  for (const innovation of innovations) {
    const gene = table.get(innovation) as ConnectionGene;
    writer.varint(innovation - previousInnovation);
    previousInnovation = innovation;
    writer.signed(gene.input);
    writer.varint(gene.output);
  }
  writer.varint(state.genomes.length);
  for (const genome of state.genomes) writeGenome(writer, genome, tableIndex);
  writer.varint(state.species.length);
  for (const species of state.species) {
    writer.varint(species.key);
    writer.varint(species.created);
    writer.varint(species.lastImproved);
    writer.f64(species.bestFitness);
    writer.f64(species.fitness);
    writer.f64(species.adjustedFitness);
    writer.varint(species.representative);
    writer.varint(species.members.length);
    for (const member of species.members) writer.varint(member);
  }
  writer.u8(state.best ? 1 : 0);
  if (state.best) writeGenome(writer, state.best, tableIndex);
  const lists = Object.entries(state.lists);
  writer.varint(lists.length);
  for (const [name, genomes] of lists) {
    writer.string(name);
    writer.varint(genomes.length);
    for (const genome of genomes) writeGenome(writer, genome, tableIndex);
  }
}

export function encodeCheckpoint(content: CheckpointContent): Uint8Array {
  const writer = new ByteWriter();
  for (const character of MAGIC) writer.u8(character.charCodeAt(0));
  writer.u16(CHECKPOINT_VERSION);
  writer.u16(0);
  writer.u32(0); // payload length, patched below
  writer.u32(0); // payload CRC-32, patched below
  writer.string(JSON.stringify(content.config));
  writer.varint(content.generation);
  writer.varint(content.randoms.length);
  for (const state of content.randoms) for (const word of state) writer.u32(word);
  writer.string(JSON.stringify(content.meta));
  writer.varint(content.populations.length);
  for (const population of content.populations) writePopulation(writer, population);
  writer.patchU32(12, writer.length - HEADER_BYTES);
  writer.patchU32(16, crc32(writer.written(HEADER_BYTES, writer.length)));
  return writer.finish();
}

// ---- decoding ----

interface TableEntry {
  innovation: number;
  input: number;
  output: number;
}

function readGenome(reader: ByteReader, table: TableEntry[]): Genome {
  const genome = new Genome(reader.varint());
  genome.fitness = reader.f64();
  const objectiveCount = reader.count(1024, 'the objective count');
  for (let i = 0; i < objectiveCount; i++) genome.objectives.push(reader.f64());
  const nodeCount = reader.count(reader.remaining, 'the node count');
  let key = 0;
  for (let i = 0; i < nodeCount; i++) {
    key += reader.varint();
    const bias = reader.f32();
    const response = reader.f32();
    const activation = reader.u8();
    const aggregation = reader.u8();
    if (activation >= activationNames.length || aggregation >= aggregationNames.length) {
      throw new CheckpointError(`checkpoint corrupt: node ${key} of genome ${genome.key} has an unknown activation or aggregation`);
    }
    genome.nodes.push({ key, bias, response, activation, aggregation });
  }
  const connectionCount = reader.count(table.length, 'the connection count');
  let index = -1;
  for (let i = 0; i < connectionCount; i++) {
    index += reader.varint() + 1;
    const entry = table[index];
    if (entry === undefined) throw new CheckpointError(`checkpoint corrupt: genome ${genome.key} refers to gene ${index} of a table of ${table.length}`);
    genome.connections.push({ innovation: entry.innovation, input: entry.input, output: entry.output, weight: 0, enabled: true });
  }
  for (const gene of genome.connections) gene.weight = reader.f32();
  for (let first = 0; first < connectionCount; first += 8) {
    const bits = reader.u8();
    for (let bit = 0; bit < 8 && first + bit < connectionCount; bit++) genome.connections[first + bit].enabled = (bits & (1 << bit)) !== 0;
  }
  return genome;
}

function readPopulation(reader: ByteReader): PopulationState {
  const name = reader.string();
  reader.section = `population "${name}"`;
  const generation = reader.varint();
  const nextGenomeKey = reader.varint();
  const nextSpeciesKey = reader.varint();
  const threshold = reader.f64();
  const innovation = { nextInnovation: reader.varint(), nextNodeKey: reader.varint() };
  const random: RandomState = [reader.u32(), reader.u32(), reader.u32(), reader.u32()];
  const pairCount = reader.count(MAX_ITEMS, 'the innovation table length');
  const connectionInnovations: ConnectionInnovation[] = [];
  let lastInnovation = 0;
  for (let i = 0; i < pairCount; i++) {
    lastInnovation += reader.varint();
    const input = reader.signed();
    connectionInnovations.push([input, reader.varint(), lastInnovation]);
  }
  const tableLength = reader.count(MAX_ITEMS, 'the gene table length');
  const table: TableEntry[] = [];
  let innovationNumber = 0;
  for (let i = 0; i < tableLength; i++) {
    innovationNumber += reader.varint();
    table.push({ innovation: innovationNumber, input: reader.signed(), output: reader.varint() });
  }
  const genomeCount = reader.count(MAX_ITEMS, 'the genome count');
  const genomes = Array.from({ length: genomeCount }, () => readGenome(reader, table));
  const speciesCount = reader.count(genomeCount, 'the species count');
  const species: SpeciesState[] = [];
  for (let i = 0; i < speciesCount; i++) {
    const key = reader.varint();
    const created = reader.varint();
    const lastImproved = reader.varint();
    const bestFitness = reader.f64();
    const fitness = reader.f64();
    const adjustedFitness = reader.f64();
    const representative = reader.varint();
    const memberCount = reader.count(genomeCount, 'a species size');
    const members = Array.from({ length: memberCount }, () => reader.varint());
    species.push({ key, created, lastImproved, bestFitness, fitness, adjustedFitness, representative, members });
  }
  const best = reader.u8() === 1 ? readGenome(reader, table) : undefined;
  const lists: Record<string, Genome[]> = {};
  const listCount = reader.count(1024, 'the genome list count');
  for (let i = 0; i < listCount; i++) {
    const listName = reader.string();
    const count = reader.count(MAX_ITEMS, 'a genome list length');
    lists[listName] = Array.from({ length: count }, () => readGenome(reader, table));
  }
  return { name, generation, nextGenomeKey, nextSpeciesKey, threshold, innovation, connectionInnovations, random, genomes, species, best, lists };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`checkpoint corrupt: the ${what} is not valid JSON (${(error as Error).message})`);
  }
}

/** Reads a checkpoint; throws CheckpointError naming the problem for foreign, corrupt or truncated data. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointContent {
  if (bytes.length < HEADER_BYTES) throw new CheckpointError(`checkpoint truncated: ${bytes.length} bytes, but the header alone is ${HEADER_BYTES}`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new CheckpointError('not a TrainDeck NEAT checkpoint (the file does not start with the TDNEATCK signature)');
  const header = new ByteReader(bytes, 8, HEADER_BYTES);
  const version = header.u16();
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(`checkpoint version ${version} is not supported; this build reads version ${CHECKPOINT_VERSION}`);
  header.u16();
  const payloadLength = header.u32();
  const storedCrc = header.u32();
  if (bytes.length - HEADER_BYTES < payloadLength) {
    throw new CheckpointError(`checkpoint truncated: the header announces ${payloadLength} payload bytes but only ${bytes.length - HEADER_BYTES} are present`);
  }
  if (bytes.length - HEADER_BYTES > payloadLength) {
    throw new CheckpointError(`checkpoint corrupt: ${bytes.length - HEADER_BYTES - payloadLength} unexpected bytes after the ${payloadLength}-byte payload`);
  }
  const computedCrc = crc32(bytes.subarray(HEADER_BYTES));
  if (computedCrc !== storedCrc) throw new CheckpointError(`checkpoint corrupt: checksum mismatch (stored ${storedCrc.toString(16)}, computed ${computedCrc.toString(16)})`);
  const reader = new ByteReader(bytes, HEADER_BYTES);
  reader.section = 'config';
  const config = parseJson(reader.string(), 'config');
  reader.section = 'run state';
  const generation = reader.varint();
  const randomCount = reader.count(1024, 'the RNG count');
  const randoms: RandomState[] = Array.from({ length: randomCount }, () => [reader.u32(), reader.u32(), reader.u32(), reader.u32()]);
  const meta = parseJson(reader.string(), 'meta section') as CheckpointContent['meta'];
  const populationCount = reader.count(64, 'the population count');
  const populations = Array.from({ length: populationCount }, () => readPopulation(reader));
  if (reader.remaining !== 0) throw new CheckpointError(`checkpoint corrupt: ${reader.remaining} bytes left over after the last population`);
  return { config, generation, randoms, meta, populations };
}
