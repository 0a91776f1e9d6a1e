// Datasets reach workers by content: a worker uses its own dataset only when the checksum matches,
// otherwise it imports the coordinator's bytes from Redis under NAME-CHECKSUM8, so it never trains on
// other data under the coordinator's name; the embedded default matches by checksum too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { generateRegimeMarket } from '../../../../src/core/market/generator.ts';
import { DatasetStore } from '../../../../src/host/datasets/store.ts';
import { connectRedis, parseRedisUrl } from '../../../../src/host/experiments/queue/connection.ts';
import { DatasetResolver, publishDataset, transferredDatasetName } from '../../../../src/host/experiments/queue/dataset-transfer.ts';
import { temporaryDirectory, TestRedis } from './helpers.ts';

let server: TestRedis;
let redis: Redis;
const directory = temporaryDirectory('traindeck-dataset-transfer-');

beforeAll(async () => {
  server = await TestRedis.start();
  redis = await connectRedis(parseRedisUrl(server.url));
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
  directory.remove();
});

/** A headerless Binance kline CSV from the generator. */
function csvFile(name: string, seed: number): string {
  const bars = 3_000;
  const { series } = generateRegimeMarket({ bars, seed });
  const lines: string[] = [];
  for (let t = 0; t < bars; t++) {
    const open = series.timestamps[t];
    lines.push([open, series.open[t], series.high[t], series.low[t], series.close[t], series.volume[t], open + 59_999, 0, 0, 0, 0, 0].join(','));
  }
  const file = join(directory.path, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const store = (name: string) => new DatasetStore({ rootDir: join(directory.path, name) });

describe('dataset transfer', () => {
  it('imports the coordinator bytes under NAME-CHECKSUM8 where the worker lacks the dataset or holds other data under its name', async () => {
    const coordinator = store('coordinator');
    expect((await coordinator.importCsv(csvFile('market.csv', 1), { name: 'market' })).ok).toBe(true);
    const ref = await publishDataset(redis, coordinator, 'market');
    expect(ref).toEqual({ name: 'market', checksum: (await coordinator.info('market')).checksum });

    // A worker without it: imported once, with the same content and source.
    const empty = store('worker-empty');
    const resolver = new DatasetResolver(redis, empty, () => {});
    const [first, second] = await Promise.all([resolver.resolve(ref), resolver.resolve(ref)]);
    expect(first).toBe(transferredDatasetName(ref));
    expect(second).toBe(first);
    expect(first).toBe(`market-${ref.checksum.slice(0, 8)}`);
    const copy = await empty.info(first);
    expect(copy.checksum).toBe(ref.checksum);
    expect(copy.rows).toBe(3_000);
    expect(copy.source).toEqual((await coordinator.info('market')).source);
    // A new process (resolver) finds the earlier copy instead of importing again.
    expect(await new DatasetResolver(redis, empty, () => {}).resolve(ref)).toBe(first);

    // A worker with other data under the same name never trains on it.
    const other = store('worker-other');
    expect((await other.importCsv(csvFile('other.csv', 2), { name: 'market' })).ok).toBe(true);
    expect(await new DatasetResolver(redis, other, () => {}).resolve(ref)).toBe(first);
    expect((await other.info('market')).checksum).not.toBe(ref.checksum);

    // A worker with the same content under the same name uses its own.
    const same = store('worker-same');
    expect((await same.importCsv(csvFile('market.csv', 1), { name: 'market' })).ok).toBe(true);
    expect(await new DatasetResolver(redis, same, () => {}).resolve(ref)).toBe('market');
  });

  it('uses the embedded default only when its checksum is the coordinator one', async () => {
    const coordinator = store('coordinator-default');
    const ref = await publishDataset(redis, coordinator, 'default');
    expect(await new DatasetResolver(redis, store('worker-default'), () => {}).resolve(ref)).toBe('default');
    // A coordinator whose build embeds another market: the worker fetches that one, not its own.
    const otherBuild = new DatasetStore({ rootDir: join(directory.path, 'coordinator-other-build'), defaultDatasetFile: join(directory.path, 'coordinator', 'market', 'series.bin') });
    const otherRef = await publishDataset(redis, otherBuild, 'default');
    expect(otherRef.checksum).not.toBe(ref.checksum);
    const worker = store('worker-default-2');
    const name = await new DatasetResolver(redis, worker, () => {}).resolve(otherRef);
    expect(name).toBe(`default-${otherRef.checksum.slice(0, 8)}`);
    expect((await worker.info(name)).checksum).toBe(otherRef.checksum);
  });

  it('says so when Redis no longer holds the dataset', async () => {
    const ref = { name: 'gone', checksum: '0123456789abcdef' };
    await expect(new DatasetResolver(redis, store('worker-gone'), () => {}).resolve(ref)).rejects.toThrow(/the coordinator's dataset "gone" \(checksum 0123456789abcdef\) is not in Redis/);
  });
});
