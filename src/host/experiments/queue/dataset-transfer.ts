// Datasets travel by content: the coordinator puts its dataset's stored series file in Redis under
// its checksum (once), jobs carry { name, checksum }, and a worker trains on a local dataset only
// when its checksum matches; otherwise it imports the coordinator's bytes under a name that cannot
// collide with its own (`<name>-<checksum8>`). So a worker never trains on different data under the
// same name, the embedded `default` included (another build may embed another market).
import type { Redis } from 'ioredis';
import { DatasetError, type DatasetSource, type DatasetStore } from '../../datasets/store.ts';
import { queueKeys } from './connection.ts';
import type { DatasetRef } from './queue-messages.ts';

/** Coordinator: makes the dataset available to workers and returns the reference its jobs carry. */
export async function publishDataset(redis: Redis, datasets: DatasetStore, name: string): Promise<DatasetRef> {
  const { bytes, info } = await datasets.storedSeries(name);
  const key = queueKeys.dataset(info.checksum);
  // Same checksum, same bytes: whoever wrote them first, they are these.
  if ((await redis.hexists(key, 'series')) === 0) await redis.hset(key, { source: JSON.stringify(info.source), series: Buffer.from(bytes) });
  return { name: info.name, checksum: info.checksum };
}

/** The local name a worker stores a coordinator's dataset under when its own differs or is missing. */
export function transferredDatasetName(ref: DatasetRef): string {
  return `${ref.name.slice(0, 55)}-${ref.checksum.slice(0, 8)}`;
}

/** Worker: local dataset names for coordinators' datasets, importing each checksum at most once per process. */
export class DatasetResolver {
  private readonly redis: Redis;
  private readonly datasets: DatasetStore;
  private readonly log: (line: string) => void;
  private readonly resolving = new Map<string, Promise<string>>();

  constructor(redis: Redis, datasets: DatasetStore, log: (line: string) => void) {
    this.redis = redis;
    this.datasets = datasets;
    this.log = log;
  }

  /** The name of a local dataset with exactly the coordinator's content. */
  resolve(ref: DatasetRef): Promise<string> {
    const key = `${ref.name}:${ref.checksum}`;
    let pending = this.resolving.get(key);
    if (!pending) {
      pending = this.find(ref);
      this.resolving.set(key, pending);
      pending.catch(() => this.resolving.delete(key)); // a failed import may succeed on the next trial
    }
    return pending;
  }

  private async find(ref: DatasetRef): Promise<string> {
    if ((await this.checksumOf(ref.name)) === ref.checksum) return ref.name;
    const copy = transferredDatasetName(ref);
    const existing = await this.checksumOf(copy);
    if (existing === ref.checksum) return copy;
    if (existing !== undefined) throw new Error(`dataset "${copy}" here holds other data (checksum ${existing}) than the coordinator's "${ref.name}" (${ref.checksum}); remove it (traindeck data rm ${copy})`);
    const key = queueKeys.dataset(ref.checksum);
    const [bytes, source] = await Promise.all([this.redis.hgetBuffer(key, 'series'), this.redis.hget(key, 'source')]);
    if (!bytes || !source) throw new Error(`the coordinator's dataset "${ref.name}" (checksum ${ref.checksum}) is not in Redis (${key}); was Redis flushed? Resume the experiment to publish it again`);
    try {
      const info = await this.datasets.importSeriesFile(new Uint8Array(bytes), copy, JSON.parse(source) as DatasetSource);
      if (info.checksum !== ref.checksum) {
        await this.datasets.remove(copy);
        throw new Error(`the bytes in Redis for dataset "${ref.name}" have checksum ${info.checksum}, not ${ref.checksum}`);
      }
    } catch (error) {
      // Another worker process sharing this data directory imported it first.
      if (!(error instanceof DatasetError && error.code === 'exists') || (await this.checksumOf(copy)) !== ref.checksum) throw error;
    }
    this.log(`imported the coordinator's dataset "${ref.name}" as "${copy}" (checksum ${ref.checksum}, ${bytes.length} bytes)`);
    return copy;
  }

  /** The checksum of a local dataset, or undefined when there is none of that name. */
  private async checksumOf(name: string): Promise<string | undefined> {
    try {
      return (await this.datasets.info(name)).checksum;
    } catch (error) {
      if (error instanceof DatasetError && (error.code === 'not-found' || error.code === 'invalid-name')) return undefined;
      throw error;
    }
  }
}
