// End to end, the desktop views in serve mode: start a compare-both pair from New run, watch both
// panels and the summary table fill, stop, find the runs in History after a server restart, export a
// CSV, and see a NEAT pair's learning curves overlaid. Screenshots for the README are saved when
// TRAINDECK_SCREENSHOTS is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium, removeDataDir, startServe, type ServeProcess } from './serve-helpers.ts';

const screenshots = Boolean(process.env.TRAINDECK_SCREENSHOTS);

describe.skipIf(chromiumMissing)(`desktop views in serve mode${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`, () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  /** Starts an original/optimized pair of `trainer` from New run, `seconds` each. */
  async function startComparePair(trainer: string, seconds: number): Promise<void> {
    await page.goto(serve.url);
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('new-run-trainer').selectOption(trainer);
    await page.getByTestId('new-run-mode').selectOption('compare');
    await page.getByTestId('new-run-budget').fill(String(seconds));
    await page.getByTestId('new-run-seeds').fill('1'); // one seed: a single pair, not an experiment
    await page.getByTestId('new-run-start').click();
  }

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (serve) removeDataDir(serve.dataDir);
  });

  it('shows REINFORCE\'s own settings in the New run form only while REINFORCE is chosen', async () => {
    await page.goto(serve.url);
    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('new-run-trainer').selectOption('rl');
    await page.getByTestId('option-algorithm').selectOption('ppo');
    await expect.poll(() => page.getByTestId('option-baseline').count()).toBe(0);
    expect(await page.getByTestId('option-accumulation').count()).toBe(0);
    await page.getByTestId('option-algorithm').selectOption('reinforce');
    await expect.poll(() => page.getByTestId('option-baseline').isVisible()).toBe(true);
    expect(await page.getByTestId('option-learningRate').isVisible()).toBe(true);
  });

  it('runs a compare-both pair and fills both panels and the summary table', async () => {
    await startComparePair('baseline', 4);

    await expect.poll(() => page.getByTestId('compare-table').isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('compare-panel-original').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('compare-panel-optimized').isVisible()).toBe(true);
    // Original runs first, then optimized: the speedup appears once both have finished.
    await expect.poll(async () => (await page.getByTestId('speedup').textContent())?.trim(), { timeout: 60_000 }).toMatch(/^\d[\d,.]*×$/);
    await expect.poll(async () => Number(await page.getByTestId('compare-equity-optimized').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
    await expect.poll(() => page.getByTestId('compare-panel-optimized').locator('.status').textContent(), { timeout: 30_000 }).toBe('completed');
    const table = await page.getByTestId('compare-table').textContent();
    expect(table).toContain('Final equity, test split');
    if (screenshots) {
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: 'docs/images/compare.png', fullPage: true });
    }
  });

  it('stops a run, keeps the history across a server restart, and exports a CSV', async () => {
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('seconds-input').fill('120');
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('running');
    await expect.poll(async () => Number(await page.getByTestId('chart-episodes').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
    const png = page.waitForEvent('download');
    await page.getByTestId('chart-portfolio-png').click();
    const pngFile = await png;
    expect(pngFile.suggestedFilename()).toBe('traindeck-chart-portfolio.png');
    expect(readFileSync(await pngFile.path()).subarray(1, 4).toString()).toBe('PNG');
    if (screenshots) {
      await expect.poll(async () => Number(await page.getByTestId('chart-episodes').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(25);
      await page.screenshot({ path: 'docs/images/dashboard.png', fullPage: true });
    }
    await page.getByTestId('stop-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('stopped');

    await serve.stop();
    serve = await startServe(serve.dataDir);
    await page.goto(serve.url);
    await page.getByTestId('nav-history').click();
    const rows = page.getByTestId('history-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const statuses = await rows.locator('.status').allTextContents();
    expect(statuses.sort()).toEqual(['completed', 'completed', 'stopped']);

    const download = page.waitForEvent('download');
    await rows.first().getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^traindeck-baseline-.*\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv.split('\n')[0]).toBe('run_id,trainer,mode,seed,metric,elapsed_ms,step,value');
    expect(csv).toContain(',episodesPerMin,');

    await rows.first().getByTestId('delete-run').click();
    await rows.first().getByTestId('confirm-delete').click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(pageErrors).toEqual([]);
  });

  it('overlays both paths\' validation and test Sharpe on one time axis in the compare view (NEAT, original and optimized), and the run view charts them', async () => {
    await startComparePair('neat', 5);
    await expect.poll(() => page.getByTestId('compare-panel-optimized').locator('.status').textContent(), { timeout: 120_000 }).toBe('completed');
    const labels = async () => (await page.getByTestId('compare-learning').getAttribute('data-labels'))?.split('|').sort();
    await expect.poll(labels, { timeout: 30_000 }).toEqual(['optimized · Test Sharpe', 'optimized · Validation Sharpe', 'original · Test Sharpe', 'original · Validation Sharpe']);
    // at least one evaluation per line
    expect(Number(await page.getByTestId('compare-learning').getAttribute('data-points'))).toBeGreaterThanOrEqual(4);
    // the run view charts the same two series for one run, reopened from History
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-table').locator('tbody tr').first().getByRole('button', { name: 'Open' }).click();
    await expect.poll(async () => (await page.getByTestId('chart-learning').getAttribute('data-labels'))?.split('|').sort(), { timeout: 30_000 }).toEqual(['Test Sharpe', 'Validation Sharpe']);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
