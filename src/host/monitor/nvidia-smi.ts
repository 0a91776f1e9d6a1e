// Parser for `nvidia-smi --query-gpu=... --format=csv,noheader,nounits`: one CSV line per GPU, in
// the order of `nvidiaSmiQueryFields`. The name comes last because it is the only field that may
// contain a comma. Fields the card or driver does not support print as `[N/A]` or `[Not Supported]`
// and become null.
import { blankGpuDevice, nonNegativeOrNull, percentOrNull, quoteOutput, unavailableGpu, type GpuReading } from './gpu-reading.ts';
import type { GpuDeviceSample } from '../../shared/system.ts';

export const nvidiaSmiCommand = 'nvidia-smi';

export const nvidiaSmiQueryFields = ['index', 'utilization.gpu', 'memory.used', 'memory.total', 'temperature.gpu', 'power.draw', 'name'] as const;

export const nvidiaSmiArguments = [`--query-gpu=${nvidiaSmiQueryFields.join(',')}`, '--format=csv,noheader,nounits'] as const;

const mebibyte = 1024 * 1024;

/** Values nvidia-smi prints in place of a number it cannot read. */
const notAvailable = /^\[?(?:N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requires Pid)\]?$/i;

export function parseNvidiaSmi(text: string): GpuReading {
  const devices: GpuDeviceSample[] = [];
  const rejected: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const device = parseLine(line);
    if (device) devices.push(device);
    else rejected.push(line);
  }
  if (devices.length > 0) return { available: true, source: 'nvidia-smi', devices };
  if (rejected.length === 0) return unavailableGpu('nvidia-smi', 'nvidia-smi listed no GPU');
  return unavailableGpu('nvidia-smi', `nvidia-smi output not understood: ${quoteOutput(rejected.join('\n'))}`);
}

/** One GPU line, or null when the line is not one (a header, an error message, a cut line). */
function parseLine(line: string): GpuDeviceSample | null {
  const fields = line.split(',').map((field) => field.trim());
  const nameIndex = nvidiaSmiQueryFields.length - 1;
  if (fields.length < nvidiaSmiQueryFields.length) return null;
  const [index, utilization, memoryUsed, memoryTotal, temperature, power] = fields;
  if (!/^\d+$/.test(index)) return null;
  const numeric = [utilization, memoryUsed, memoryTotal, temperature, power];
  // A line of a different query or of prose can have enough commas; require every numeric
  // column to be a number or a not-available marker.
  if (!numeric.every((field) => notAvailable.test(field) || /^-?\d+(?:\.\d+)?$/.test(field))) return null;
  const device = blankGpuDevice(Number(index));
  const name = fields.slice(nameIndex).join(', ');
  device.name = name === '' || notAvailable.test(name) ? null : name;
  device.utilizationPercent = percentOrNull(valueOf(utilization));
  const used = nonNegativeOrNull(valueOf(memoryUsed));
  device.memoryUsedBytes = used === null ? null : used * mebibyte;
  const total = nonNegativeOrNull(valueOf(memoryTotal));
  device.memoryTotalBytes = total === null ? null : total * mebibyte;
  const celsius = valueOf(temperature);
  device.temperatureCelsius = celsius === null ? null : Number(celsius);
  device.powerWatts = nonNegativeOrNull(valueOf(power));
  return device;
}

function valueOf(field: string): string | null {
  return notAvailable.test(field) ? null : field;
}
