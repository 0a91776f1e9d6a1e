// GpuMonitor picks the probe by platform, runs it with a timeout and never throws; runCommand
// turns missing tools, timeouts and failures into reasons.
import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../src/host/monitor/command.ts';
import { runCommand } from '../../../src/host/monitor/command.ts';
import { GpuMonitor, findOnPath } from '../../../src/host/monitor/gpu-monitor.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function recordingRunner(answer: Awaited<ReturnType<CommandRunner>>): { runner: CommandRunner; calls: { file: string; args: readonly string[]; timeoutMs: number }[] } {
  const calls: { file: string; args: readonly string[]; timeoutMs: number }[] = [];
  return {
    calls,
    runner: async (file, args, { timeoutMs }) => {
      calls.push({ file, args, timeoutMs });
      return answer;
    },
  };
}

describe('GpuMonitor', () => {
  it('runs ioreg on macOS and parses its output', async () => {
    const { runner, calls } = recordingRunner({ ok: true, stdout: '+-o AGX  <class AGXAcceleratorG13G, id 0x1>\n  "PerformanceStatistics" = {"Device Utilization %"=9}\n  "model" = "Apple M1"\n' });
    const reading = await new GpuMonitor({ platform: 'darwin', runCommand: runner, timeoutMs: 1500 }).read();
    expect(calls).toEqual([{ file: '/usr/sbin/ioreg', args: ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'], timeoutMs: 1500 }]);
    expect(reading).toMatchObject({ available: true, source: 'ioreg', devices: [{ name: 'Apple M1', utilizationPercent: 9 }] });
  });

  it('passes an ioreg failure on as the reason', async () => {
    const { runner } = recordingRunner({ ok: false, reason: '/usr/sbin/ioreg did not answer within 2000 ms' });
    expect(await new GpuMonitor({ platform: 'darwin', runCommand: runner }).read()).toEqual({ available: false, source: 'ioreg', reason: '/usr/sbin/ioreg did not answer within 2000 ms' });
  });

  it('runs nvidia-smi from PATH on Linux', async () => {
    const { runner, calls } = recordingRunner({ ok: true, stdout: '0, 50, 1024, 8192, 55, 80.5, NVIDIA GeForce RTX 3070\n' });
    const monitor = new GpuMonitor({ platform: 'linux', runCommand: runner, findExecutable: () => '/usr/bin/nvidia-smi' });
    const reading = await monitor.read();
    expect(calls[0].file).toBe('/usr/bin/nvidia-smi');
    expect(calls[0].args[1]).toBe('--format=csv,noheader,nounits');
    expect(reading).toMatchObject({ available: true, source: 'nvidia-smi', devices: [{ utilizationPercent: 50 }] });
  });

  it('looks for nvidia-smi again after it failed', async () => {
    let lookups = 0;
    const { runner } = recordingRunner({ ok: false, reason: '/usr/bin/nvidia-smi exited with code 9: "NVIDIA-SMI has failed"' });
    const monitor = new GpuMonitor({ platform: 'linux', runCommand: runner, findExecutable: () => (lookups++, '/usr/bin/nvidia-smi') });
    expect(await monitor.read()).toMatchObject({ available: false, source: 'nvidia-smi', reason: expect.stringContaining('exited with code 9') });
    await monitor.read();
    expect(lookups).toBe(2);
  });

  it('says why on Linux without nvidia-smi, without running anything', async () => {
    const { runner, calls } = recordingRunner({ ok: true, stdout: '' });
    const reading = await new GpuMonitor({ platform: 'linux', runCommand: runner, findExecutable: () => undefined }).read();
    expect(calls).toHaveLength(0);
    expect(reading).toEqual({ available: false, source: null, reason: expect.stringContaining('nvidia-smi is not on PATH') });
  });

  it('says the platform is not supported elsewhere', async () => {
    const reading = await new GpuMonitor({ platform: 'win32' }).read();
    expect(reading).toEqual({ available: false, source: null, reason: expect.stringContaining('not supported on win32') });
  });

  it('turns a throwing runner into an unavailable reading', async () => {
    const monitor = new GpuMonitor({ platform: 'darwin', runCommand: () => Promise.reject(new Error('spawn exploded')) });
    expect(await monitor.read()).toEqual({ available: false, source: null, reason: 'GPU probe failed: spawn exploded' });
  });

  it('gives a reading on this machine without throwing', async () => {
    const reading = await new GpuMonitor().read();
    if (process.platform === 'linux' && !findOnPath('nvidia-smi')) expect(reading).toMatchObject({ available: false, reason: expect.stringContaining('nvidia-smi') });
    else if (!reading.available) expect(reading.reason.length).toBeGreaterThan(0);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => new GpuMonitor({ timeoutMs: 0 })).toThrow(/timeoutMs must be positive/);
  });
});

describe('findOnPath', () => {
  it('finds executable files only', () => {
    const directory = mkdtempSync(join(tmpdir(), 'traindeck-path-'));
    directories.push(directory);
    writeFileSync(join(directory, 'tool'), '#!/bin/sh\necho hi\n');
    chmodSync(join(directory, 'tool'), 0o755);
    writeFileSync(join(directory, 'plain'), 'not executable');
    mkdirSync(join(directory, 'folder'));
    chmodSync(join(directory, 'folder'), 0o755);
    expect(findOnPath('tool', `/nonexistent:${directory}`)).toBe(join(directory, 'tool'));
    expect(findOnPath('plain', directory)).toBeUndefined();
    expect(findOnPath('folder', directory)).toBeUndefined();
    expect(findOnPath('tool', '')).toBeUndefined();
  });
});

describe('runCommand', () => {
  it('collects stdout', async () => {
    expect(await runCommand(process.execPath, ['-e', 'process.stdout.write("ok")'], { timeoutMs: 10_000 })).toEqual({ ok: true, stdout: 'ok' });
  });

  it('reports a missing tool', async () => {
    expect(await runCommand('/nonexistent/traindeck-no-such-tool', [], { timeoutMs: 1000 })).toEqual({ ok: false, reason: '/nonexistent/traindeck-no-such-tool was not found', stdout: '', exitCode: undefined });
  });

  it('reports a non-zero exit with the output, keeping stdout', async () => {
    const result = await runCommand(process.execPath, ['-e', 'process.stdout.write("partial"); process.stderr.write("broken driver"); process.exit(9)'], { timeoutMs: 10_000 });
    expect(result).toEqual({ ok: false, reason: `${process.execPath} exited with code 9: "broken driver"`, stdout: 'partial', exitCode: 9 });
  });

  it('stops a tool that does not answer in time', async () => {
    const result = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, reason: `${process.execPath} did not answer within 300 ms` });
  });
});
