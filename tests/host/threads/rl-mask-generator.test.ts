import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { drawDropoutMasks, drawDropoutSeeds, dropoutMaskShape, fillDropoutMasks, inlineMaskGenerator, RolloutBuffer } from '../../../src/core/rl/batch.ts';
import { networkLayout } from '../../../src/core/compute/network.ts';
import { Random } from '../../../src/core/random.ts';
import { ThreadMaskGenerator } from '../../../src/host/threads/rl-mask-generator.ts';

const layout = networkLayout({ valueHead: false, dropout: 0.1 });
let generator: ThreadMaskGenerator | undefined;
afterEach(async () => {
  await generator?.dispose();
  generator = undefined;
});

describe('dropout masks on a helper thread', () => {
  it('are the masks the trainer thread would draw from the same stream, in order', async () => {
    generator = new ThreadMaskGenerator();
    const threaded = new Random(11);
    const inline = new Random(11);
    for (const rows of [150, 4800, 7]) {
      const masks = await generator.generate(dropoutMaskShape(layout), drawDropoutSeeds(layout, threaded)!, rows);
      const expected = drawDropoutMasks(layout, rows, inline)!;
      expect(masks.map((mask) => mask.length)).toEqual(layout.macro.map((layer) => rows * layer.outputs));
      masks.forEach((mask, block) => expect(Buffer.from(mask).equals(Buffer.from(expected[block]))).toBe(true));
    }
  });

  it('writes into a rollout buffer\'s shared storage the masks it would make anew', async () => {
    const shape = dropoutMaskShape(layout);
    const seeds = drawDropoutSeeds(layout, new Random(5))!;
    const buffer = new RolloutBuffer(4, 30, false, { shared: true, dropout: shape });
    const written = await inlineMaskGenerator.generate(shape, seeds, 100, buffer.dropoutMasks);
    const fresh = fillDropoutMasks(shape, seeds, 100);
    written.forEach((mask, block) => {
      expect(mask.buffer).toBe(buffer.dropoutMasks![block].buffer);
      expect(mask.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(mask).equals(Buffer.from(fresh[block]))).toBe(true);
    });
  });

  it('keeps about p of the units off, and masks for fewer rows are a prefix of masks for more', () => {
    const seeds = drawDropoutSeeds(layout, new Random(3))!;
    const many = fillDropoutMasks(dropoutMaskShape(layout), seeds, 2000);
    const few = fillDropoutMasks(dropoutMaskShape(layout), seeds, 100);
    few.forEach((mask, block) => expect(Buffer.from(mask).equals(Buffer.from(many[block].subarray(0, mask.length)))).toBe(true));
    const values = many.flatMap((mask) => Array.from(mask));
    const dropped = values.filter((value) => value === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.095);
    expect(dropped).toBeLessThan(0.105);
    expect(new Set(values)).toEqual(new Set([0, 1]));
  });

  it('answers several requests in flight with their own masks, and refuses work once closed', async () => {
    generator = new ThreadMaskGenerator();
    const shape = dropoutMaskShape(layout);
    const seedsA = drawDropoutSeeds(layout, new Random(1))!;
    const seedsB = drawDropoutSeeds(layout, new Random(2))!;
    const [a, b] = await Promise.all([generator.generate(shape, seedsA, 64), generator.generate(shape, seedsB, 32)]);
    expect(Buffer.from(a[0]).equals(Buffer.from(fillDropoutMasks(shape, seedsA, 64)[0]))).toBe(true);
    expect(Buffer.from(b[3]).equals(Buffer.from(fillDropoutMasks(shape, seedsB, 32)[3]))).toBe(true);
    await generator.dispose();
    await expect(generator.generate(shape, seedsA, 8)).rejects.toThrow(/closed/);
  });

  it('reports a bad request as an error naming the problem', async () => {
    generator = new ThreadMaskGenerator();
    await expect(generator.generate({ dropout: 0.1, widths: [6] }, new Uint32Array(4), 10)).rejects.toThrow(/multiples of 4, got 6/);
  });

  it('keeps the process alive while masks are pending and lets it exit once they are delivered', async () => {
    const module = (path: string) => JSON.stringify(new URL(`../../../src/${path}`, import.meta.url).href);
    // awaiting masks holds no handle of its own: without a ref the process would exit before they arrive
    const script = `
      const { ThreadMaskGenerator } = await import(${module('host/threads/rl-mask-generator.ts')});
      const { drawDropoutSeeds, dropoutMaskShape } = await import(${module('core/rl/batch.ts')});
      const { networkLayout } = await import(${module('core/compute/network.ts')});
      const { Random } = await import(${module('core/random.ts')});
      const layout = networkLayout({ valueHead: false, dropout: 0.1 });
      const masks = await new ThreadMaskGenerator().generate(dropoutMaskShape(layout), drawDropoutSeeds(layout, new Random(1)), 4800);
      console.log(masks.map((mask) => mask.length).join(','));`;
    // a file, not --eval: the worker thread inherits the parent's exec arguments
    const directory = mkdtempSync(join(tmpdir(), 'traindeck-mask-'));
    try {
      const file = join(directory, 'wait-for-masks.mjs');
      writeFileSync(file, script);
      const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 20_000 });
      expect(stdout.trim()).toBe('921600,614400,460800,307200');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
