import { describe, expect, it } from 'vitest';
import { Random } from '../../../../src/core/random.ts';
import { crc32 } from '../../../../src/core/neat/codecs/binary.ts';
import {
  CheckpointError, decodeCheckpoint, encodeCheckpoint, restorePopulation, snapshotPopulation, type CheckpointContent,
} from '../../../../src/core/neat/codecs/checkpoint.ts';
import { xorConfig } from '../../../../src/core/neat/lib/config.ts';
import type { Genome } from '../../../../src/core/neat/lib/genome.ts';
import { Population } from '../../../../src/core/neat/lib/population.ts';
import { evaluateXor } from '../../../../src/core/neat/lib/xor.ts';
import { varietyConfig } from '../helpers.ts';

/** Everything observable about a population, for equality checks. */
function fingerprint(population: Population): unknown {
  const genome = (g: Genome) => ({ key: g.key, nodes: g.nodes, connections: g.connections });
  return {
    generation: population.generation,
    genomes: population.genomes.map(genome),
    species: population.speciesSet.species.map((s) => ({ key: s.key, members: s.members.map((m) => m.key), rep: s.representative.key, lastImproved: s.lastImproved })),
    threshold: population.speciesSet.threshold,
    innovation: population.tracker.getState(),
    pairs: population.tracker.connectionTable(),
    random: population.random.getState(),
    best: population.bestGenome && { ...genome(population.bestGenome), fitness: population.bestGenome.fitness },
  };
}

function step(population: Population): void {
  evaluateXor(population.genomes, population.config, true);
  population.recordEvaluation();
  population.evolve();
}

function roundTrip(population: Population): Population {
  const content: CheckpointContent = { config: population.config, generation: population.generation, randoms: [], meta: {}, populations: [snapshotPopulation('xor', population)] };
  const decoded = decodeCheckpoint(encodeCheckpoint(content));
  return restorePopulation(decoded.populations[0], population.config);
}

describe('NEAT checkpoint', () => {
  it('round-trips a population exactly (genes, species, counters, RNG, extra lists)', () => {
    const config = varietyConfig({ genome: { feedForward: false } });
    const population = Population.create(config, new Random(3));
    const fitness = new Random(4);
    for (let generation = 0; generation < 6; generation++) {
      for (const genome of population.genomes) {
        genome.fitness = fitness.normal();
        genome.objectives = [fitness.normal(), fitness.normal()];
      }
      population.recordEvaluation();
      population.evolve();
    }
    const representatives = population.genomes.slice(0, 2).map((genome) => genome.copy());
    const content: CheckpointContent = {
      config: { any: 'json', nested: [1, 2] }, generation: 6, randoms: [new Random(9).getState()], meta: { forwardPasses: 123, label: 'x' },
      populations: [snapshotPopulation('main', population, { representatives })],
    };
    const decoded = decodeCheckpoint(encodeCheckpoint(content));
    expect(decoded.config).toEqual(content.config);
    expect(decoded.meta).toEqual(content.meta);
    expect(decoded.randoms).toEqual(content.randoms);
    expect(decoded.populations[0].lists.representatives.map((g) => g.connections)).toEqual(representatives.map((g) => g.connections));
    expect(fingerprint(restorePopulation(decoded.populations[0], config))).toEqual(fingerprint(population));
  });

  it('resumed evolution ends identical to an uninterrupted run', () => {
    const config = xorConfig();
    const uninterrupted = Population.create(config, new Random(11));
    for (let generation = 0; generation < 12; generation++) step(uninterrupted);

    let interrupted = Population.create(config, new Random(11));
    for (let generation = 0; generation < 5; generation++) step(interrupted);
    interrupted = roundTrip(interrupted);
    for (let generation = 5; generation < 12; generation++) step(interrupted);
    expect(fingerprint(interrupted)).toEqual(fingerprint(uninterrupted));
  });

  it('rejects foreign, truncated, corrupt and future-version data with a clear error', () => {
    const population = Population.create(xorConfig(), new Random(1));
    const bytes = encodeCheckpoint({ config: {}, generation: 0, randoms: [], meta: {}, populations: [snapshotPopulation('xor', population)] });
    const expectError = (data: Uint8Array, pattern: RegExp) => {
      expect(() => decodeCheckpoint(data)).toThrow(CheckpointError);
      expect(() => decodeCheckpoint(data)).toThrow(pattern);
    };
    expectError(new TextEncoder().encode('{"not": "a checkpoint at all"}'), /not a TrainDeck NEAT checkpoint/);
    expectError(bytes.slice(0, 10), /truncated: 10 bytes/);
    expectError(bytes.slice(0, bytes.length - 7), /truncated: the header announces/);
    const flipped = bytes.slice();
    flipped[Math.floor(bytes.length / 2)] ^= 0x40;
    expectError(flipped, /corrupt: checksum mismatch/);
    const future = bytes.slice();
    future[8] = 9;
    expectError(future, /version 9 is not supported/);
    expectError(new Uint8Array([...bytes, 0]), /unexpected bytes after/);
  });

  it('names the section when a well-sealed payload is cut short or inconsistent', () => {
    const population = Population.create(xorConfig(), new Random(1));
    const bytes = encodeCheckpoint({ config: {}, generation: 0, randoms: [], meta: {}, populations: [snapshotPopulation('xor', population)] });
    /** Header with a matching length and checksum, so only the structure is wrong. */
    const seal = (payload: Uint8Array) => {
      const sealed = new Uint8Array(20 + payload.length);
      sealed.set(bytes.subarray(0, 20));
      sealed.set(payload, 20);
      const view = new DataView(sealed.buffer);
      view.setUint32(12, payload.length, true);
      view.setUint32(16, crc32(payload), true);
      return sealed;
    };
    const payload = bytes.subarray(20);
    expect(() => decodeCheckpoint(seal(payload.subarray(0, payload.length - 40)))).toThrow(/truncated or corrupt: reading population "xor" needs/);
    expect(() => decodeCheckpoint(seal(payload.subarray(0, 3)))).toThrow(CheckpointError);
  });
});
