// `traindeck serve` flags: a bind beyond loopback is allowed but warned about, and the run limit
// it serves with is printed.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopbackAddress } from '../../../src/cli/commands/serve.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-serve-flags-'));
const rendererDir = mkdtempSync(join(tmpdir(), 'traindeck-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>TrainDeck</title>');
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Starts serve with ARGS, returns everything it printed up to its URL, then stops it. */
async function serveOutput(...args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['bin/traindeck.js', 'serve', '--port', '0', '--data-dir', dataDir, '--renderer-dir', rendererDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL:\n${output}`)), 20_000);
    child.stdout?.on('data', () => {
      if (/serving at/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return output;
}

describe('traindeck serve', () => {
  it('tells loopback addresses from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', 'box.lan', '128.0.0.1'].some(isLoopbackAddress)).toBe(false);
  });

  it('warns when bound to every interface, and prints its run limit', async () => {
    const output = await serveOutput('--host', '0.0.0.0', '--max-runs', '3');
    expect(output).toMatch(/Warning: --host 0\.0\.0\.0 makes TrainDeck reachable from the network/);
    expect(output).toMatch(/serving at http:\/\/0\.0\.0\.0:\d+\/\?token=\S+ \(at most 3 runs at a time\)/);
  }, 30_000);

  it('does not warn on loopback', async () => {
    const output = await serveOutput('--max-runs', '1');
    expect(output).not.toMatch(/Warning/);
    expect(output).toMatch(/\(at most 1 run at a time\)/);
  }, 30_000);
});
