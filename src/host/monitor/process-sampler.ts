// CPU % and RSS of the trainer processes. Linux reads /proc/<pid>/stat (CPU ticks) and statm
// (resident pages); macOS runs one `ps` for all pids. CPU % is the CPU time a process used between
// two readings divided by the wall time between them, as a share of one core (200 = two cores).
import { readFile } from 'node:fs/promises';
import { runCommand, type CommandRunner } from './command.ts';
import type { TrainerProcessSample } from '../../shared/system.ts';

export type ProcessSamplingMethod = 'proc' | 'ps' | 'none';

export interface ProcessSamplerOptions {
  /** How to read processes; defaults to `proc` on Linux, `ps` on macOS, `none` elsewhere. */
  method?: ProcessSamplingMethod;
  /** Longest wait for `ps` or `getconf`, in ms; default 2000. */
  timeoutMs?: number;
  runCommand?: CommandRunner;
  /** Monotonic clock in ms; tests inject one. */
  now?: () => number;
}

/** CPU time of one process at one moment. */
interface CpuReading {
  cpuSeconds: number;
  at: number;
}

/** Ticks of utime and stime from /proc/<pid>/stat, or null when the text is not a stat line. */
export function parseProcStat(text: string): { utimeTicks: number; stimeTicks: number; state: string } | null {
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses,
  // so fields are counted from the last `)`.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const state = fields[0];
  const utimeTicks = Number(fields[11]);
  const stimeTicks = Number(fields[12]);
  if (!state || !Number.isInteger(utimeTicks) || !Number.isInteger(stimeTicks) || utimeTicks < 0 || stimeTicks < 0) return null;
  return { utimeTicks, stimeTicks, state };
}

/** Resident pages (field 2) of /proc/<pid>/statm, or null. */
export function parseProcStatm(text: string): number | null {
  const resident = Number(text.trim().split(/\s+/)[1]);
  return Number.isInteger(resident) && resident >= 0 ? resident : null;
}

/** `VmRSS` of /proc/<pid>/status in bytes, or null (used when the page size is unknown). */
export function parseProcStatusRss(text: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s*kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

export interface PsRow {
  pid: number;
  /** ps's own %cpu (on macOS a decaying average over up to a minute). */
  cpuPercent: number | null;
  /** Accumulated CPU time in seconds, from the `time` column. */
  cpuSeconds: number | null;
  rssBytes: number | null;
}

export const psArguments = (pids: readonly number[]): string[] => ['-o', 'pid=,%cpu=,time=,rss=', '-p', pids.join(',')];

/** Rows of `ps -o pid=,%cpu=,time=,rss= -p ...`; lines that are not such rows are skipped. */
export function parsePsOutput(text: string): PsRow[] {
  const rows: PsRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 4 || !/^\d+$/.test(fields[0])) continue;
    const cpuPercent = Number(fields[1]);
    const rssKibibytes = Number(fields[3]);
    rows.push({
      pid: Number(fields[0]),
      cpuPercent: Number.isFinite(cpuPercent) && cpuPercent >= 0 ? cpuPercent : null,
      cpuSeconds: parseCpuTime(fields[2]),
      rssBytes: Number.isInteger(rssKibibytes) && rssKibibytes >= 0 ? rssKibibytes * 1024 : null,
    });
  }
  return rows;
}

/**
 * ps's `time` column in seconds: BSD prints `mm:ss.cc` (minutes may pass 59), procps prints
 * `[dd-]hh:mm:ss`. Null when it is neither.
 */
export function parseCpuTime(text: string): number | null {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) return null;
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

export class ProcessSampler {
  private readonly method: ProcessSamplingMethod;
  private readonly timeoutMs: number;
  private readonly run: CommandRunner;
  private readonly now: () => number;
  private readonly previous = new Map<number, CpuReading>();
  private systemConstants: Promise<{ clockTicksPerSecond: number; pageSizeBytes: number | null }> | undefined;

  constructor(options: ProcessSamplerOptions = {}) {
    this.method = options.method ?? (process.platform === 'linux' ? 'proc' : process.platform === 'darwin' ? 'ps' : 'none');
    this.timeoutMs = options.timeoutMs ?? 2000;
    if (!(this.timeoutMs > 0)) throw new RangeError(`ProcessSampler timeoutMs must be positive, got ${this.timeoutMs}`);
    this.run = options.runCommand ?? runCommand;
    this.now = options.now ?? (() => performance.now());
  }

  /** One reading of every process in `pids` (runId -> pid). Never throws. */
  async sample(pids: ReadonlyMap<string, number>): Promise<TrainerProcessSample[]> {
    const entries = [...pids.entries()];
    for (const pid of this.previous.keys()) if (!entries.some(([, tracked]) => tracked === pid)) this.previous.delete(pid);
    if (entries.length === 0) return [];
    try {
      if (this.method === 'proc') return await Promise.all(entries.map(([runId, pid]) => this.sampleProc(runId, pid)));
      if (this.method === 'ps') return await this.samplePs(entries);
    } catch (error) {
      return entries.map(([runId, pid]) => unreadable(runId, pid, `process sampling failed: ${(error as Error).message}`));
    }
    return entries.map(([runId, pid]) => unreadable(runId, pid, `process CPU and memory are not sampled on ${process.platform}`));
  }

  private async sampleProc(runId: string, pid: number): Promise<TrainerProcessSample> {
    const { clockTicksPerSecond, pageSizeBytes } = await this.readSystemConstants();
    let statText: string;
    let memoryText: string;
    try {
      [statText, memoryText] = await Promise.all([
        readFile(`/proc/${pid}/stat`, 'utf8'),
        readFile(pageSizeBytes === null ? `/proc/${pid}/status` : `/proc/${pid}/statm`, 'utf8'),
      ]);
    } catch (error) {
      this.previous.delete(pid);
      const code = (error as NodeJS.ErrnoException).code;
      return unreadable(runId, pid, code === 'ENOENT' || code === 'ESRCH' ? `process ${pid} has exited` : `cannot read /proc/${pid}: ${(error as Error).message}`);
    }
    const at = this.now();
    const stat = parseProcStat(statText);
    if (!stat) return unreadable(runId, pid, `/proc/${pid}/stat is not in the expected format`);
    if (stat.state === 'Z' || stat.state === 'X') {
      this.previous.delete(pid);
      return unreadable(runId, pid, `process ${pid} has exited`);
    }
    const residentPages = pageSizeBytes === null ? null : parseProcStatm(memoryText);
    const rssBytes = pageSizeBytes === null ? parseProcStatusRss(memoryText) : residentPages === null ? null : residentPages * pageSizeBytes;
    const cpuSeconds = (stat.utimeTicks + stat.stimeTicks) / clockTicksPerSecond;
    return { runId, pid, cpuPercent: this.cpuPercentSince(pid, cpuSeconds, at), rssBytes, unavailableReason: rssBytes === null ? `/proc/${pid} memory figures are not in the expected format` : null };
  }

  private async samplePs(entries: [string, number][]): Promise<TrainerProcessSample[]> {
    const result = await this.run('ps', psArguments(entries.map(([, pid]) => pid)), { timeoutMs: this.timeoutMs });
    const at = this.now();
    // ps exits with 1 when some pid is gone but still prints the others.
    if (!result.ok && result.exitCode !== 1) return entries.map(([runId, pid]) => unreadable(runId, pid, result.reason));
    const stdout = result.ok ? result.stdout : (result.stdout ?? '');
    const rows = new Map(parsePsOutput(stdout).map((row) => [row.pid, row]));
    return entries.map(([runId, pid]) => {
      const row = rows.get(pid);
      if (!row) {
        this.previous.delete(pid);
        return unreadable(runId, pid, `process ${pid} has exited`);
      }
      const sinceLast = row.cpuSeconds === null ? null : this.cpuPercentSince(pid, row.cpuSeconds, at);
      return { runId, pid, cpuPercent: sinceLast ?? row.cpuPercent, rssBytes: row.rssBytes, unavailableReason: row.rssBytes === null ? `ps printed no readable RSS for process ${pid}` : null };
    });
  }

  /** CPU share since the previous reading of `pid`; null on the first reading. */
  private cpuPercentSince(pid: number, cpuSeconds: number, at: number): number | null {
    const before = this.previous.get(pid);
    this.previous.set(pid, { cpuSeconds, at });
    if (!before || at <= before.at || cpuSeconds < before.cpuSeconds) return null;
    return ((cpuSeconds - before.cpuSeconds) / ((at - before.at) / 1000)) * 100;
  }

  /** USER_HZ and the page size from getconf, once. USER_HZ is 100 on every mainstream Linux ABI, so that is the fallback; an unknown page size switches RSS to /proc/<pid>/status. */
  private readSystemConstants(): Promise<{ clockTicksPerSecond: number; pageSizeBytes: number | null }> {
    this.systemConstants ??= (async () => {
      const [ticks, pageSize] = await Promise.all([
        this.run('getconf', ['CLK_TCK'], { timeoutMs: this.timeoutMs }),
        this.run('getconf', ['PAGESIZE'], { timeoutMs: this.timeoutMs }),
      ]);
      const clockTicks = ticks.ok ? Number(ticks.stdout.trim()) : NaN;
      const pageBytes = pageSize.ok ? Number(pageSize.stdout.trim()) : NaN;
      return {
        clockTicksPerSecond: Number.isInteger(clockTicks) && clockTicks > 0 ? clockTicks : 100,
        pageSizeBytes: Number.isInteger(pageBytes) && pageBytes > 0 ? pageBytes : null,
      };
    })();
    return this.systemConstants;
  }
}

function unreadable(runId: string, pid: number, reason: string): TrainerProcessSample {
  return { runId, pid, cpuPercent: null, rssBytes: null, unavailableReason: reason };
}
