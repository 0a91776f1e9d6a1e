// `npm run bench -- learning`: do the trainers produce agents that beat the baselines? Each trainer
// (REINFORCE, PPO, NEAT; optimized, or original with --mode) trains once per seed with a wall-clock budget, through the same
// host and worker processes as the app, one run after another so no two share the machine. Per seed
// it reports the result the run hands the user (RunSummary.result); per trainer the median and
// spread over seeds, and whether the policy beats buy-and-hold, random and cash on at least two
// thirds of the seeds (2 of 3). Per dataset it also reports the fixed-rule screen (core/env/fixed-rules.ts):
// whether what the validation split rewards carries over to the test split on that market at all.
import { createHeadlessHost } from '../headless-host.ts';
import { loadMarket } from '../../host/trainers/market.ts';
import { describeScreenVerdict, screenHeadline, screenMarket } from '../../core/env/fixed-rules.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { neatFigures } from '../../shared/figures/neat.ts';
import type { PolicyResult, RunConfig, RunRecord, TrainingMode } from '../../shared/run.ts';

/** The learners under test and how each is configured. */
export const learningTrainers = {
  reinforce: { trainer: 'rl', options: { algorithm: 'reinforce' } },
  ppo: { trainer: 'rl', options: { algorithm: 'ppo' } },
  neat: { trainer: 'neat', options: {} },
} as const satisfies Record<string, { trainer: 'rl' | 'neat'; options: Record<string, unknown> }>;
export type LearnerName = keyof typeof learningTrainers;

export interface LearningBenchOptions {
  /** Datasets to train on (each in the data directory), default the embedded `default`. */
  datasets: string[];
  seeds: number[];
  /** Wall-clock budget of each run, in seconds. */
  seconds: number;
  learners: LearnerName[];
  /** Training mode of every run (default optimized). */
  mode?: TrainingMode;
  dataDir?: string;
  /** Keep the benchmark's runs in the history (default: deleted once measured). */
  keepRuns: boolean;
  /** Progress lines (stderr). */
  onProgress?: (line: string) => void;
}

/** A policy passes when its test Sharpe is above buy-and-hold's, random's and cash's (0). */
export function beatsBaselines(result: Pick<PolicyResult, 'testSharpe' | 'buyAndHoldTestSharpe' | 'randomTestSharpe'>, sharpe = result.testSharpe): boolean {
  return sharpe > result.buyAndHoldTestSharpe && sharpe > result.randomTestSharpe && sharpe > 0;
}

/** Median and spread of a sample (the 25th and 75th percentiles by linear interpolation). */
export function spreadOf(values: number[]): { median: number; q25: number; q75: number; min: number; max: number } | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const position = q * (sorted.length - 1);
    const low = Math.floor(position);
    return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (position - low);
  };
  return { median: at(0.5), q25: at(0.25), q75: at(0.75), min: sorted[0], max: sorted[sorted.length - 1] };
}

interface SeedRow {
  seed: number;
  runId: string;
  status: RunRecord['status'];
  episodes: number | null;
  generations: number | null;
  result: PolicyResult | null;
  passes: boolean;
  finalPolicyPasses: boolean | null;
  error?: string;
}

export async function runLearningBench(options: LearningBenchOptions): Promise<Record<string, unknown>> {
  const dataDir = resolveDataDir(options.dataDir);
  const host = createHeadlessHost(dataDir, { maxConcurrentRuns: 1 });
  const mode = options.mode ?? 'optimized';
  const report: Record<string, unknown> = {
    seconds: options.seconds, seeds: options.seeds, mode,
    criterion: `test Sharpe above buy-and-hold, random and 0 (cash) on at least ${seedsNeeded(options.seeds.length)} of the ${options.seeds.length} seeds (two thirds)`,
  };
  const byDataset: Record<string, unknown> = {};
  try {
    for (const dataset of options.datasets) {
      const screen = screenMarket(await loadMarket({ dataDir, dataset }));
      options.onProgress?.(`learning: ${dataset} fixed-rule screen: ${describeScreenVerdict(screen)}`);
      const byLearner: Record<string, unknown> = { marketScreen: screenHeadline(screen) };
      for (const learner of options.learners) {
        const rows: SeedRow[] = [];
        for (const seed of options.seeds) {
          const { trainer, options: trainerOptions } = learningTrainers[learner];
          const config: RunConfig = { trainer, mode, seed, dataset, budget: { seconds: options.seconds }, options: { ...trainerOptions } };
          options.onProgress?.(`learning: ${dataset} ${learner} ${mode} seed ${seed} (${options.seconds} s)...`);
          const started = await host.service.startRun(config);
          const finished = await host.runManager.whenFinished(started.id);
          rows.push(seedRow(seed, finished));
          options.onProgress?.(`learning: ${dataset} ${learner} seed ${seed}: ${describeRow(rows[rows.length - 1])}`);
          if (!options.keepRuns) host.runManager.delete(finished.id); // with its checkpoints
        }
        byLearner[learner] = summarise(learner, rows);
      }
      byDataset[dataset] = byLearner;
    }
  } finally {
    await host.close();
  }
  report.datasets = byDataset;
  return report;
}

function seedRow(seed: number, record: RunRecord): SeedRow {
  const result = record.summary?.result ?? null;
  const generations = neatFigures(record.summary).generations;
  const finalSharpe = result?.finalPolicyTestSharpe;
  return {
    seed,
    runId: record.id,
    status: record.status,
    episodes: record.summary?.episodes ?? null,
    generations: generations ?? null,
    result,
    passes: result !== null && beatsBaselines(result),
    // The last weights, when the run reports another policy (RL early stopping).
    finalPolicyPasses: result === null ? null : beatsBaselines(result, finalSharpe ?? result.testSharpe),
    ...(record.error ? { error: record.error } : {}),
  };
}

function describeRow(row: SeedRow): string {
  if (!row.result) return `${row.status}, no result${row.error ? `: ${row.error}` : ''}`;
  const r = row.result;
  return `test Sharpe ${r.testSharpe.toFixed(2)} (${r.policy}), buy-and-hold ${r.buyAndHoldTestSharpe.toFixed(2)}, random ${r.randomTestSharpe.toFixed(2)}, ${r.testTrades} trades -> ${row.passes ? 'passes' : 'fails'}`;
}

/** Seeds a learner must pass on out of `seeds`: two thirds, rounded up (2 of 3, 6 of 9). */
export function seedsNeeded(seeds: number): number {
  return Math.ceil((2 * seeds) / 3);
}

function summarise(learner: LearnerName, rows: SeedRow[]): Record<string, unknown> {
  const figure = (pick: (result: PolicyResult) => number | undefined) => spreadOf(rows.flatMap((row) => (row.result && pick(row.result) !== undefined ? [pick(row.result)!] : [])));
  const needed = seedsNeeded(rows.length);
  const seedsPassing = rows.filter((row) => row.passes).length;
  const finalPassing = rows.filter((row) => row.finalPolicyPasses).length;
  return {
    perSeed: rows,
    testSharpe: figure((result) => result.testSharpe),
    testReturnPct: figure((result) => result.testReturnPct),
    testMaxDrawdownPct: figure((result) => result.testMaxDrawdownPct),
    testTrades: figure((result) => result.testTrades),
    finalPolicyTestSharpe: figure((result) => result.finalPolicyTestSharpe ?? result.testSharpe),
    buyAndHoldTestSharpe: figure((result) => result.buyAndHoldTestSharpe),
    randomTestSharpe: figure((result) => result.randomTestSharpe),
    seedsPassing,
    finalPolicySeedsPassing: finalPassing,
    met: seedsPassing >= needed && (learner !== 'reinforce' || finalPassing >= needed),
  };
}
