// Picks the GPU probe for this machine and runs it: ioreg on macOS, nvidia-smi on Linux when it is
// on PATH, otherwise an `unavailable` reading that says why. `read()` never throws or rejects.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand, type CommandRunner } from './command.ts';
import { unavailableGpu, type GpuReading } from './gpu-reading.ts';
import { ioregArguments, ioregCommand, parseIoregAccelerator } from './ioreg.ts';
import { nvidiaSmiArguments, nvidiaSmiCommand, parseNvidiaSmi } from './nvidia-smi.ts';

export interface GpuMonitorOptions {
  /** Platform to probe for; defaults to `process.platform`. */
  platform?: NodeJS.Platform;
  /** Longest wait for the tool, in ms; default 2000 (nvidia-smi can take over a second to start when the driver is not persistent). */
  timeoutMs?: number;
  /** Runs the tool; tests inject one. */
  runCommand?: CommandRunner;
  /** Finds an executable on PATH; tests inject one. Defaults to a PATH scan. */
  findExecutable?: (name: string) => string | undefined;
}

/** How long a "nvidia-smi is not on PATH" answer is trusted before PATH is scanned again. */
const pathRecheckMs = 60_000;

type Probe =
  | { kind: 'ioreg' }
  | { kind: 'nvidia-smi'; path: string }
  | { kind: 'none'; reason: string };

export class GpuMonitor {
  private readonly platform: NodeJS.Platform;
  private readonly timeoutMs: number;
  private readonly run: CommandRunner;
  private readonly findExecutable: (name: string) => string | undefined;
  private probe: Probe | undefined;
  private probeCheckedAt = 0;

  constructor(options: GpuMonitorOptions = {}) {
    this.platform = options.platform ?? process.platform;
    this.timeoutMs = options.timeoutMs ?? 2000;
    if (!(this.timeoutMs > 0)) throw new RangeError(`GpuMonitor timeoutMs must be positive, got ${this.timeoutMs}`);
    this.run = options.runCommand ?? runCommand;
    this.findExecutable = options.findExecutable ?? findOnPath;
  }

  /** Which tool `read()` will run, or why none. */
  describeProbe(now = Date.now()): Probe {
    if (this.probe && (this.probe.kind !== 'none' || now - this.probeCheckedAt < pathRecheckMs)) return this.probe;
    this.probe = this.choose();
    this.probeCheckedAt = now;
    return this.probe;
  }

  async read(): Promise<GpuReading> {
    try {
      const probe = this.describeProbe();
      if (probe.kind === 'none') return unavailableGpu(null, probe.reason);
      if (probe.kind === 'ioreg') {
        const result = await this.run(ioregCommand, ioregArguments, { timeoutMs: this.timeoutMs });
        return result.ok ? parseIoregAccelerator(result.stdout) : unavailableGpu('ioreg', result.reason);
      }
      const result = await this.run(probe.path, nvidiaSmiArguments, { timeoutMs: this.timeoutMs });
      if (!result.ok) {
        // The driver may have gone away (or been installed elsewhere); look for the tool again next time.
        this.probe = undefined;
        return unavailableGpu('nvidia-smi', result.reason);
      }
      return parseNvidiaSmi(result.stdout);
    } catch (error) {
      // Defensive: an injected runner or the file system misbehaved. Reported, never thrown.
      return unavailableGpu(null, `GPU probe failed: ${(error as Error).message}`);
    }
  }

  private choose(): Probe {
    if (this.platform === 'darwin') return { kind: 'ioreg' };
    if (this.platform === 'linux') {
      const path = this.findExecutable(nvidiaSmiCommand);
      if (path) return { kind: 'nvidia-smi', path };
      return { kind: 'none', reason: 'no NVIDIA GPU tooling: nvidia-smi is not on PATH (GPU monitoring on Linux needs the NVIDIA driver)' };
    }
    return { kind: 'none', reason: `GPU monitoring is not supported on ${this.platform} (only macOS via IOKit and Linux with nvidia-smi)` };
  }
}

/** Full path of an executable file named `name` in a PATH directory, or undefined. */
export function findOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const directory of pathVariable.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this directory (or not executable); keep looking.
    }
  }
  return undefined;
}
