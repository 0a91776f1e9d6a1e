// The experiments store: the experiment list kept current by experimentUpdated events, starting one
// (with the host's validation issues kept for the form to show), and the page's actions.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExperimentRecord, ExperimentSpecInput } from '../../../shared/experiment.ts';
import { api, describeError } from '../api/index.ts';
import { saveFile } from '../save-file.ts';

/** Why a start was refused: the host's message and, for a bad request, every issue it named. */
export interface StartProblem {
  message: string;
  issues: string[];
}

export const useExperimentsStore = defineStore('experiments', () => {
  const experiments = shallowRef<ExperimentRecord[]>([]);
  const starting = ref(false);
  const startProblem = shallowRef<StartProblem | undefined>();
  /** The last failed action on an experiment (stop, resume, delete, export, list). */
  const error = ref<string | undefined>();
  let subscribed = false;

  function upsert(record: ExperimentRecord): void {
    const index = experiments.value.findIndex((experiment) => experiment.id === record.id);
    experiments.value = index === -1 ? [record, ...experiments.value] : experiments.value.map((experiment) => (experiment.id === record.id ? record : experiment));
  }

  /** Subscribes to updates once and loads the list. */
  async function initialise(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      api.on('experimentUpdated', upsert);
    }
    await refresh();
  }

  async function refresh(): Promise<void> {
    try {
      experiments.value = await api.listExperiments({});
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  /** Starts an experiment; returns its record, or undefined with startProblem set. */
  async function start(spec: ExperimentSpecInput, redis?: string): Promise<ExperimentRecord | undefined> {
    startProblem.value = undefined;
    starting.value = true;
    try {
      const record = await api.startExperiment(redis ? { spec, redis } : { spec });
      upsert(record);
      return record;
    } catch (failure) {
      const issues = (failure as { issues?: string[] }).issues ?? [];
      startProblem.value = { message: failure instanceof Error ? failure.message : describeError(failure), issues };
      return undefined;
    } finally {
      starting.value = false;
    }
  }

  async function act(action: () => Promise<void>): Promise<void> {
    error.value = undefined;
    try {
      await action();
    } catch (failure) {
      error.value = describeError(failure);
    }
  }

  const stop = (experimentId: string) => act(async () => upsert(await api.stopExperiment({ experimentId })));
  const resume = (experimentId: string) => act(async () => upsert(await api.resumeExperiment({ experimentId })));

  async function remove(experimentId: string): Promise<boolean> {
    let removed = false;
    await act(async () => {
      await api.deleteExperiment({ experimentId });
      experiments.value = experiments.value.filter((experiment) => experiment.id !== experimentId);
      removed = true;
    });
    return removed;
  }

  /** Downloads the experiment as CSV (one row per trial) or JSON (the whole report). */
  const download = (experimentId: string, format: 'csv' | 'json') =>
    act(async () => {
      const file = await api.exportExperiment({ experimentId, format });
      saveFile(file.fileName, new Blob([file.content], { type: file.mimeType }));
    });

  return { experiments, starting, startProblem, error, initialise, refresh, start, stop, resume, remove, download };
});
