// The runs store: the run list and the selected run, kept current by host events. Metric series
// and equity curves go into RunFeeds outside reactivity; only small scalars are reactive.
import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowRef } from 'vue';
import type { RunConfigInput, RunRecord } from '../../../shared/run.ts';
import type { EvaluationReport, MetricSample } from '../../../shared/metrics.ts';
import type { SystemInfo } from '../../../shared/ipc/contract.ts';
import { api, describeError } from '../api/index.ts';
import { RunFeed } from '../charts/series-buffer.ts';
import { saveFile } from '../save-file.ts';

/** Latest value of each metric per run: what the number tiles show. */
type LatestValues = Record<string, number>;

export const useRunsStore = defineStore('runs', () => {
  const runs = shallowRef<RunRecord[]>([]);
  const selectedRunId = ref<string | undefined>();
  const latest = reactive<Record<string, LatestValues>>({});
  const evaluations = shallowRef<Record<string, EvaluationReport>>({});
  const systemInfo = shallowRef<SystemInfo | undefined>();
  const error = ref<string | undefined>();
  /** Bumped on every metric batch: views that derive figures from the non-reactive feeds read it. */
  const metricsVersion = ref(0);
  const feeds = markRaw(new Map<string, RunFeed>());
  /** Runs whose recorded history has been fetched; later samples arrive as events. */
  const loaded = new Set<string>();

  const selectedRun = computed(() => runs.value.find((run) => run.id === selectedRunId.value));

  function feed(runId: string): RunFeed {
    let runFeed = feeds.get(runId);
    if (!runFeed) feeds.set(runId, (runFeed = markRaw(new RunFeed())));
    return runFeed;
  }

  function upsert(record: RunRecord): void {
    const index = runs.value.findIndex((run) => run.id === record.id);
    runs.value = index === -1 ? [record, ...runs.value] : runs.value.map((run) => (run.id === record.id ? record : run));
  }

  function addSamples(runId: string, samples: MetricSample[]): void {
    const runFeed = feed(runId);
    const values = (latest[runId] ??= {});
    for (const sample of samples) {
      runFeed.buffer(sample.name).push(sample.elapsedMs / 1000, sample.value);
      values[sample.name] = sample.value;
    }
    runFeed.changed();
    metricsVersion.value++;
  }

  function setEvaluation(runId: string, report: EvaluationReport): void {
    if (report.split !== 'test') return;
    evaluations.value = { ...evaluations.value, [runId]: report };
    feed(runId).changed();
  }

  async function initialise(): Promise<void> {
    api.on('runUpdated', upsert);
    api.on('runMetrics', ({ runId, samples }) => addSamples(runId, samples));
    api.on('runEvaluation', ({ runId, report }) => setEvaluation(runId, report));
    try {
      [systemInfo.value, runs.value] = await Promise.all([api.getSystemInfo({}), api.listRuns({})]);
      if (runs.value[0]) await select(runs.value[0].id);
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  async function select(runId: string): Promise<void> {
    selectedRunId.value = runId;
    if (loaded.has(runId)) return;
    loaded.add(runId);
    try {
      const detail = await api.getRun({ runId });
      upsert(detail.record);
      const runFeed = feed(runId);
      for (const [name, series] of Object.entries(detail.metrics)) {
        runFeed.buffer(name).replace(series.elapsedMs.map((elapsedMs, index) => ({ x: elapsedMs / 1000, y: series.value[index] })));
        if (series.value.length > 0) (latest[runId] ??= {})[name] = series.value[series.value.length - 1];
      }
      for (const report of detail.evaluations) setEvaluation(runId, report);
      runFeed.changed();
    } catch (failure) {
      loaded.delete(runId);
      error.value = describeError(failure);
    }
  }

  async function start(config: RunConfigInput): Promise<void> {
    error.value = undefined;
    try {
      const record = await api.startRun(config);
      upsert(record);
      await select(record.id);
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  /** Starts original then optimized with the same settings; returns both run ids. */
  async function startComparison(config: Omit<RunConfigInput, 'mode' | 'compareGroup'>): Promise<[string, string] | undefined> {
    error.value = undefined;
    try {
      const { original, optimized } = await api.startComparison(config);
      upsert(optimized);
      upsert(original);
      await Promise.all([select(optimized.id), select(original.id)]);
      return [original.id, optimized.id];
    } catch (failure) {
      error.value = describeError(failure);
      return undefined;
    }
  }

  /** Starts an ablation (original, each flag alone, optimized); returns its group id. */
  async function startAblation(config: Omit<RunConfigInput, 'mode' | 'compareGroup'>): Promise<string | undefined> {
    error.value = undefined;
    try {
      const { compareGroup, runs: started } = await api.startAblation(config);
      for (const record of started) upsert(record);
      await Promise.all(started.map((record) => select(record.id)));
      return compareGroup;
    } catch (failure) {
      error.value = describeError(failure);
      return undefined;
    }
  }

  async function resume(runId: string): Promise<void> {
    error.value = undefined;
    try {
      upsert(await api.resumeRun({ runId }));
      await select(runId);
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  async function remove(runId: string): Promise<void> {
    error.value = undefined;
    try {
      await api.deleteRun({ runId });
      runs.value = runs.value.filter((run) => run.id !== runId);
      feeds.delete(runId);
      loaded.delete(runId);
      if (selectedRunId.value === runId) selectedRunId.value = undefined;
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  /** Downloads a run as CSV or JSON through a temporary object URL. */
  async function download(runId: string, format: 'csv' | 'json'): Promise<void> {
    error.value = undefined;
    try {
      const file = await api.exportRun({ runId, format });
      saveFile(file.fileName, new Blob([file.content], { type: file.mimeType }));
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  async function refresh(): Promise<void> {
    try {
      runs.value = await api.listRuns({});
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  async function stop(runId: string): Promise<void> {
    error.value = undefined;
    try {
      upsert(await api.stopRun({ runId }));
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  return { runs, metricsVersion, selectedRunId, selectedRun, latest, evaluations, systemInfo, error, feed, initialise, select, start, startComparison, startAblation, stop, resume, remove, download, refresh };
});
