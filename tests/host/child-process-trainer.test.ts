// Trainer processes forked for the CLI and serve mode run with Node's compile cache, so that a
// later run finds its type-stripped modules there and never loads the type stripper
// (docs/memory.md: ~30-35 MB less in each thread).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheDirectory } from '../../src/host/child-process-trainer.ts';
import { childProcessHost } from '../fixtures/child-process-host.ts';

const previous = { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE, TMPDIR: process.env.TMPDIR };
afterEach(() => {
  for (const [name, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Every file below `directory`, recursively. */
function filesBelow(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('child-process trainers and the compile cache', () => {
  it("use the user's NODE_COMPILE_CACHE, else Node's default folder", () => {
    process.env.NODE_COMPILE_CACHE = '/somewhere/else';
    expect(compileCacheDirectory()).toBe('/somewhere/else');
    delete process.env.NODE_COMPILE_CACHE;
    expect(compileCacheDirectory()).toBe(join(tmpdir(), 'node-compile-cache'));
  });

  it('fill the default cache with the modules a trainer process loaded', async () => {
    const temporary = mkdtempSync(join(tmpdir(), 'traindeck-compile-cache-'));
    delete process.env.NODE_COMPILE_CACHE; // the host sets it for the worker: the default folder, under TMPDIR
    process.env.TMPDIR = temporary;
    const host = childProcessHost('compile-cache');
    try {
      const run = host.manager.start({ trainer: 'baseline', mode: 'original', seed: 1, budget: { episodes: 1 } }); // forks now, with the environment as it is
      const finished = await host.manager.whenFinished(run.id);
      expect(finished.status, finished.error).toBe('completed');
      // one entry per compiled module: the worker entry, the protocol, the baseline trainer, ...
      expect(filesBelow(join(temporary, 'node-compile-cache')).length).toBeGreaterThan(20);
    } finally {
      await host.close();
      rmSync(temporary, { recursive: true, force: true });
    }
  }, 60_000);
});
