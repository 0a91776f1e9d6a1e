// The memory bench's readings and arithmetic: /proc/<pid>/status and `ps` parsing, the peak, the
// settled figure and the parts at the largest sample, worked out by hand; its configurations are
// valid run configurations.
import { describe, expect, it } from 'vitest';
import { memoryConfigurations, parseProcStatus, parsePsRss, summariseReadings, type MemoryReading } from '../../../src/cli/bench/memory.ts';
import { runConfigSchema } from '../../../src/shared/run.ts';

const status = `Name:\tnode
State:\tS (sleeping)
VmPeak:\t 2342116 kB
VmSize:\t 2276580 kB
VmHWM:\t  402432 kB
VmRSS:\t  391168 kB
RssAnon:\t  333312 kB
RssFile:\t   57856 kB
RssShmem:\t       0 kB
Threads:\t12
`;

const reading = (rssKb: number, hwmKb: number | null = null): MemoryReading => ({ rssKb, hwmKb, anonKb: null, fileKb: null, shmemKb: null, threads: null });

describe('memory bench', () => {
  it('reads VmRSS, VmHWM and the parts of the resident set from /proc/<pid>/status', () => {
    expect(parseProcStatus(status)).toEqual({ rssKb: 391168, hwmKb: 402432, anonKb: 333312, fileKb: 57856, shmemKb: 0, threads: 12 });
    // VmHWM is not VmPeak (virtual), and a zombie's status has no Vm lines: the process is gone.
    expect(parseProcStatus('Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n')).toBeNull();
  });

  it('reads ps -o rss= (kB), and nothing once the process is gone', () => {
    expect(parsePsRss('  391168\n')).toEqual(reading(391168));
    expect(parsePsRss('')).toBeNull();
  });

  it('takes the last high-water mark as the peak, and the median of the second half as settled', () => {
    // kB -> MB: 1024 kB = 1 MB; figures rounded to 0.1 MB.
    const readings = [reading(102_400, 102_400), reading(409_600, 409_600), reading(307_200, 409_600), reading(317_440, 409_600), reading(327_680, 460_800)];
    const summary = summariseReadings(readings, 'linux /proc/<pid>/status VmHWM');
    // The kernel saw 450 MB between samples: the last VmHWM wins over the largest sample (400 MB).
    expect(summary.peakRssMb).toBe(450);
    // Second half: samples 2..4 (300, 310, 320 MB); median 310 MB.
    expect(summary.settledRssMb).toBe(310);
    expect(summary.largestSample?.rssMb).toBe(400);
    expect(summary.samples).toBe(5);
  });

  it('falls back to the largest sample without a high-water mark, and averages an even middle', () => {
    const summary = summariseReadings([reading(1024), reading(3072), reading(2048), reading(4096)], 'ps -o rss= samples');
    expect(summary.peakRssMb).toBe(4);
    // Second half: 2 MB and 4 MB; median 3 MB.
    expect(summary.settledRssMb).toBe(3);
    expect(summariseReadings([], 'ps -o rss= samples')).toEqual({ method: 'ps -o rss= samples', samples: 0, peakRssMb: null, settledRssMb: null, largestSample: null });
  });

  it('runs NEAT-std and RL-std in both modes and a cold start, each a valid run configuration', () => {
    const configurations = memoryConfigurations({ neat: 20, rl: 30, original: 8 });
    expect(configurations.map((configuration) => configuration.name)).toEqual(['cold-start', 'neat-std-optimized', 'neat-std-original', 'rl-std-optimized', 'rl-std-original']);
    for (const { config } of configurations) expect(runConfigSchema.safeParse(config).success).toBe(true);
    const neat = configurations.find((configuration) => configuration.name === 'neat-std-optimized')!.config;
    expect(neat.options).toMatchObject({ threads: 2, envsPerGenome: 6, neat: { populationSize: 50 } });
    expect(configurations.find((configuration) => configuration.name === 'rl-std-optimized')!.config.options).toMatchObject({ backend: 'auto', envs: 32 });
  });
});
