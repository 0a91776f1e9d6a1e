import { describe, expect, it } from 'vitest';
import { eventContract, requestContract } from '../../../src/shared/ipc/contract.ts';
import { createRequestDispatcher } from '../../../src/shared/ipc/dispatcher.ts';
import { createApiClient } from '../../../src/shared/ipc/client.ts';
import { ApiError } from '../../../src/shared/ipc/envelope.ts';
import type { TrainDeckService } from '../../../src/shared/ipc/contract.ts';
import type { RunRecord } from '../../../src/shared/run.ts';

const validConfig = { trainer: 'baseline', mode: 'original', seed: 7, budget: { seconds: 5 } };

const record: RunRecord = {
  id: 'run-1',
  config: { trainer: 'baseline', mode: 'original', seed: 7, budget: { seconds: 5 }, dataset: 'default', options: {} },
  status: 'starting',
  createdAt: 1,
  progress: 0,
};

/** Methods these tests never call: each answers not-found. */
function notUsedHere<K extends keyof TrainDeckService>(names: K[]): Pick<TrainDeckService, K> {
  return Object.fromEntries(names.map((name) => [name, async () => { throw new ApiError('not-found', `${name} is not part of this test`); }])) as unknown as Pick<TrainDeckService, K>;
}

function fakeService(overrides: Partial<TrainDeckService> = {}): TrainDeckService {
  return {
    startRun: async () => record,
    stopRun: async () => ({ ...record, status: 'stopped' }),
    resumeRun: async () => record,
    startAblation: async () => ({ compareGroup: 'group', runs: [record] }),
    startComparison: async () => ({ compareGroup: 'group', original: record, optimized: record }),
    listRuns: async () => [record],
    getRun: async () => ({ record, metrics: {}, evaluations: [] }),
    deleteRun: async () => ({ deleted: true }),
    exportRun: async () => ({ fileName: 'run.csv', mimeType: 'text/csv', content: '' }),
    listDatasets: async () => [],
    getDataset: async () => {
      throw new ApiError('not-found', 'no datasets here');
    },
    importDataset: async () => {
      throw new ApiError('bad-request', 'no imports here');
    },
    deleteDataset: async () => ({ deleted: true }),
    getChampion: async () => ({ source: 'none', networks: [] }),
    ...notUsedHere(['startExperiment', 'listExperiments', 'getExperiment', 'stopExperiment', 'resumeExperiment', 'deleteExperiment', 'exportExperiment']),
    getSystemInfo: async () => ({ appVersion: '0', platform: 'linux', arch: 'x64', cpuModel: 'cpu', cpuCores: 2, totalMemoryBytes: 1, host: 'serve', maxConcurrentRuns: 1, trainers: ['baseline'], compute: null }),
    ...overrides,
  };
}

describe('contract schemas', () => {
  it('accept a valid run configuration and fill defaults', () => {
    const parsed = requestContract.startRun.input.parse(validConfig);
    expect(parsed.dataset).toBe('default');
    expect(parsed.options).toEqual({});
  });

  it.each([
    ['unknown trainer', { ...validConfig, trainer: 'alphazero' }, 'trainer'],
    ['negative seed', { ...validConfig, seed: -1 }, 'seed'],
    ['fractional seed', { ...validConfig, seed: 1.5 }, 'seed'],
    ['empty budget', { ...validConfig, budget: {} }, 'budget'],
    ['negative seconds', { ...validConfig, budget: { seconds: -3 } }, 'budget.seconds'],
    ['unknown key', { ...validConfig, colour: 'red' }, 'colour'],
    ['not an object', 'start please', ''],
  ])('reject a run configuration with %s', (_name, input, path) => {
    const result = requestContract.startRun.input.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success && path) {
      const described = JSON.stringify(result.error.issues);
      expect(described).toContain(path.split('.').at(-1));
    }
  });

  it('reject malformed events', () => {
    expect(eventContract.runMetrics.safeParse({ runId: 'r', samples: [{ name: 'x', value: Number.NaN, elapsedMs: 0, step: 0 }] }).success).toBe(false);
    expect(eventContract.runMetrics.safeParse({ runId: 'r', samples: [{ name: 'x', value: 1, elapsedMs: 0, step: 0 }] }).success).toBe(true);
  });
});

describe('request dispatcher', () => {
  it('answers malformed envelopes, unknown methods and bad parameters with typed errors', async () => {
    const dispatch = createRequestDispatcher(fakeService());
    const garbage = await dispatch('not an envelope');
    expect(garbage).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const unknown = await dispatch({ kind: 'request', id: 3, method: 'formatDisk', params: {} });
    expect(unknown).toMatchObject({ id: 3, ok: false, error: { code: 'bad-request', message: 'Unknown method "formatDisk"' } });
    const prototypeKey = await dispatch({ kind: 'request', id: 4, method: 'constructor', params: {} });
    expect(prototypeKey).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const bad = await dispatch({ kind: 'request', id: 5, method: 'startRun', params: { ...validConfig, seed: 'seven' } });
    expect(bad).toMatchObject({ id: 5, ok: false, error: { code: 'bad-request' } });
    expect(bad.ok === false && bad.error.issues?.some((issue) => issue.startsWith('seed:'))).toBe(true);
  });

  it('refuses bad trainer options before the service is called, listing every bad key with its range', async () => {
    let called = false;
    const dispatch = createRequestDispatcher(fakeService({ startRun: async () => ((called = true), record) }));
    const params = { ...validConfig, trainer: 'rl', options: { envs: 0, gamma: 1.5, flags: { fp16: 1 }, wat: true } };
    const response = await dispatch({ kind: 'request', id: 6, method: 'startRun', params });
    expect(response).toMatchObject({ id: 6, ok: false, error: { code: 'bad-request', message: 'Invalid parameters for startRun' } });
    expect(response.ok === false && response.error.issues).toEqual([
      'options.envs: 0 is not allowed; expected an integer >= 1 and <= 1024',
      'options.gamma: 1.5 is not allowed; expected a number >= 0 and <= 1',
      'options.flags.fp16: 1 is not allowed; expected true or false',
      expect.stringMatching(/^options\.wat: unknown key; allowed keys: algorithm, envs, horizon/),
    ]);
    expect(called).toBe(false);
  });

  it('passes the top-level RL flags of older clients on under flags', async () => {
    let received: unknown;
    const dispatch = createRequestDispatcher(fakeService({ startRun: async (config) => ((received = config), record) }));
    await dispatch({ kind: 'request', id: 7, method: 'startRun', params: { ...validConfig, trainer: 'rl', options: { batchedActing: true, learningRate: 0.001 } } });
    expect(received).toMatchObject({ trainer: 'rl', options: { learningRate: 0.001, flags: { batchedActing: true } } });
    expect((received as { options: object }).options).not.toHaveProperty('batchedActing');
  });

  it('resumes with the run id alone, as older clients ask, or with a new budget checked before the service is called', async () => {
    const received: unknown[] = [];
    const dispatch = createRequestDispatcher(fakeService({ resumeRun: async (params) => (received.push(params), record) }));
    expect(await dispatch({ kind: 'request', id: 10, method: 'resumeRun', params: { runId: 'run-1' } })).toMatchObject({ ok: true });
    expect(await dispatch({ kind: 'request', id: 11, method: 'resumeRun', params: { runId: 'run-1', budget: { generations: 60 } } })).toMatchObject({ ok: true });
    expect(received).toEqual([{ runId: 'run-1' }, { runId: 'run-1', budget: { generations: 60 } }]);
    const bad = await dispatch({ kind: 'request', id: 12, method: 'resumeRun', params: { runId: 'run-1', budget: { generations: -1 } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(received).toHaveLength(2);
  });

  it('passes validated parameters to the service and returns its result', async () => {
    let received: unknown;
    const dispatch = createRequestDispatcher(fakeService({ startRun: async (config) => ((received = config), record) }));
    const response = await dispatch({ kind: 'request', id: 9, method: 'startRun', params: validConfig });
    expect(response).toEqual({ kind: 'response', id: 9, ok: true, result: record });
    expect(received).toMatchObject({ dataset: 'default', seed: 7 });
  });

  it('turns thrown errors into typed errors, keeping ApiError codes', async () => {
    const dispatch = createRequestDispatcher(
      fakeService({
        stopRun: async () => {
          throw new ApiError('not-found', 'No run with id "x"');
        },
        listRuns: async () => {
          throw new Error('disk on fire');
        },
      }),
    );
    expect(await dispatch({ kind: 'request', id: 1, method: 'stopRun', params: { runId: 'x' } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch({ kind: 'request', id: 2, method: 'listRuns', params: {} })).toMatchObject({ ok: false, error: { code: 'internal', message: 'disk on fire' } });
  });
});

describe('api client', () => {
  it('exposes every request as a method and routes events to listeners', async () => {
    const dispatch = createRequestDispatcher(fakeService());
    let emit: (event: string, payload: unknown) => void = () => {};
    const api = createApiClient({
      request: async (method, params) => {
        const response = await dispatch({ kind: 'request', id: 1, method, params });
        if (response.ok) return response.result;
        throw ApiError.fromPayload(response.error);
      },
      onEvent: (listener) => ((emit = listener), () => {}),
    });
    expect(await api.listRuns({})).toEqual([record]);
    await expect(api.stopRun({ runId: '' })).rejects.toMatchObject({ code: 'bad-request' });
    const seen: string[] = [];
    const unsubscribe = api.on('runUpdated', (run) => seen.push(run.id));
    emit('runUpdated', record);
    unsubscribe();
    emit('runUpdated', record);
    expect(seen).toEqual(['run-1']);
  });
});

describe('server message schema', () => {
  it('accepts successful and failed responses and events, and rejects anything else', async () => {
    const { serverMessageSchema } = await import('../../../src/shared/ipc/envelope.ts');
    expect(serverMessageSchema.safeParse({ kind: 'response', id: 1, ok: true, result: 5 }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ kind: 'response', id: 1, ok: false, error: { code: 'not-found', message: 'x' } }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ kind: 'event', event: 'runUpdated', payload: {} }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ kind: 'response', id: 1, ok: false, error: { code: 'teapot', message: 'x' } }).success).toBe(false);
    expect(serverMessageSchema.safeParse({ kind: 'gossip' }).success).toBe(false);
  });
});
