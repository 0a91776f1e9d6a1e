// The file checkpoint store and every trainer behind it: checkpoints are sealed on disk, and a
// resume from a damaged one (flipped byte, truncation, damaged header, NaN weights or counters) is
// refused with an error that names the file and the problem. Files written before the envelope
// existed still resume.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointFileName, fileCheckpointStore } from '../../src/workers/file-checkpoints.ts';
import { openCheckpoint } from '../../src/core/checkpoint-integrity.ts';
import type { TrainerEntry, TrainerRunContext } from '../../src/core/trainer.ts';
import { runConfigSchema, type RunConfigInput } from '../../src/shared/run.ts';
import { runBaselineTrainer } from '../../src/core/baseline/trainer.ts';
import { rlTrainer } from '../../src/core/rl/trainer.ts';
import { runNeatTrainer } from '../../src/core/neat/trading/trainer.ts';
import { decodeCheckpoint as decodeRl, encodeCheckpoint as encodeRl } from '../../src/core/rl/checkpoint.ts';
import { generatedMarket, regimeMarket, trendMarket } from '../fixtures/market.ts';

const root = mkdtempSync(join(tmpdir(), 'traindeck-checkpoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let directories = 0;

/** A run of `trainer` with its checkpoints in a fresh directory (or `directory`), resuming when asked. */
async function train<R>(trainer: TrainerEntry<R>, config: RunConfigInput, resources: R, options: { directory?: string; resume?: boolean } = {}) {
  const directory = options.directory ?? join(root, `run-${++directories}`);
  let clock = 0;
  const context: TrainerRunContext<R> = {
    config: runConfigSchema.parse(config),
    reporter: { metrics: () => {}, evaluation: () => {}, progress: () => {}, device: () => {} },
    stopRequested: () => false,
    yieldToHost: async () => {},
    now: () => (clock += 1),
    checkpoints: fileCheckpointStore(directory, options.resume ?? false),
    resources,
  };
  const outcome = await trainer(context);
  return { directory, path: join(directory, checkpointFileName), outcome };
}

/** Rewrites the checkpoint file through `change` (given the file's bytes). */
function damage(path: string, change: (bytes: Uint8Array) => Uint8Array | void): void {
  const bytes = new Uint8Array(readFileSync(path));
  writeFileSync(path, change(bytes) ?? bytes);
}

/** The pattern of the error a resume must fail with. */
const refused = (path: string, problem: string) => new RegExp(`^Checkpoint ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged: .*${problem}`);

describe('fileCheckpointStore', () => {
  it('seals what it saves, gives the same bytes back on resume, and knows its location', async () => {
    const directory = join(root, 'store');
    const store = fileCheckpointStore(directory, true);
    await store.save(Uint8Array.of(1, 2, 3));
    expect(store.location).toBe(join(directory, checkpointFileName));
    expect(new TextDecoder().decode(readFileSync(store.location!).subarray(0, 4))).toBe('TDCK');
    expect(Array.from((await store.load())!)).toEqual([1, 2, 3]);
    expect(await fileCheckpointStore(directory, false).load()).toBeUndefined();
    await expect(fileCheckpointStore(join(root, 'nothing'), true).load()).rejects.toThrow(/No checkpoint to resume from at .*nothing/);
  });

  it('refuses a flipped byte or a cut-short file with the path and the problem', async () => {
    const directory = join(root, 'store-damaged');
    const store = fileCheckpointStore(directory, true);
    await store.save(new Uint8Array(64).fill(7));
    damage(store.location!, (bytes) => { bytes[40] ^= 1; });
    await expect(store.load()).rejects.toThrow(refused(store.location!, 'checksum mismatch'));
    await store.save(new Uint8Array(64).fill(7));
    damage(store.location!, (bytes) => bytes.subarray(0, 50));
    await expect(store.load()).rejects.toThrow(refused(store.location!, 'truncated'));
  });
});

describe('baseline checkpoints', () => {
  const market = generatedMarket(6_000, 5);
  const config = (episodes: number): RunConfigInput => ({ trainer: 'baseline', mode: 'original', seed: 9, budget: { episodes } });
  const first = () => train(runBaselineTrainer, config(20), { market });

  it('refuses a flipped byte', async () => {
    const { directory, path } = await first();
    damage(path, (bytes) => { bytes[bytes.length - 1] ^= 0x80; }); // the random state's last byte
    await expect(train(runBaselineTrainer, config(40), { market }, { directory, resume: true })).rejects.toThrow(refused(path, 'checksum mismatch'));
  });

  it('refuses a NaN episode count and an all-zero random state, naming the field', async () => {
    const { directory, path } = await first();
    const legacy = openCheckpoint(new Uint8Array(readFileSync(path))).slice();
    new DataView(legacy.buffer).setFloat64(4, Number.NaN, true);
    writeFileSync(path, legacy);
    await expect(train(runBaselineTrainer, config(40), { market }, { directory, resume: true })).rejects.toThrow(refused(path, 'field episodes is NaN'));
    legacy.fill(0, 4, 36);
    writeFileSync(path, legacy);
    await expect(train(runBaselineTrainer, config(40), { market }, { directory, resume: true })).rejects.toThrow(refused(path, 'field random is all zero'));
  });

  it('resumes from a checkpoint written before the envelope', async () => {
    const { directory, path } = await first();
    writeFileSync(path, openCheckpoint(new Uint8Array(readFileSync(path))));
    const { outcome } = await train(runBaselineTrainer, config(40), { market }, { directory, resume: true });
    expect(outcome.summary.episodes).toBe(40);
  });
});

describe('RL checkpoints', () => {
  const market = trendMarket(1200, 9);
  const config = (episodes: number): RunConfigInput => ({ trainer: 'rl', mode: 'original', seed: 3, budget: { episodes }, options: { horizon: 30, evaluationEvery: 0, evaluationSegments: 2 } });
  const resume = (directory: string) => train(rlTrainer, config(6), { market }, { directory, resume: true });
  let saved: { directory: string; path: string; bytes: Uint8Array } | undefined;
  /** One trained checkpoint, copied into a fresh directory for each test. */
  async function checkpoint() {
    if (!saved) {
      const { directory, path } = await train(rlTrainer, config(3), { market });
      saved = { directory, path, bytes: new Uint8Array(readFileSync(path)) };
    }
    const directory = join(root, `rl-${++directories}`);
    const store = fileCheckpointStore(directory, true);
    await store.save(openCheckpoint(saved.bytes));
    return { directory, path: store.location!, trainerBytes: openCheckpoint(saved.bytes).slice() };
  }

  it('refuses a flipped byte in the weights', async () => {
    const { directory, path } = await checkpoint();
    damage(path, (bytes) => { bytes[bytes.length - 5000] ^= 0x04; });
    await expect(resume(directory)).rejects.toThrow(refused(path, 'checksum mismatch'));
  });

  it('refuses a truncated file', async () => {
    const { directory, path } = await checkpoint();
    damage(path, (bytes) => bytes.subarray(0, bytes.length - 1000));
    await expect(resume(directory)).rejects.toThrow(refused(path, 'truncated'));
  });

  it('refuses a damaged JSON header (a file written before the envelope)', async () => {
    const { directory, path, trainerBytes } = await checkpoint();
    trainerBytes[13] = 0x7b; // '{' where the header's first key starts
    writeFileSync(path, trainerBytes);
    await expect(resume(directory)).rejects.toThrow(refused(path, 'RL checkpoint header is not valid JSON'));
  });

  it('refuses all-NaN weights, even in a sound envelope', async () => {
    const { directory, path, trainerBytes } = await checkpoint();
    const { header, arrays } = decodeRl(trainerBytes);
    arrays.get('parameters')!.fill(Number.NaN);
    await fileCheckpointStore(directory, true).save(encodeRl(header, Object.fromEntries(arrays)));
    await expect(resume(directory)).rejects.toThrow(refused(path, 'array parameters holds non-finite values \\(82,628 of 82,628 values, the first NaN at index 0\\)'));
  });

  it('refuses a header field of the wrong shape, naming it', async () => {
    const { directory, path, trainerBytes } = await checkpoint();
    const { header, arrays } = decodeRl<{ counters: Record<string, unknown> }>(trainerBytes);
    header.counters.updates = 'many';
    await fileCheckpointStore(directory, true).save(encodeRl(header, Object.fromEntries(arrays)));
    await expect(resume(directory)).rejects.toThrow(refused(path, 'header field counters.updates is "many", expected a whole number from 0'));
  });

  it('resumes from a checkpoint written before the envelope', async () => {
    const { directory, path, trainerBytes } = await checkpoint();
    writeFileSync(path, trainerBytes);
    const { outcome } = await resume(directory);
    expect(outcome.summary.episodes).toBe(6);
  });
});

describe('NEAT checkpoints', () => {
  const market = regimeMarket(900, 3);
  const config = (generations: number): RunConfigInput => ({
    trainer: 'neat', mode: 'original', seed: 99, budget: { generations },
    options: { envsPerGenome: 2, stepsPerEpisode: 30, evaluationInterval: 0, checkpointInterval: 0, neat: { populationSize: 8 } },
  });

  it('refuses a flipped byte, naming the file', async () => {
    const { directory, path } = await train(runNeatTrainer, config(1), { market });
    damage(path, (bytes) => { bytes[bytes.length - 20] ^= 0x01; });
    await expect(train(runNeatTrainer, config(2), { market }, { directory, resume: true })).rejects.toThrow(refused(path, 'checksum mismatch'));
  });

  it('names the file when its own checksum catches damage in a file written before the envelope', async () => {
    const { directory, path } = await train(runNeatTrainer, config(1), { market });
    const legacy = openCheckpoint(new Uint8Array(readFileSync(path))).slice();
    legacy[legacy.length - 20] ^= 0x01;
    writeFileSync(path, legacy);
    await expect(train(runNeatTrainer, config(2), { market }, { directory, resume: true })).rejects.toThrow(`Checkpoint ${path} cannot be resumed: checkpoint corrupt: checksum mismatch`);
  });

  it('resumes from a checkpoint written before the envelope', async () => {
    const { directory, path } = await train(runNeatTrainer, config(1), { market });
    writeFileSync(path, openCheckpoint(new Uint8Array(readFileSync(path))));
    const { outcome } = await train(runNeatTrainer, config(2), { market }, { directory, resume: true });
    expect(outcome.summary.extra.generations).toBe(2);
  });
});
