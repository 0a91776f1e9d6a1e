// Whole-machine CPU % and memory. CPU % comes from the difference of two `os.cpus()` readings
// (busy time over all time, summed over cores); memory is total minus what the OS reports free.
import { cpus, freemem, totalmem, type CpuInfo } from 'node:os';

/** Summed CPU times of all cores, in ms. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function sumCpuTimes(cores: readonly Pick<CpuInfo, 'times'>[]): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cores) {
    const coreBusy = times.user + times.nice + times.sys + times.irq;
    busy += coreBusy;
    total += coreBusy + times.idle;
  }
  return { busy, total };
}

/** Busy share of all cores between two readings, 0..100; null when no time passed or counters went backwards. */
export function cpuPercentBetween(before: CpuTimes, after: CpuTimes): number | null {
  const total = after.total - before.total;
  const busy = after.busy - before.busy;
  if (!(total > 0) || busy < 0) return null;
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

export interface MachineReading {
  cpuPercent: number | null;
  cpuCount: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
}

export class MachineSampler {
  private previous: CpuTimes | null = null;

  /** Remembers the current CPU times so the next `sample()` covers the time since now. */
  baseline(): void {
    const cores = cpus();
    this.previous = cores.length > 0 ? sumCpuTimes(cores) : null;
  }

  sample(): MachineReading {
    const cores = cpus();
    const current = cores.length > 0 ? sumCpuTimes(cores) : null;
    const cpuPercent = this.previous && current ? cpuPercentBetween(this.previous, current) : null;
    this.previous = current;
    const memoryTotalBytes = totalmem();
    return { cpuPercent, cpuCount: cores.length, memoryUsedBytes: Math.max(0, memoryTotalBytes - freemem()), memoryTotalBytes };
  }
}
