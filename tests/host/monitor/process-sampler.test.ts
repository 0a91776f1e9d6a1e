// Process and machine sampling: the /proc and ps parsers on recorded-shape lines, and the
// samplers on the test's own process and on a process that has exited.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cpuPercentBetween, MachineSampler, sumCpuTimes } from '../../../src/host/monitor/machine-sampler.ts';
import { parseCpuTime, parseProcStat, parseProcStatm, parseProcStatusRss, parsePsOutput, ProcessSampler, psArguments } from '../../../src/host/monitor/process-sampler.ts';

/** Burns CPU on this thread for roughly `ms` so the next reading has CPU time to show. */
function busyWork(ms: number): number {
  const end = performance.now() + ms;
  let accumulator = 0;
  while (performance.now() < end) for (let i = 0; i < 10_000; i++) accumulator += Math.sqrt(i);
  return accumulator;
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  if (!child.pid) throw new Error('child had no pid');
  return child.pid;
}

describe('/proc parsers', () => {
  it('reads utime and stime after the command name, even with spaces and parentheses in it', () => {
    const line = '48211 (node (trainer) x) R 48190 48190 1203 34816 48190 4194304 96511 0 12 0 1534 287 0 0 20 0 11 0 9301245 1325027328 61440 18446744073709551615 1 1 0 0 0 0 0 16781312 134235650 0 0 0 17 1 0 0 0 0 0\n';
    expect(parseProcStat(line)).toEqual({ utimeTicks: 1534, stimeTicks: 287, state: 'R' });
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('1 (x) S 1 2')).toBeNull();
    expect(parseProcStat('1 (x) S 1 1 1 1 1 1 1 1 1 1 -5 3 0')).toBeNull();
  });

  it('reads resident pages from statm and VmRSS from status', () => {
    expect(parseProcStatm('323489 61440 9830 4963 0 102394 0\n')).toBe(61440);
    expect(parseProcStatm('oops')).toBeNull();
    expect(parseProcStatusRss('Name:\tnode\nVmHWM:\t  250000 kB\nVmRSS:\t  245760 kB\nRssAnon:\t  200000 kB\n')).toBe(245760 * 1024);
    expect(parseProcStatusRss('Name:\tkthreadd\n')).toBeNull();
  });
});

describe('ps parser', () => {
  it('asks ps for pid, %cpu, time and rss of all pids at once', () => {
    expect(psArguments([12, 34])).toEqual(['-o', 'pid=,%cpu=,time=,rss=', '-p', '12,34']);
  });

  it('reads macOS (BSD) and procps rows and skips other lines', () => {
    const macOs = '  4321  87.4   1:02.50 524288\n  4400   0.0   0:00.03   8192\n';
    const procps = '  5000  12.5 01:02:03 1000\n  5001   1.0 2-00:00:01  20\nps: illegal option -- x\n';
    expect(parsePsOutput(macOs)).toEqual([
      { pid: 4321, cpuPercent: 87.4, cpuSeconds: 62.5, rssBytes: 524288 * 1024 },
      { pid: 4400, cpuPercent: 0, cpuSeconds: 0.03, rssBytes: 8192 * 1024 },
    ]);
    expect(parsePsOutput(procps).map((row) => row.cpuSeconds)).toEqual([3723, 172801]);
    expect(parsePsOutput('  77  x  y  z')).toEqual([{ pid: 77, cpuPercent: null, cpuSeconds: null, rssBytes: null }]);
  });

  it('reads BSD minutes past 59 and rejects garbage times', () => {
    expect(parseCpuTime('123:45.67')).toBeCloseTo(7425.67, 6);
    expect(parseCpuTime('12')).toBeNull();
    expect(parseCpuTime('a:b')).toBeNull();
  });
});

describe('ProcessSampler', () => {
  const methods = process.platform === 'linux' ? (['proc', 'ps'] as const) : process.platform === 'darwin' ? (['ps'] as const) : ([] as const);

  for (const method of methods) {
    it(`reads CPU and RSS of the test process (${method})`, async () => {
      const sampler = new ProcessSampler({ method });
      const pids = new Map([['run-self', process.pid]]);
      const [first] = await sampler.sample(pids);
      expect(first).toMatchObject({ runId: 'run-self', pid: process.pid, unavailableReason: null });
      expect(first.rssBytes).toBeGreaterThan(1024 * 1024);
      // RSS from the OS and from Node agree to well within a factor of two.
      const nodeRss = process.memoryUsage().rss;
      expect(first.rssBytes! / nodeRss).toBeGreaterThan(0.5);
      expect(first.rssBytes! / nodeRss).toBeLessThan(2);
      if (method === 'proc') expect(first.cpuPercent).toBeNull();
      // procps prints whole seconds of CPU time, so burn enough for the delta to show.
      busyWork(method === 'ps' ? 1100 : 150);
      const [second] = await sampler.sample(pids);
      expect(second.cpuPercent).toBeGreaterThan(0);
      expect(second.cpuPercent).toBeLessThanOrEqual(100 * cpus().length + 1);
    });

    it(`says a process has exited (${method})`, async () => {
      const pid = await exitedPid();
      const [sample] = await new ProcessSampler({ method }).sample(new Map([['gone', pid]]));
      expect(sample).toEqual({ runId: 'gone', pid, cpuPercent: null, rssBytes: null, unavailableReason: `process ${pid} has exited` });
    });
  }

  it('reports a ps failure for every pid', async () => {
    const sampler = new ProcessSampler({ method: 'ps', runCommand: async () => ({ ok: false, reason: 'ps did not answer within 2000 ms', exitCode: undefined }) });
    const samples = await sampler.sample(new Map([['a', 10], ['b', 11]]));
    expect(samples.map((sample) => sample.unavailableReason)).toEqual(['ps did not answer within 2000 ms', 'ps did not answer within 2000 ms']);
  });

  it('computes CPU % from ps time deltas, using ps %cpu only for the first reading', async () => {
    const outputs = ['  10  40.0   0:01.00  1000\n', '  10  40.0   0:01.50  1000\n'];
    let clock = 0;
    const sampler = new ProcessSampler({ method: 'ps', now: () => clock, runCommand: async () => ({ ok: true, stdout: outputs.shift() ?? '' }) });
    const pids = new Map([['a', 10]]);
    expect((await sampler.sample(pids))[0].cpuPercent).toBe(40);
    clock = 1000;
    expect((await sampler.sample(pids))[0].cpuPercent).toBeCloseTo(50, 6);
  });

  it('says why where it cannot sample', async () => {
    const [sample] = await new ProcessSampler({ method: 'none' }).sample(new Map([['a', process.pid]]));
    expect(sample.unavailableReason).toMatch(/not sampled on/);
  });

  it('returns nothing for no pids', async () => {
    expect(await new ProcessSampler().sample(new Map())).toEqual([]);
  });
});

describe('machine sampling', () => {
  const core = (user: number, idle: number) => ({ times: { user, nice: 0, sys: 0, idle, irq: 0 } });

  it('computes the busy share of all cores between two readings', () => {
    const before = sumCpuTimes([core(100, 900), core(0, 1000)]);
    const after = sumCpuTimes([core(600, 1400), core(0, 2000)]);
    expect(cpuPercentBetween(before, after)).toBeCloseTo((500 / 2000) * 100, 9);
    expect(cpuPercentBetween(after, after)).toBeNull();
    expect(cpuPercentBetween(after, before)).toBeNull();
  });

  it('samples this machine', () => {
    const sampler = new MachineSampler();
    expect(sampler.sample().cpuPercent).toBeNull();
    busyWork(50);
    const reading = sampler.sample();
    expect(reading.cpuCount).toBe(cpus().length);
    if (reading.cpuPercent !== null) expect(reading.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(reading.memoryTotalBytes).toBeGreaterThan(0);
    expect(reading.memoryUsedBytes).toBeGreaterThan(0);
    expect(reading.memoryUsedBytes).toBeLessThanOrEqual(reading.memoryTotalBytes);
  });
});
