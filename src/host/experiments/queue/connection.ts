// The Redis a distributed experiment queues on: parsing its URL (redis:// or rediss:// for TLS,
// with an optional password), the address shown and stored (never the password), connection
// options for BullMQ and ioredis, and a probe that fails within seconds with a sentence a user can
// act on (unreachable, wrong or missing password) instead of retrying forever.
import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';

/** The BullMQ queue every coordinator and worker on one Redis shares (job ids are trial ids). */
export const trialQueueName = 'traindeck-trials';

/** Keys TrainDeck keeps beside BullMQ's: dataset bytes by checksum, start counts, stop flags. */
export const queueKeys = {
  dataset: (checksum: string) => `traindeck:dataset:${checksum}`,
  attempts: (trialId: string) => `traindeck:attempts:${trialId}`,
  stop: (experimentId: string) => `traindeck:stop:${experimentId}`,
} as const;

/** How long a probe waits for Redis to answer before saying it cannot be reached. */
const probeTimeoutMs = 5_000;

export class RedisUrlError extends Error {
  override name = 'RedisUrlError';
}

export interface RedisTarget {
  /** The URL as given, password included: only ever handed to ioredis. */
  readonly url: string;
  /** `redis[s]://[user@]host:port[/db]`, safe to print and store. */
  readonly address: string;
  readonly hasPassword: boolean;
}

/** Parses a Redis URL; throws a RedisUrlError naming what is wrong (without echoing a password). */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError('the Redis address must be a URL such as redis://HOST:6379, redis://:PASSWORD@HOST:6379 or rediss://HOST:6380 (TLS)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new RedisUrlError(`the Redis address must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  if (parsed.hostname === '') throw new RedisUrlError('the Redis address names no host (redis://HOST:PORT)');
  // ioredis turns query parameters into options (a password among them); one place for secrets is enough.
  if (parsed.search !== '') throw new RedisUrlError('the Redis address takes no query parameters; put a password in it as redis://:PASSWORD@HOST:PORT');
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d{1,2}$/.test(parsed.pathname)) throw new RedisUrlError('the path of a Redis address is a database number (redis://HOST:PORT/0)');
  const user = parsed.username ? `${parsed.username}@` : '';
  const port = parsed.port || '6379';
  const database = parsed.pathname.length > 1 ? parsed.pathname : '';
  return { url, address: `${parsed.protocol}//${user}${parsed.hostname}:${port}${database}`, hasPassword: parsed.password !== '' };
}

/**
 * The URL to connect with for `requested` (an address as an experiment stores it, or a URL as a user
 * gives it) when this process also knows `known` (the --redis URL or TRAINDECK_REDIS_URL, which may
 * carry the password a stored address lacks). Throws when the two name different queues.
 */
export function resolveRedisUrl(requested: string, known: string | undefined): RedisTarget {
  const target = parseRedisUrl(requested);
  if (target.hasPassword || known === undefined) return target;
  const knownTarget = parseRedisUrl(known);
  if (knownTarget.address !== target.address) {
    throw new RedisUrlError(`the experiment's queue is at ${target.address}, but --redis (or TRAINDECK_REDIS_URL) names ${knownTarget.address}; pass the queue's own address`);
  }
  return knownTarget;
}

/** Options BullMQ's blocking connections need: retry forever once running (Redis restarts are survived). */
export function connectionOptions(target: RedisTarget): ConnectionOptions {
  return { ...parsedConnection(target.url), maxRetriesPerRequest: null, connectTimeout: probeTimeoutMs };
}

/** The URL as connection fields (host, port, user, password, database; TLS for rediss://). */
function parsedConnection(url: string): { host: string; port: number; username?: string; password?: string; db?: number; tls?: { servername?: string } } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    // TLS verifies the server against the system's CAs (add a private CA with NODE_EXTRA_CA_CERTS).
    // SNI takes host names only (an IP there is deprecated); the certificate is checked against the IP either way.
    ...(parsed.protocol === 'rediss:' ? { tls: isIP(parsed.hostname.replace(/^\[|\]$/g, '')) === 0 ? { servername: parsed.hostname } : {} } : {}),
  };
}

/** A connection for plain commands (dataset bytes, counters, flags), checked to answer PING. */
export async function connectRedis(target: RedisTarget): Promise<Redis> {
  // No ready check: it would hide Redis's NOAUTH behind "Connection is closed"; PING says it plainly.
  const redis = new Redis({ ...parsedConnection(target.url), lazyConnect: true, enableReadyCheck: false, connectTimeout: probeTimeoutMs, maxRetriesPerRequest: 1 });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error)); // reported through the probe below and the commands that fail
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), probeTimeoutMs + 1_000);
  } catch (error) {
    redis.disconnect();
    throw connectionError(target, /Connection is closed/.test(String(error)) && lastError ? lastError : error);
  }
  return redis;
}

/** Checks that Redis answers with these credentials, then lets go. */
export async function probeRedis(target: RedisTarget): Promise<void> {
  const redis = await connectRedis(target);
  await redis.quit().catch(() => redis.disconnect());
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What went wrong connecting, in words, with any password scrubbed from what Redis or the OS said. */
export function connectionError(target: RedisTarget, error: unknown): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const said = scrub(raw, target);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(raw)) return new Error(`Redis at ${target.address} refused the password (wrong password or user)`);
  if (/NOAUTH/i.test(raw)) return new Error(`Redis at ${target.address} needs a password: use redis://:PASSWORD@${target.address.replace(/^rediss?:\/\//, '')}`);
  if (/ECONNREFUSED/.test(raw)) return new Error(`cannot reach Redis at ${target.address}: connection refused (is redis-server running and listening there?)`);
  if (/ECONNRESET/.test(raw)) return new Error(`Redis at ${target.address} reset the connection (a TLS port needs rediss://; a plain one redis://)`);
  if (/ENOTFOUND|EAI_AGAIN/.test(raw)) return new Error(`cannot reach Redis at ${target.address}: the host name does not resolve`);
  if (/ETIMEDOUT|no answer within|timed out/i.test(raw)) return new Error(`cannot reach Redis at ${target.address}: no answer within ${probeTimeoutMs / 1000} s (firewall, wrong host or port, or TLS to a plain port?)`);
  if (/certificate|self.signed|SSL|TLS|EPROTO/i.test(raw)) return new Error(`TLS to Redis at ${target.address} failed: ${said} (for a private CA set NODE_EXTRA_CA_CERTS=ca.pem)`);
  return new Error(`cannot use Redis at ${target.address}: ${said}`);
}

function scrub(message: string, target: RedisTarget): string {
  const password = target.hasPassword ? decodeURIComponent(new URL(target.url).password) : '';
  return password ? message.split(password).join('***') : message;
}
