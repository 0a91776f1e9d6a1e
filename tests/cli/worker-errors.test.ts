// Queue connection mistakes fail within seconds with a sentence saying what is wrong, and never echo
// the password: a wrong or missing password, nothing listening, a URL that is not a Redis URL. An
// experiment refused this way leaves nothing in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory, TestRedis } from '../host/experiments/queue/helpers.ts';

const directory = temporaryDirectory('traindeck-worker-errors-');
const password = 'right-Pa55word';
let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start({ password });
});
afterAll(async () => {
  await redis?.stop();
  directory.remove();
});

/** Runs traindeck; the 20 s limit stands for "not a hang" (a refused connection must not retry forever). */
function traindeck(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args, '--data-dir', join(directory.path, 'data')], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, TRAINDECK_REDIS_URL: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, timedOut: result.error !== undefined };
}

describe('queue connection errors', () => {
  it.each([
    ['a wrong password', () => `redis://:wrong-one@127.0.0.1:${redis.port}`, /Redis at redis:\/\/127\.0\.0\.1:\d+ refused the password/],
    ['a missing password', () => `redis://127.0.0.1:${redis.port}`, /Redis at redis:\/\/127\.0\.0\.1:\d+ needs a password: use redis:\/\/:PASSWORD@127\.0\.0\.1:\d+/],
    ['nothing listening', () => 'redis://127.0.0.1:1', /cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connection refused/],
  ])('worker and experiment run name %s', (_what, url, message) => {
    const worker = traindeck('worker', '--redis', url());
    expect(worker.timedOut).toBe(false);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(message);
    const spec = join(directory.path, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'refused', trainer: 'baseline', seeds: [1], budget: { seconds: 1 } }));
    const run = traindeck('experiment', 'run', spec, '--redis', url());
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    for (const output of [worker.stdout, worker.stderr, run.stdout, run.stderr]) expect(output).not.toMatch(/wrong-one|right-Pa55word/);
    expect(JSON.parse(traindeck('experiment', 'list', '--json').stdout)).toEqual([]);
  }, 60_000);

  it.each([
    ['http://127.0.0.1:6379', /must start with redis:\/\/ or rediss:\/\//],
    ['not a url', /must be a URL such as redis:\/\/HOST:6379/],
    ['redis://127.0.0.1:6379/?password=x', /takes no query parameters/],
  ])('worker refuses --redis %s as a usage mistake', (url, message) => {
    const result = traindeck('worker', '--redis', url);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
