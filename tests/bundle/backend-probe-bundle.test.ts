// The About panel's backend probe as the app runs it: out/main/backend-probe.js in a
// utilityProcess (here through the parentPort adapter), from a copy of out/ away from the sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { BackendProbeReport } from '../../src/main/about.ts';
import { stageBundle, type StagedBundle } from './staged-bundle.ts';

let bundle: StagedBundle;
beforeAll(() => {
  bundle = stageBundle();
});
afterAll(() => bundle.remove());

describe('the bundled backend probe', () => {
  it('reports every compute backend, onnxruntime among them with its version, and exits', async () => {
    const child = fork(join(import.meta.dirname, 'parent-port-adapter.mjs'), [join(bundle.mainDir, 'backend-probe.js')], {
      cwd: bundle.root,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: ['--disable-warning=ExperimentalWarning'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const report = await new Promise<BackendProbeReport>((resolve, reject) => {
      child.once('message', (message) => resolve(message as BackendProbeReport));
      child.once('exit', (code) => reject(new Error(`the probe exited with ${code} before reporting: ${stderr}`)));
    });
    const exitCode = await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(child.exitCode)));
    expect(exitCode).toBe(0);
    expect(report.backends.map((backend) => backend.name).sort()).toEqual(['js', 'onnx', 'tfjs-node', 'tfjs-wasm', 'tfjs-webgpu']);
    expect(report.backends.find((backend) => backend.name === 'onnx')).toMatchObject({ available: true });
    for (const backend of report.backends) expect(backend.available || (backend.reason ?? '').length > 0).toBe(true);
    expect(report.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);
});
