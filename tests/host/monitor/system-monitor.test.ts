// SystemMonitor emits one schema-valid SystemSample per interval with machine, trainer and GPU
// figures, stops cleanly, and keeps going when a listener throws.
import { afterEach, describe, expect, it } from 'vitest';
import type { GpuReading } from '../../../src/host/monitor/gpu-reading.ts';
import { systemSampleSchema, type SystemSample } from '../../../src/shared/system.ts';
import { SystemMonitor } from '../../../src/host/monitor/system-monitor.ts';

const monitors: SystemMonitor[] = [];
afterEach(() => {
  for (const monitor of monitors.splice(0)) monitor.stop();
});

function makeMonitor(gpu: GpuReading, options: { onError?: (error: unknown) => void } = {}): SystemMonitor {
  const monitor = new SystemMonitor({ intervalMs: 50, gpuMonitor: { read: async () => gpu }, ...options });
  monitors.push(monitor);
  return monitor;
}

function nextSamples(monitor: SystemMonitor, count: number): Promise<SystemSample[]> {
  return new Promise((resolve) => {
    const samples: SystemSample[] = [];
    const unsubscribe = monitor.onSample((sample) => {
      samples.push(sample);
      if (samples.length === count) {
        unsubscribe();
        resolve(samples);
      }
    });
  });
}

const appleGpu: GpuReading = {
  available: true,
  source: 'ioreg',
  devices: [{ index: 0, name: 'Apple M3 Max', utilizationPercent: 71, rendererUtilizationPercent: 60, tilerUtilizationPercent: 55, memoryUsedBytes: 3e9, memoryAllocatedBytes: 5e9, memoryTotalBytes: null, coreCount: 40, temperatureCelsius: null, powerWatts: null }],
};

describe('SystemMonitor', () => {
  it('emits schema-valid samples with the trainer processes it was given', async () => {
    const monitor = makeMonitor(appleGpu);
    monitor.setTrainerPids({ 'run-a': process.pid });
    monitor.start();
    expect(monitor.running).toBe(true);
    const samples = await nextSamples(monitor, 2);
    for (const sample of samples) {
      expect(systemSampleSchema.parse(sample)).toEqual(sample);
      // JSON round trip loses nothing: the sample crosses IPC and WebSocket as is.
      expect(JSON.parse(JSON.stringify(sample))).toEqual(sample);
      expect(sample.trainers).toHaveLength(1);
      expect(sample.trainers[0]).toMatchObject({ runId: 'run-a', pid: process.pid });
      expect(sample.gpuSource).toBe('ioreg');
      expect(sample.gpus[0].utilizationPercent).toBe(71);
      expect(sample.gpuUnavailableReason).toBeNull();
      expect(sample.machineMemoryTotalBytes).toBeGreaterThan(0);
      expect(sample.intervalMs).not.toBeNull();
    }
    expect(samples[1].timestamp).toBeGreaterThanOrEqual(samples[0].timestamp);
    if (process.platform === 'linux') expect(samples[1].trainers[0].cpuPercent).not.toBeNull();
  });

  it('carries the GPU unavailable reason', async () => {
    const monitor = makeMonitor({ available: false, source: null, reason: 'GPU monitoring is not supported on win32' });
    const sample = await monitor.sampleOnce();
    expect(sample).toMatchObject({ gpuSource: null, gpus: [], gpuUnavailableReason: 'GPU monitoring is not supported on win32', trainers: [] });
    expect(systemSampleSchema.parse(sample)).toEqual(sample);
  });

  it('follows setTrainerPids and drops runs that were removed', async () => {
    const monitor = makeMonitor(appleGpu);
    monitor.setTrainerPids(new Map([['run-a', process.pid], ['run-b', process.pid]]));
    expect((await monitor.sampleOnce()).trainers.map((trainer) => trainer.runId)).toEqual(['run-a', 'run-b']);
    monitor.setTrainerPids(new Map());
    expect((await monitor.sampleOnce()).trainers).toEqual([]);
  });

  it('rejects an invalid pid and a too-short interval', () => {
    const monitor = makeMonitor(appleGpu);
    expect(() => monitor.setTrainerPids({ 'run-a': -4 })).toThrow(/run-a must be a positive integer/);
    expect(() => new SystemMonitor({ intervalMs: 5 })).toThrow(/at least 50/);
  });

  it('reports a throwing listener and keeps sampling for the others', async () => {
    const errors: unknown[] = [];
    const monitor = makeMonitor(appleGpu, { onError: (error) => errors.push(error) });
    monitor.onSample(() => {
      throw new Error('listener broke');
    });
    monitor.start();
    await nextSamples(monitor, 2);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect((errors[0] as Error).message).toBe('listener broke');
  });

  it('emits nothing after stop', async () => {
    const monitor = makeMonitor(appleGpu);
    monitor.start();
    await nextSamples(monitor, 1);
    monitor.stop();
    expect(monitor.running).toBe(false);
    let late = 0;
    monitor.onSample(() => late++);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(late).toBe(0);
  });
});
