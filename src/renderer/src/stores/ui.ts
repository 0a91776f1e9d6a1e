// Which view the window shows. Five top-level views; no router needed for a desktop window.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const views = ['dashboard', 'new-run', 'compare', 'history', 'experiments'] as const;
export type View = (typeof views)[number];

export const useUiStore = defineStore('ui', () => {
  const view = ref<View>('dashboard');
  /** Run ids shown side by side in the compare view. */
  const compared = ref<[string | undefined, string | undefined]>([undefined, undefined]);

  function show(next: View): void {
    view.value = next;
  }

  /** Ablation group shown as a waterfall in the compare view. */
  const ablation = ref<string | undefined>();

  function compare(first: string, second: string): void {
    compared.value = [first, second];
    view.value = 'compare';
  }

  function showAblation(group: string): void {
    ablation.value = group;
    view.value = 'compare';
  }

  /** The experiment the experiments view shows as a page; undefined shows the list and the form. */
  const experiment = ref<string | undefined>();

  function showExperiment(experimentId: string | undefined): void {
    experiment.value = experimentId;
    view.value = 'experiments';
  }

  return { view, compared, ablation, experiment, show, compare, showAblation, showExperiment };
});
