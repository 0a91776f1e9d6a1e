// The champion the Run view draws is read from the run's checkpoint file as the worker wrote it,
// inside the integrity envelope; a damaged file is reported, not drawn.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readChampion } from '../../src/host/champion.ts';
import type { RunManager } from '../../src/host/run-manager.ts';
import { NeatRun } from '../../src/core/neat/trading/run.ts';
import { resolveRunOptions } from '../../src/core/neat/trading/options.ts';
import { fileCheckpointStore } from '../../src/workers/file-checkpoints.ts';

const directory = mkdtempSync(join(tmpdir(), 'traindeck-champion-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('readChampion', () => {
  it('reads the champion from a sealed checkpoint file, and reports a damaged one', async () => {
    const run = NeatRun.create(resolveRunOptions({ neat: { populationSize: 6 } }), 5, { macroSize: 60, microSize: 60 }, { start: 0, end: 500 });
    const store = fileCheckpointStore(directory, true);
    await store.save(run.checkpoint());
    const runManager = { record: () => ({ config: { trainer: 'neat' } }), latestCheckpoint: () => store.location } as unknown as RunManager;
    const champion = await readChampion(runManager, 'r1');
    expect(champion.networks.length).toBeGreaterThan(0);
    const bytes = readFileSync(store.location!);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(store.location!, bytes);
    await expect(readChampion(runManager, 'r1')).rejects.toThrow(/The checkpoint of run "r1" could not be read: checksum mismatch/);
  });
});
