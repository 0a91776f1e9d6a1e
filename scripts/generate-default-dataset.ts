// Regenerates resources/default-market.bin, the embedded default dataset, from its fixed seed:
// `node scripts/generate-default-dataset.ts`. tests/host/datasets/default-dataset.test.ts checks that
// the shipped file equals what this produces.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSeriesHeader } from '../src/core/market/binary.ts';
import { buildDefaultDatasetBytes, DEFAULT_DATASET_FILE_NAME } from '../src/core/market/default-dataset.ts';

const target = fileURLToPath(new URL(`../resources/${DEFAULT_DATASET_FILE_NAME}`, import.meta.url));
const bytes = buildDefaultDatasetBytes();
writeFileSync(target, bytes);
const header = readSeriesHeader(bytes);
console.log(`wrote ${target}: ${header.rows} bars, ${bytes.length} bytes, checksum ${header.checksum}`);
