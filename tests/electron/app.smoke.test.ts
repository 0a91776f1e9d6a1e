// The Electron app itself, driven by Playwright's Electron support against the built bundle
// (out/): window isolation and CSP, the dashboard, runs in real utilityProcess trainers, a killed
// trainer, and History after a restart. It needs the Electron binary and a display, so it skips
// itself where they are missing (Linux CI) and runs on the macOS runner (.github/workflows/mac.yml).
// Screenshots go to TRAINDECK_SCREENSHOT_DIR (default tests/.tmp/electron-screenshots).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { checkThisMachine } from '../../scripts/electron-launch-check.mjs';
import type { RunRecord } from '../../src/shared/run.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const launchCheck = checkThisMachine();
const skipReason = launchCheck.ok ? undefined : launchCheck.reason;
const screenshotDir = process.env.TRAINDECK_SCREENSHOT_DIR ?? join(repoRoot, 'tests/.tmp/electron-screenshots');

/** The few page globals the evaluated functions use (this config has no DOM types). */
interface PageGlobals {
  traindeck?: { invoke(request: unknown): Promise<unknown> };
  require?: unknown;
  process?: unknown;
  __inlineRan?: boolean;
  document: { createElement(tag: 'script'): { textContent: string }; head: { append(node: unknown): void } };
}

interface Envelope<T> {
  ok: boolean;
  result?: T;
  error?: { message: string };
}

/** A request through the window's own bridge: the same path the Vue app uses. */
async function invoke<T>(page: Page, method: string, params: unknown): Promise<T> {
  const response = (await page.evaluate(
    ({ method, params }) => (globalThis as unknown as PageGlobals).traindeck!.invoke({ kind: 'request', id: Date.now(), method, params }),
    { method, params },
  )) as Envelope<T>;
  if (!response.ok) throw new Error(`${method}: ${response.error?.message}`);
  return response.result as T;
}

describe.skipIf(skipReason)(`the Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-electron-'));
  let app: ElectronApplication;
  let page: Page;
  const pageErrors: string[] = [];
  const runIds: Record<string, string> = {};

  async function launch(): Promise<void> {
    if (!launchCheck.ok) throw new Error(launchCheck.reason);
    if (!existsSync(join(repoRoot, 'out/main/index.js'))) throw new Error('The app is not built: run `npm run build` first');
    app = await _electron.launch({ executablePath: launchCheck.executablePath, args: [repoRoot, '--data-dir', dataDir], cwd: repoRoot, timeout: 60_000 });
    page = await app.firstWindow();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.waitForLoadState('domcontentloaded');
  }

  const status = async (runId: string) => (await invoke<RunRecord[]>(page, 'listRuns', {})).find((run) => run.id === runId)?.status;
  const trainerPid = (runId: string) =>
    app.evaluate(({ app: electronApp }, serviceName) => electronApp.getAppMetrics().find((metric) => metric.type === 'Utility' && metric.name === serviceName)?.pid, `TrainDeck trainer ${runId}`);

  beforeAll(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    await launch();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('opens a sandboxed, context-isolated window with no Node and the CSP in force', async () => {
    const renderer = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      return { require: typeof page.require, process: typeof page.process, bridge: typeof page.traindeck };
    });
    // contextBridge exposes nothing without context isolation, so the bridge's presence proves it
    expect(renderer).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });
    const csp = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      let evalResult = 'allowed';
      try {
        eval('1');
      } catch (error) {
        evalResult = (error as Error).name;
      }
      const inline = page.document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      page.document.head.append(inline);
      return { evalResult, inlineRan: page.__inlineRan === true };
    });
    expect(csp).toEqual({ evalResult: 'EvalError', inlineRan: false });
    const sandboxed = await app.evaluate(({ app: electronApp, BrowserWindow }) => {
      const pid = BrowserWindow.getAllWindows()[0].webContents.getOSProcessId();
      return electronApp.getAppMetrics().find((metric) => metric.pid === pid)?.sandboxed;
    });
    if (process.platform !== 'linux') expect(sandboxed).toBe(true); // Electron reports OS sandboxing on macOS and Windows only
  });

  it('shows the machine summary on the dashboard', async () => {
    await expect.poll(() => page.locator('.machine').textContent(), { timeout: 30_000 }).toMatch(/\d+ cores/);
    await page.screenshot({ path: join(screenshotDir, 'dashboard.png') });
  });

  it('runs a baseline in a utilityProcess, streams metrics and stops it with a checkpoint', async () => {
    await page.getByTestId('trainer-select').selectOption('baseline');
    await page.getByTestId('mode-select').selectOption('original');
    await page.getByTestId('seconds-input').fill('120');
    await page.getByTestId('start-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('running');
    const run = (await invoke<RunRecord[]>(page, 'listRuns', {}))[0];
    runIds.baseline = run.id;
    expect(await trainerPid(run.id)).toBeTypeOf('number');
    await expect.poll(async () => Number((await page.getByTestId('episodes-per-min').textContent())?.replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshotDir, 'live-run.png') });
    await page.getByTestId('stop-run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toBe('stopped');
    expect(existsSync(join(dataDir, 'checkpoints', run.id, 'checkpoint.bin'))).toBe(true);
  }, 90_000);

  it('starts and stops an RL and a NEAT run', async () => {
    for (const config of [
      { trainer: 'rl', mode: 'optimized', seed: 3, budget: { seconds: 120 }, options: { backend: 'onnx' } },
      { trainer: 'neat', mode: 'optimized', seed: 4, budget: { seconds: 120 }, options: { threads: 2 } },
    ]) {
      const started = await invoke<RunRecord>(page, 'startRun', config);
      runIds[config.trainer] = started.id;
      await expect.poll(() => status(started.id), { timeout: 60_000 }).toBe('running');
      const stopped = await invoke<RunRecord>(page, 'stopRun', { runId: started.id });
      expect(stopped.error).toBeUndefined();
      expect(stopped.status).toBe('stopped');
    }
  }, 180_000);

  it('marks a run failed when its trainer process is killed, and keeps working', async () => {
    const started = await invoke<RunRecord>(page, 'startRun', { trainer: 'baseline', mode: 'original', seed: 8, budget: { seconds: 120 } });
    runIds.killed = started.id;
    await expect.poll(() => status(started.id), { timeout: 30_000 }).toBe('running');
    const pid = await trainerPid(started.id);
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    await expect.poll(() => status(started.id), { timeout: 30_000 }).toBe('failed');
    const failed = (await invoke<RunRecord[]>(page, 'listRuns', {})).find((run) => run.id === started.id);
    expect(failed?.error).toMatch(/Trainer process/);
    const next = await invoke<RunRecord>(page, 'startRun', { trainer: 'baseline', mode: 'original', seed: 9, budget: { episodes: 50 } });
    await expect.poll(() => status(next.id), { timeout: 60_000 }).toBe('completed');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows the runs in History after the app restarts', async () => {
    await app.close();
    await launch();
    await page.getByTestId('nav-history').click();
    await expect.poll(() => page.getByTestId('history-table').locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    const runs = await invoke<RunRecord[]>(page, 'listRuns', {});
    expect(runs.find((run) => run.id === runIds.baseline)?.status).toBe('stopped');
    expect(runs.find((run) => run.id === runIds.killed)?.status).toBe('failed');
    await page.screenshot({ path: join(screenshotDir, 'history-after-restart.png') });
  }, 120_000);
});
