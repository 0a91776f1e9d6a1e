import { describe, expect, it } from 'vitest';
import { exportRunAsCsv, exportRunAsJson } from '../../src/host/run-export.ts';
import type { RunDetail } from '../../src/shared/ipc/contract.ts';

const detail: RunDetail = {
  record: {
    id: 'run-1',
    config: { trainer: 'baseline', mode: 'original', seed: 3, budget: { seconds: 5 }, dataset: 'default', options: {} },
    status: 'completed',
    createdAt: 1,
    progress: 1,
  },
  metrics: {
    episodesPerMin: { elapsedMs: [100, 200], step: [1, 2], value: [600, 650.5] },
    'odd,name': { elapsedMs: [150], step: [1], value: [-1] },
  },
  evaluations: [],
};

describe('run export', () => {
  it('writes one CSV row per metric sample, quoting fields that need it', () => {
    expect(exportRunAsCsv(detail).trim().split('\n')).toEqual([
      'run_id,trainer,mode,seed,metric,elapsed_ms,step,value',
      'run-1,baseline,original,3,episodesPerMin,100,1,600',
      'run-1,baseline,original,3,episodesPerMin,200,2,650.5',
      'run-1,baseline,original,3,"odd,name",150,1,-1',
    ]);
  });

  it('writes JSON that round-trips the detail with a format tag', () => {
    const parsed = JSON.parse(exportRunAsJson(detail));
    expect(parsed.format).toBe('traindeck-run');
    expect(parsed.metrics.episodesPerMin.value).toEqual([600, 650.5]);
    expect(parsed.record.id).toBe('run-1');
  });
});
