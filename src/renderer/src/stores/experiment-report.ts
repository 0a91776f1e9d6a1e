// One experiment's report, fetched when the id changes and again on that experiment's
// experimentUpdated events, throttled: a report runs bootstrap intervals on the host, and trials
// of a fast experiment finish several times a second.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import type { ExperimentReport } from '../../../shared/experiment.ts';
import { api, describeError } from '../api/index.ts';

/** Least time between two report fetches of one experiment. */
const refetchIntervalMs = 1000;

export function useExperimentReport(experimentId: Ref<string | undefined>) {
  const report = shallowRef<ExperimentReport | undefined>();
  const error = ref<string | undefined>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastFetchAt = 0;

  async function fetchNow(): Promise<void> {
    const id = experimentId.value;
    if (!id) return;
    lastFetchAt = Date.now();
    try {
      const fetched = await api.getExperiment({ experimentId: id });
      // A slow answer for an experiment no longer shown must not replace the current one.
      if (experimentId.value === id) {
        report.value = fetched;
        error.value = undefined;
      }
    } catch (failure) {
      if (experimentId.value === id) error.value = describeError(failure);
    }
  }

  /** Fetches now if the last fetch is old enough, else once when it is (later events coalesce). */
  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void fetchNow();
    }, Math.max(0, lastFetchAt + refetchIntervalMs - Date.now()));
  }

  const unsubscribe = api.on('experimentUpdated', (record) => {
    if (record.id === experimentId.value) schedule();
  });
  watch(
    experimentId,
    () => {
      report.value = undefined;
      error.value = undefined;
      void fetchNow();
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    unsubscribe();
    clearTimeout(timer);
  });

  return { report, error, refresh: fetchNow };
}
