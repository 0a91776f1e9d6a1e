import { describe, expect, it } from 'vitest';
import { decodeGenomeAt, decodeGenomes, encodedGenomeKeys, encodeGenomes } from '../../../../src/core/neat/codecs/genome-codec.ts';
import { evolvedGenomes, varietyConfig } from '../helpers.ts';

describe('genome transfer encoding', () => {
  it('round-trips genomes exactly and lists keys without decoding', () => {
    const genomes = evolvedGenomes(12, varietyConfig(), 6).slice(-25);
    const bytes = encodeGenomes(genomes);
    expect(encodedGenomeKeys(bytes)).toEqual(genomes.map((genome) => genome.key));
    const decoded = decodeGenomes(bytes);
    decoded.forEach((genome, index) => {
      expect(genome.nodes).toEqual(genomes[index].nodes);
      expect(genome.connections).toEqual(genomes[index].connections);
    });
    expect(decodeGenomeAt(bytes, 7).connections).toEqual(genomes[7].connections);
    expect(decodeGenomes(encodeGenomes([]))).toEqual([]);
  });
});
