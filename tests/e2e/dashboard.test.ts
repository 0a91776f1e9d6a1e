// End to end: serve mode in Debian's Chromium. Start a baseline run, watch its numbers and both
// charts fill, stop it, and check that the API refuses a bad token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import WebSocket from 'ws';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, removeDataDir, startServe, type ServeProcess } from './serve-helpers.ts';

describe.skipIf(chromiumMissing)(`dashboard in serve mode${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (serve) removeDataDir(serve.dataDir);
  });

  it('starts a baseline run, shows live episodes/min and both charts, and stops it', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('open');
    await page.getByTestId('trainer-select').selectOption('baseline');
    await page.getByTestId('mode-select').selectOption('original');
    await page.getByTestId('seconds-input').fill('120');
    await page.getByTestId('start-run').click();

    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('running');
    await expect
      .poll(async () => Number((await page.getByTestId('episodes-per-min').textContent())?.replace(/,/g, '')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await expect.poll(async () => Number(await page.getByTestId('chart-episodes').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
    await expect.poll(async () => Number(await page.getByTestId('chart-portfolio').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await page.getByTestId('run-list').textContent()).toContain('baseline');

    if (process.env.TRAINDECK_SCREENSHOTS) {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/dashboard.png' });
    }

    await page.getByTestId('stop-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });

  it('refuses the API to a bad token, and the page says why', async () => {
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${serve.origin.replace('http', 'ws')}/api?token=wrong-token`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('a bad token was accepted')));
      socket.on('error', () => {});
    });
    expect(refused).toBe(401);

    const stranger = await browser.newPage();
    await stranger.goto(`${serve.origin}/?token=wrong-token`);
    await expect.poll(() => stranger.getByTestId('connection-state').textContent()).toBe('unauthorized');
    await stranger.close();
  });

  it('answers a malformed API message with a typed error and keeps serving', async () => {
    const socket = new WebSocket(`${serve.origin.replace('http', 'ws')}/api?token=${serve.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const replies: unknown[] = [];
    socket.on('message', (data) => replies.push(JSON.parse(String(data))));
    socket.send('{not json');
    socket.send(JSON.stringify({ kind: 'request', id: 7, method: 'startRun', params: { trainer: 'baseline', seed: 'x' } }));
    socket.send(JSON.stringify({ kind: 'request', id: 8, method: 'listRuns', params: {} }));
    await expect.poll(() => replies.filter((reply) => (reply as { kind: string }).kind === 'response').length).toBe(3);
    const responses = replies.filter((reply) => (reply as { kind: string }).kind === 'response') as Array<{ id: number; ok: boolean; error?: { code: string } }>;
    expect(responses.find((reply) => reply.id === -1)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(responses.find((reply) => reply.id === 7)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(responses.find((reply) => reply.id === 8)).toMatchObject({ ok: true });
    socket.close();
  });
});
