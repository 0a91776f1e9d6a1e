// Datasets as the window sees them: what the dataset store lists and inspects.
import { z } from 'zod';

export const datasetInfoSchema = z.object({
  name: z.string(),
  /** The embedded default market: always present, read-only. */
  builtIn: z.boolean(),
  rows: z.number().int().nonnegative(),
  /** Epoch ms of the first and last bar. */
  firstTimestamp: z.number(),
  lastTimestamp: z.number(),
  /** Median bar interval in ms. */
  intervalMs: z.number(),
  gapCount: z.number().int().nonnegative(),
  /** Longest gap in ms (0 when none). */
  largestGapMs: z.number().nonnegative(),
  /** Further statistics (prices, returns) by name, units in the name. */
  stats: z.record(z.string(), z.number()),
  /** Epoch ms the dataset was imported (0 for the embedded one). */
  importedAt: z.number(),
});
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;

/** Dataset names are plain file names. */
export const datasetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
