// Datasets as the window sees them: the dataset store's list entries and `info` details.
import { z } from 'zod';

export const datasetSummarySchema = z.object({
  name: z.string(),
  /** The embedded default market: always present, read-only. */
  builtin: z.boolean(),
  rows: z.number().int().nonnegative(),
  /** ISO 8601 UTC of the first and last bar. */
  firstTimestamp: z.string(),
  lastTimestamp: z.string(),
  /** Median bar interval in ms. */
  intervalMs: z.number(),
  /** ISO 8601 UTC of the import; null for the embedded dataset. */
  importedAt: z.string().nullable(),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

export const datasetInfoSchema = datasetSummarySchema.extend({
  checksum: z.string(),
  spanMs: z.number(),
  gaps: z.object({ count: z.number(), largestMs: z.number(), missingBars: z.number() }),
  /** Close prices (quote currency), with the lowest low and highest high. */
  price: z.object({ first: z.number(), last: z.number(), min: z.number(), max: z.number(), mean: z.number() }),
  /** One-bar log returns of the close. */
  returns: z.object({ mean: z.number(), std: z.number(), min: z.number(), max: z.number(), annualisedVolatility: z.number() }),
  volume: z.object({ total: z.number(), mean: z.number() }),
  /** Where the bars came from (generated process and parameters, or the CSV file and format). */
  source: z.record(z.string(), z.unknown()),
  storedBytes: z.number(),
});
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;

/** Dataset names are plain file names. */
export const datasetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
