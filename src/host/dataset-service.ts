// The dataset half of the TrainDeck service: the dataset store's list, info, import and delete,
// with its errors turned into typed API errors (a rejected CSV lists every problem with its line).
import type { TrainDeckService } from '../shared/ipc/contract.ts';
import { ApiError, type ErrorCode } from '../shared/ipc/envelope.ts';
import type { DatasetInfo } from '../shared/datasets.ts';
import { DatasetError, type DatasetErrorCode, type DatasetStore } from './datasets/store.ts';

type DatasetMethods = Pick<TrainDeckService, 'listDatasets' | 'getDataset' | 'importDataset' | 'deleteDataset'>;

const errorCodes: Record<DatasetErrorCode, ErrorCode> = {
  'not-found': 'not-found',
  exists: 'conflict',
  'read-only': 'conflict',
  'invalid-name': 'bad-request',
  io: 'internal',
  corrupt: 'internal',
};

export function createDatasetMethods(store: DatasetStore): DatasetMethods {
  return {
    listDatasets: () => translate(() => store.list()),
    getDataset: ({ name }) => translate(async () => (await store.info(name)) as DatasetInfo),
    async importDataset({ name, fileName, content }) {
      const result = await translate(() => store.importCsvBytes(content, name, fileName));
      if (!result.ok) {
        const shown = result.errors.map((error) => (error.line > 0 ? `line ${error.line}: ${error.message}` : error.message));
        const more = result.errorCount - shown.length;
        throw new ApiError(
          'bad-request',
          `${fileName} was rejected with ${result.errorCount} problem${result.errorCount === 1 ? '' : 's'}; nothing was imported`,
          more > 0 ? [...shown, `... and ${more} more`] : shown,
        );
      }
      return result.info as DatasetInfo;
    },
    deleteDataset: async ({ name }) => {
      await translate(() => store.remove(name));
      return { deleted: true as const };
    },
  };
}

async function translate<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof DatasetError) throw new ApiError(errorCodes[error.code], error.message);
    throw error;
  }
}
