// Redis URLs: the address stored and shown never holds the password; a stored address takes its
// password from the URL this process was given, and only when both name the same queue.
import { describe, expect, it } from 'vitest';
import { connectionError, parseRedisUrl, resolveRedisUrl } from '../../../../src/host/experiments/queue/connection.ts';

describe('Redis URLs', () => {
  it.each([
    ['redis://127.0.0.1:6380', 'redis://127.0.0.1:6380', false],
    ['redis://:s3cret@10.0.0.5:6379', 'redis://10.0.0.5:6379', true],
    ['rediss://trainer:s3cret@queue.lan:6380/2', 'rediss://trainer@queue.lan:6380/2', true],
    ['redis://queue.lan', 'redis://queue.lan:6379', false],
  ])('%s is shown as %s', (url, address, hasPassword) => {
    expect(parseRedisUrl(url)).toEqual({ url, address, hasPassword });
  });

  it('takes the password of the given URL for a stored address of the same queue, and refuses another queue', () => {
    expect(resolveRedisUrl('redis://10.0.0.5:6379', 'redis://:pw@10.0.0.5:6379').url).toBe('redis://:pw@10.0.0.5:6379');
    expect(resolveRedisUrl('redis://10.0.0.5:6379', undefined).url).toBe('redis://10.0.0.5:6379');
    expect(resolveRedisUrl('redis://:own@10.0.0.5:6379', 'redis://:other@10.0.0.6:6379').url).toBe('redis://:own@10.0.0.5:6379');
    expect(() => resolveRedisUrl('redis://10.0.0.5:6379', 'redis://:pw@10.0.0.6:6379')).toThrow("the experiment's queue is at redis://10.0.0.5:6379, but --redis (or TRAINDECK_REDIS_URL) names redis://10.0.0.6:6379");
  });

  it('scrubs the password from errors it does not recognise', () => {
    const target = parseRedisUrl('redis://:hunter2@10.0.0.5:6379');
    expect(connectionError(target, new Error('odd failure mentioning hunter2')).message).toBe('cannot use Redis at redis://10.0.0.5:6379: odd failure mentioning ***');
  });
});
