// Reading a CSV file for import, safely: regular files only (a device such as /dev/zero reports size
// 0 and never ends), and never more than the import limit, even for a file growing while it is read.
import { open, stat } from 'node:fs/promises';
import { DatasetError } from './names.ts';
import type { CsvError } from '../../core/market/csv.ts';

export type CsvFileRead = { ok: true; bytes: Uint8Array } | { ok: false; errors: CsvError[]; errorCount: 1; truncated: false };

export async function readCsvFile(file: string, limit: number): Promise<CsvFileRead> {
  const problem = (kind: CsvError['kind'], message: string): CsvFileRead => ({ ok: false, errors: [{ line: 0, kind, message }], errorCount: 1, truncated: false });
  try {
    const info = await stat(file);
    if (!info.isFile()) return problem('not-a-file', `${file} is not a regular file`);
    if (info.size > limit) return problem('too-large', `the file is ${info.size} bytes; the import limit is ${limit}`);
    const bytes = await readCapped(file, limit);
    return bytes ? { ok: true, bytes } : problem('too-large', `the file grew past the import limit of ${limit} bytes while it was read`);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DatasetError(missing ? 'not-found' : 'io', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** The whole file, or undefined if it holds more than `limit` bytes. */
async function readCapped(file: string, limit: number): Promise<Uint8Array | undefined> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(8 << 20, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) return undefined;
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return new Uint8Array(Buffer.concat(chunks, total));
  } finally {
    await handle.close();
  }
}
