// The nvidia-smi parser on outputs of `nvidia-smi --query-gpu=<nvidiaSmiQueryFields>
// --format=csv,noheader,nounits`: one and two GPUs, not-available fields, driver errors, garbage.
import { describe, expect, it } from 'vitest';
import { nvidiaSmiArguments, nvidiaSmiQueryFields, parseNvidiaSmi } from '../../../src/host/monitor/nvidia-smi.ts';
import { gpuDeviceSampleSchema } from '../../../src/shared/system.ts';

const mebibyte = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('asks for the fields it parses, name last, without units or header', () => {
    expect(nvidiaSmiArguments).toEqual(['--query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,name', '--format=csv,noheader,nounits']);
    expect(nvidiaSmiQueryFields.at(-1)).toBe('name');
  });

  it('reads one GPU', () => {
    const reading = parseNvidiaSmi('0, 37, 10240, 24564, 61, 231.45, NVIDIA GeForce RTX 4090\n');
    if (!reading.available) throw new Error(reading.reason);
    expect(reading.source).toBe('nvidia-smi');
    expect(reading.devices).toEqual([
      {
        index: 0,
        name: 'NVIDIA GeForce RTX 4090',
        utilizationPercent: 37,
        rendererUtilizationPercent: null,
        tilerUtilizationPercent: null,
        memoryUsedBytes: 10240 * mebibyte,
        memoryAllocatedBytes: null,
        memoryTotalBytes: 24564 * mebibyte,
        coreCount: null,
        temperatureCelsius: 61,
        powerWatts: 231.45,
      },
    ]);
    expect(gpuDeviceSampleSchema.parse(reading.devices[0])).toEqual(reading.devices[0]);
  });

  it('reads two GPUs with [N/A] and [Not Supported] fields as null', () => {
    const text = ['0, 98, 79150, 81920, 66, 387.12, NVIDIA A100-SXM4-80GB', '1, [N/A], 3, 81920, [N/A], [Not Supported], NVIDIA A100-SXM4-80GB', ''].join('\n');
    const reading = parseNvidiaSmi(text);
    if (!reading.available) throw new Error(reading.reason);
    expect(reading.devices.map((gpu) => gpu.index)).toEqual([0, 1]);
    expect(reading.devices[0]).toMatchObject({ utilizationPercent: 98, memoryUsedBytes: 79150 * mebibyte, powerWatts: 387.12 });
    expect(reading.devices[1]).toMatchObject({ utilizationPercent: null, memoryUsedBytes: 3 * mebibyte, temperatureCelsius: null, powerWatts: null, name: 'NVIDIA A100-SXM4-80GB' });
  });

  it('keeps a comma in the name and accepts CRLF line ends', () => {
    const reading = parseNvidiaSmi('0, 5, 100, 8192, 40, 20.5, Quadro RTX 4000, Mobile\r\n');
    expect(reading.available && reading.devices[0].name).toBe('Quadro RTX 4000, Mobile');
  });

  it('skips a header line and a cut-off line but keeps the good lines', () => {
    const text = 'index, utilization.gpu [%], memory.used [MiB], memory.total [MiB], temperature.gpu, power.draw [W], name\n0, 12, 2048, 16384, 50, 70.1, Tesla T4\n1, 3, 10';
    const reading = parseNvidiaSmi(text);
    if (!reading.available) throw new Error(reading.reason);
    expect(reading.devices).toHaveLength(1);
    expect(reading.devices[0].name).toBe('Tesla T4');
  });

  it('rejects an out-of-range utilisation instead of passing it on', () => {
    const reading = parseNvidiaSmi('0, 140, 100, 8192, 40, 20.5, Odd GPU');
    expect(reading.available && reading.devices[0].utilizationPercent).toBeNull();
  });

  it('reports a driver failure as unavailable with its message', () => {
    const reading = parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n");
    expect(reading.available).toBe(false);
    if (!reading.available) {
      expect(reading.source).toBe('nvidia-smi');
      expect(reading.reason).toMatch(/not understood: "NVIDIA-SMI has failed because it couldn't communicate/);
    }
  });

  it('reports a field an older driver does not know as unavailable', () => {
    const reading = parseNvidiaSmi('Field "power.draw" is not a valid field to query.\n');
    expect(reading.available).toBe(false);
    if (!reading.available) expect(reading.reason).toContain('power.draw');
  });

  it('reports a line with missing columns or garbage as unavailable', () => {
    for (const text of ['0, 37, 10240, 24564', 'a, b, c, d, e, f, g', '0, 37, lots, 24564, 61, 231.45, GPU', '\u0000\u0007garbage']) {
      expect(parseNvidiaSmi(text).available, text).toBe(false);
    }
  });

  it('reports empty output as no GPU', () => {
    expect(parseNvidiaSmi('')).toEqual({ available: false, source: 'nvidia-smi', reason: 'nvidia-smi listed no GPU' });
  });
});
