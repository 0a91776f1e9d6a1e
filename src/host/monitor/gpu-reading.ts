// What one GPU probe returns: the devices it read, or why there is nothing to show. Probes and
// parsers never throw; a failure is an `unavailable` reading with a reason a user can act on.
import type { GpuDeviceSample, GpuSource } from '../../shared/system.ts';

export type GpuReading =
  | { available: true; source: GpuSource; devices: GpuDeviceSample[] }
  | { available: false; source: GpuSource | null; reason: string };

export function unavailableGpu(source: GpuSource | null, reason: string): GpuReading {
  return { available: false, source, reason };
}

/** A device with every measurement absent; parsers fill in what their tool reports. */
export function blankGpuDevice(index: number): GpuDeviceSample {
  return {
    index,
    name: null,
    utilizationPercent: null,
    rendererUtilizationPercent: null,
    tilerUtilizationPercent: null,
    memoryUsedBytes: null,
    memoryAllocatedBytes: null,
    memoryTotalBytes: null,
    coreCount: null,
    temperatureCelsius: null,
    powerWatts: null,
  };
}

/** A percentage the tool printed, or null when it is missing, not a number or outside 0..100. */
export function percentOrNull(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 && number <= 100 ? number : null;
}

/** A non-negative finite number, or null. */
export function nonNegativeOrNull(value: unknown): number | null {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : null;
}

/** Shortens tool output quoted in a reason so a garbage dump does not flood the UI. */
export function quoteOutput(text: string, maxLength = 160): string {
  const firstLines = text.trim().split(/\r?\n/).slice(0, 2).join(' | ');
  return JSON.stringify(firstLines.length > maxLength ? `${firstLines.slice(0, maxLength)}…` : firstLines);
}
