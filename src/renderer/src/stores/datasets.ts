// The datasets store: what the dataset store holds, and CSV import with its validation errors
// kept for the form to show line by line.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DatasetSummary } from '../../../shared/datasets.ts';
import { api, describeError } from '../api/index.ts';
import { maxImportCharacters } from '../../../shared/ipc/contract.ts';

/** Largest CSV the window sends to the host in one request (a CSV is ASCII: one byte a character). */
export const maxImportBytes = maxImportCharacters;

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = shallowRef<DatasetSummary[]>([]);
  const importing = ref(false);
  const importMessage = ref('');
  const importErrors = ref<string[]>([]);

  async function refresh(): Promise<void> {
    try {
      datasets.value = await api.listDatasets({});
    } catch (failure) {
      importMessage.value = describeError(failure);
    }
  }

  /** Imports a CSV file; returns the new dataset's name, or undefined with the errors set. */
  async function importFile(file: File, name: string): Promise<string | undefined> {
    importErrors.value = [];
    importMessage.value = '';
    if (file.size > maxImportBytes) {
      importErrors.value = [`${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; the window imports up to ${maxImportBytes / 2 ** 20} MiB (use "traindeck data import" for larger files)`];
      importMessage.value = 'The file was not imported.';
      return undefined;
    }
    importing.value = true;
    try {
      const info = await api.importDataset({ name, fileName: file.name, content: await file.text() });
      importMessage.value = `Imported ${info.name}: ${info.rows.toLocaleString('en-US')} bars${info.gaps.count > 0 ? `, ${info.gaps.count} gaps` : ''}.`;
      await refresh();
      return info.name;
    } catch (failure) {
      const issues = (failure as { issues?: string[] }).issues;
      importMessage.value = (failure as Error).message ?? describeError(failure);
      importErrors.value = issues?.length ? issues : [describeError(failure)];
      return undefined;
    } finally {
      importing.value = false;
    }
  }

  return { datasets, importing, importMessage, importErrors, refresh, importFile };
});
