// `TrainDeck --smoke DIR`: the packaged app checks itself and quits. The macOS workflow opens the
// .app from the dmg this way, because the packaged app's fuses (no --inspect) keep Playwright out.
// It runs on a throwaway data folder in DIR and writes DIR/smoke-report.json and screenshots; the
// exit code is 0 only when every check passed.
import { app, type BrowserWindow } from 'electron';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManager } from '../host/run-manager.ts';
import type { RunConfigInput, RunRecord } from '../shared/run.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const smokeTimeoutMs = 240_000;

export async function runSmokeCheck(window: BrowserWindow, runManager: RunManager, outputDir: string): Promise<number> {
  const checks: Check[] = [];
  const record = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const page = <T>(code: string) => window.webContents.executeJavaScript(code) as Promise<T>;
  const screenshot = async (name: string) => writeFileSync(join(outputDir, `${name}.png`), (await window.webContents.capturePage()).toPNG());
  const deadline = setTimeout(() => {
    record('finished in time', false, `the smoke check ran past ${smokeTimeoutMs / 1000} s`);
    finish();
    app.exit(1); // a hung step must not hang the workflow
  }, smokeTimeoutMs);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    writeFileSync(join(outputDir, 'smoke-report.json'), `${JSON.stringify({ ok: checks.every((check) => check.ok), checks }, null, 2)}\n`);
  };

  try {
    // OS-level sandbox of the renderer process, as macOS and Windows report it
    const rendererPid = window.webContents.getOSProcessId();
    const rendererMetrics = app.getAppMetrics().find((metric) => metric.pid === rendererPid);
    record('renderer process is sandboxed', rendererMetrics?.sandboxed === true, JSON.stringify(rendererMetrics ?? { pid: rendererPid, found: false }));
    const renderer = await page<{ require: string; process: string; bridge: string; eval: string }>(
      `(() => { let evalResult; try { eval('1'); evalResult = 'allowed'; } catch (error) { evalResult = error.name; }
        return { require: typeof require, process: typeof process, bridge: typeof window.traindeck, eval: evalResult }; })()`,
    );
    // contextBridge refuses to expose anything without context isolation, so the bridge proves it
    record('context isolation on, no Node in the renderer', renderer.require === 'undefined' && renderer.process === 'undefined' && renderer.bridge === 'object', JSON.stringify(renderer));
    record('CSP blocks eval', renderer.eval === 'EvalError', `eval() gave ${renderer.eval}`);
    const cpuCores = await waitFor(() => page<string>(`document.querySelector('.machine .facts')?.textContent ?? ''`), (text) => /\d+ cores/.test(text), 30_000);
    record('dashboard shows the machine summary', /\d+ cores/.test(cpuCores), cpuCores.slice(0, 200));

    const baseline = await invoke<RunRecord>(page, 'startRun', { trainer: 'baseline', mode: 'original', seed: 5, budget: { seconds: 120 } });
    const metrics = await waitForMetrics(runManager, baseline.id, 30_000);
    record('baseline streams metrics in a utilityProcess', metrics > 0 && runManager.livePids().has(baseline.id), `${metrics} metric samples, pid ${runManager.livePids().get(baseline.id)}`);
    await screenshot('dashboard-live-run');
    const stopped = await invoke<RunRecord>(page, 'stopRun', { runId: baseline.id });
    const checkpoint = runManager.latestCheckpoint(baseline.id);
    record('baseline stops with a checkpoint', stopped.status === 'stopped' && checkpoint !== undefined && existsSync(checkpoint), `${stopped.status}, checkpoint ${checkpoint ?? 'none'}`);

    // RL on onnx loads the native runtime from app.asar.unpacked and the mask thread from the bundle;
    // optimized NEAT loads its evaluation threads from the bundle.
    for (const [name, config] of [
      ['RL', { trainer: 'rl', mode: 'optimized', seed: 6, budget: { episodes: 64 }, options: { backend: 'onnx', evaluationEvery: 0 } }],
      ['NEAT', { trainer: 'neat', mode: 'optimized', seed: 7, budget: { generations: 2 }, options: { neat: { populationSize: 12 }, threads: 2 } }],
    ] as Array<[string, RunConfigInput]>) {
      const started = await invoke<RunRecord>(page, 'startRun', config);
      const done = await runManager.whenFinished(started.id);
      record(`${name} run completes`, done.status === 'completed', `${done.status}${done.error ? `: ${done.error}` : ''}`);
    }
    await screenshot('dashboard-after-runs');
  } catch (error) {
    record('smoke check ran to the end', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  finish();
  return checks.every((check) => check.ok) ? 0 : 1;
}

async function invoke<T>(page: <R>(code: string) => Promise<R>, method: string, params: unknown): Promise<T> {
  const response = await page<{ ok: boolean; result?: T; error?: { message: string } }>(
    `window.traindeck.invoke(${JSON.stringify({ kind: 'request', id: Date.now(), method, params })})`,
  );
  if (!response.ok) throw new Error(`${method} failed: ${response.error?.message}`);
  return response.result as T;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

function waitForMetrics(runManager: RunManager, runId: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let count = 0;
    const timer = setTimeout(() => {
      unsubscribe();
      resolve(count);
    }, timeoutMs);
    const unsubscribe = runManager.on('runMetrics', (batch) => {
      if (batch.runId !== runId) return;
      count += batch.samples.filter((sample) => sample.name === 'episodesPerMin' && sample.value > 0).length;
      if (count >= 2) {
        clearTimeout(timer);
        unsubscribe();
        resolve(count);
      }
    });
  });
}
