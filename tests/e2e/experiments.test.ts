// End to end, experiments in serve mode: create a baseline experiment over two seeds in both modes
// from the Experiments view, wait for it to finish, and check the page's bands, per-group summary
// with intervals, comparisons and CSV export; then sweep a NEAT setting from the form and check the
// parallel-coordinates chart draws one line per trial, with the best point highlighted, and its PNG.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, removeDataDir, startServe, type ServeProcess } from './serve-helpers.ts';

const screenshots = Boolean(process.env.TRAINDECK_SCREENSHOTS);

describe.skipIf(chromiumMissing)(`experiments in serve mode${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, acceptDownloads: true });
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

  it('runs a baseline experiment in both modes over two seeds and shows bands, intervals and comparisons', async () => {
    await page.goto(serve.url);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('open');
    await page.getByTestId('nav-experiments').click();
    await page.getByTestId('experiment-trainer').selectOption('baseline');
    await page.getByTestId('experiment-mode').selectOption('both');
    await page.getByTestId('experiment-seeds').fill('1, 2');
    await page.getByTestId('experiment-budget-unit').selectOption('seconds');
    await page.getByTestId('experiment-budget').fill('2');
    expect(await page.getByTestId('experiment-trial-count').textContent()).toContain('4 trials');
    await page.getByTestId('experiment-start').click();

    await expect.poll(() => page.getByTestId('experiment-page').isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('experiment-status').textContent(), { timeout: 90_000 }).toBe('completed');
    // The report follows the events, throttled: wait until it shows every trial finished.
    const trialRows = page.getByTestId('trial-table').locator('tbody tr');
    await expect.poll(() => trialRows.locator('.status.completed').count(), { timeout: 15_000 }).toBe(4);
    expect(await page.getByTestId('trials-by-worker').textContent()).toContain('local');

    // One mean line and band per mode, for throughput and for the reported policy's test Sharpe.
    const throughput = page.getByTestId('experiment-throughput-bands');
    await expect.poll(() => throughput.getAttribute('data-groups'), { timeout: 15_000 }).toBe('2');
    expect(Number(await throughput.getAttribute('data-points'))).toBeGreaterThan(1);
    await expect.poll(() => page.getByTestId('experiment-sharpe-bands').getAttribute('data-groups'), { timeout: 15_000 }).toBe('2');

    const summaries = page.getByTestId('group-summary');
    expect(await summaries.count()).toBe(2);
    expect(await summaries.evaluateAll((sections) => sections.map((section) => section.getAttribute('data-mode')).sort())).toEqual(['optimized', 'original']);
    const intervals = await page.getByTestId('summary-interval').allTextContents();
    expect(intervals).toHaveLength(10); // test Sharpe, return, drawdown, trades, throughput x 2 modes
    for (const interval of intervals) expect(interval.trim()).toMatch(/^\[-?[\d,.]+, -?[\d,.]+\] \S+/);
    expect(intervals.some((interval) => interval.includes('episodes/min'))).toBe(true);

    const comparison = page.getByTestId('comparison-row');
    expect(await comparison.count()).toBe(1);
    expect(await comparison.getAttribute('data-kind')).toBe('optimized-vs-original');
    expect((await comparison.getByTestId('comparison-speedup').textContent())?.trim()).toMatch(/^[\d,.]+× \[[\d,.]+×, [\d,.]+×\], n = 2 seed pairs$/);
    expect((await comparison.getByTestId('comparison-sharpe-difference').textContent())?.trim()).toMatch(/^[+-]?[\d,.]+ \[[+-]?[\d,.]+, [+-]?[\d,.]+\] Sharpe, n = 2 seed pairs$/);
    expect((await comparison.getByTestId('comparison-probability').textContent())?.trim()).toMatch(/^[\d.]+ %$/);

    const download = page.waitForEvent('download');
    await page.getByTestId('experiment-export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^trial,seed,mode,status,/);
    expect(csv).toHaveLength(5);

    if (screenshots) {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/experiment.png', fullPage: true });
    }
    const png = page.waitForEvent('download');
    await page.getByTestId('experiment-throughput-bands-png').click();
    expect(readFileSync(await (await png).path()).subarray(1, 4).toString()).toBe('PNG');
    expect(pageErrors).toEqual([]);
  });

  it('shows the experiment bands and intervals beside one seed pair in the compare view', async () => {
    // The compare view picks a pair with a compare group: here seed 2's original and optimized trials.
    await page.getByTestId('nav-compare').click();
    await expect.poll(() => page.getByTestId('compare-experiment').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('compare-table').isVisible()).toBe(true);
    await expect.poll(async () => (await page.getByTestId('compare-experiment-speedup').textContent())?.trim(), { timeout: 15_000 }).toMatch(/^[\d,.]+× \[[\d,.]+×, [\d,.]+×\], n = 2 seed pairs$/);
    expect((await page.getByTestId('compare-experiment-sharpe').textContent())?.trim()).toMatch(/\] Sharpe, n = 2 seed pairs$/);
    await expect.poll(() => page.getByTestId('compare-experiment-throughput-bands').getAttribute('data-groups'), { timeout: 15_000 }).toBe('2');
  });

  it('starts an experiment from New run compare-both over two seeds, stops and deletes it', async () => {
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('new-run-trainer').selectOption('baseline');
    await page.getByTestId('new-run-mode').selectOption('compare');
    await page.getByTestId('new-run-seeds').fill('2');
    await page.getByTestId('new-run-budget').fill('30');
    expect(await page.getByTestId('new-run-start').textContent()).toContain('over 2 seeds');
    await page.getByTestId('new-run-start').click();

    await expect.poll(() => page.getByTestId('experiment-page').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('experiment-page').textContent()).toContain('original vs optimized');
    await expect.poll(() => page.getByTestId('trial-table').locator('tbody .status.running').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('experiment-stop').click();
    await expect.poll(() => page.getByTestId('experiment-status').textContent(), { timeout: 30_000 }).toBe('stopped');
    expect(await page.getByTestId('experiment-resume').isVisible()).toBe(true);
    await page.getByTestId('experiment-delete').click();
    await page.getByTestId('experiment-confirm-delete').click();
    await expect.poll(() => page.getByTestId('experiment-list').locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('sweeps a NEAT setting and draws one parallel-coordinates line per trial', async () => {
    await page.getByTestId('nav-experiments').click();
    expect(await page.getByTestId('experiment-list').locator('tbody tr').count()).toBe(1);
    await page.getByTestId('experiment-trainer').selectOption('neat');
    await page.getByTestId('experiment-mode').selectOption('optimized');
    await page.getByTestId('experiment-seeds').fill('1');
    await page.getByTestId('experiment-budget-unit').selectOption('generations');
    await page.getByTestId('experiment-budget').fill('1');
    await page.getByTestId('space-add-key').selectOption('neat.populationSize');
    await page.getByTestId('space-add').click();
    // A range is for random search only: the form says so inline, and counts random draws instead.
    await page.getByTestId('space-kind-neat.populationSize').selectOption('range');
    expect(await page.getByTestId('space-row-error').textContent()).toContain('random search');
    expect(await page.getByTestId('experiment-start').isDisabled()).toBe(true);
    await page.getByTestId('experiment-search').selectOption('random');
    expect(await page.getByTestId('space-row-error').count()).toBe(0);
    expect(await page.getByTestId('experiment-trial-count').textContent()).toContain('10 trials');
    await page.getByTestId('experiment-search').selectOption('grid');
    await page.getByTestId('space-kind-neat.populationSize').selectOption('list');
    await page.getByTestId('space-values-neat.populationSize').fill('10, 12');
    expect(await page.getByTestId('experiment-trial-count').textContent()).toContain('2 trials');
    await page.getByTestId('experiment-start').click();

    await expect.poll(() => page.getByTestId('experiment-status').textContent(), { timeout: 90_000 }).toBe('completed');
    const lines = page.getByTestId('parallel-line');
    await expect.poll(() => lines.count(), { timeout: 15_000 }).toBe(2);
    expect(await page.getByTestId('parallel-coordinates').getAttribute('data-lines')).toBe('2');
    // The best point is one population size, and its one seed is its one trial.
    expect(await lines.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-best')).sort())).toEqual(['false', 'true']);
    expect(await page.getByTestId('parallel-legend-entry').allTextContents()).toContainEqual(expect.stringMatching(/^best point: optimized · neat\.populationSize=1[02]/));
    // NEAT evaluates while training: test Sharpe bands, one per point.
    await expect.poll(() => page.getByTestId('experiment-sharpe-bands').getAttribute('data-groups'), { timeout: 15_000 }).toBe('2');
    expect(await page.getByTestId('comparison-row').getAttribute('data-kind')).toBe('vs-best');

    if (screenshots) await page.screenshot({ path: 'docs/images/experiment-sweep.png', fullPage: true });
    const png = page.waitForEvent('download');
    await page.getByTestId('parallel-coordinates-png').click();
    const file = await png;
    expect(file.suggestedFilename()).toBe('traindeck-parallel-coordinates.png');
    expect(readFileSync(await file.path()).subarray(1, 4).toString()).toBe('PNG');
    expect(pageErrors).toEqual([]);
  });
});
