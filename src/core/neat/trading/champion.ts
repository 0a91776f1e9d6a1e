// Champion evaluation: the current best genome(s) trade a whole held-out split (validation or
// test) as one episode; the equity curve, buy-and-hold beside it, and both portfolio statistics go
// to the host as an EvaluationReport, like the RL trainer's. Also the champion export (JSON and a
// drawable graph per network) the host can offer from a checkpoint.
import type { EvaluationReport } from '../../../shared/metrics.ts';
import { stepConstants } from '../../env/scalar.ts';
import type { EnvParams } from '../../env/params.ts';
import { ACTION_NAMES } from '../../env/observation.ts';
import type { MarketData } from '../../features/market-data.ts';
import type { SplitName } from '../../features/splits.ts';
import { MACRO_FEATURES } from '../../features/macro.ts';
import { MICRO_FEATURES } from '../../features/micro.ts';
import { computePortfolioMetrics, type PortfolioMetrics } from '../../metrics/portfolio.ts';
import type { Genome } from '../lib/genome.ts';
import { genomeToGraph, genomeToJson, type GenomeGraph, type GenomeJson } from '../lib/reporters.ts';
import { decodeCheckpoint } from '../codecs/checkpoint.ts';
import { NeatRun, type BarSpan, type FeatureShape } from './run.ts';
import type { TradingEvaluator } from './evaluator.ts';
import { downsampleCurve, statsFromMetrics } from '../../env/evaluation-report.ts';

/** The networks that trade together: one single-population genome, or a macro and a micro genome. */
export interface Champion {
  single?: Genome;
  macro?: Genome;
  micro?: Genome;
}

/**
 * The champion a run hands the user (reports, exports, resumes with): among the generation
 * champions evaluated so far, the one with the best validation Sharpe. The test split never
 * chooses it. Kept in checkpoints (list "champion" of each population, figures in the meta).
 */
export interface ChosenChampion {
  genomes: Champion;
  /** Completed generations when it was the generation's champion. */
  generation: number;
  validationSharpe: number;
}

/** The best genome(s) of the run's last evaluated generation (by this generation's fitness). */
export function currentChampion(run: NeatRun): Champion {
  const champion: Champion = {};
  for (const entry of run.populations) champion[entry.role] = entry.representatives[0];
  return champion;
}

/** The run's chosen champion, or the last generation's before any validation evaluation. */
export function runChampion(run: NeatRun): Champion {
  return run.chosen?.genomes ?? currentChampion(run);
}

/**
 * Keeps `candidate` as the run's champion when its validation Sharpe beats the chosen one's (ties
 * keep the earlier, smaller-step choice). Returns whether it was taken.
 */
export function considerChampion(run: NeatRun, candidate: Champion, validationSharpe: number): boolean {
  if (run.chosen && !(validationSharpe > run.chosen.validationSharpe)) return false;
  // Copies: an elite keeps living in its population and its fitness is rewritten every generation;
  // the chosen one stays as it was chosen (so a resumed run's checkpoints match an uninterrupted one's).
  const genomes: Champion = {};
  for (const [role, genome] of Object.entries(candidate) as Array<[keyof Champion, Genome]>) {
    const copy = genome.copy();
    copy.fitness = genome.fitness;
    copy.objectives = [...genome.objectives];
    genomes[role] = copy;
  }
  run.chosen = { genomes, generation: run.generation, validationSharpe };
  return true;
}

export interface ChampionEvaluation {
  report: EvaluationReport;
  champion: PortfolioMetrics;
  buyAndHold: PortfolioMetrics;
}

/** Trades the champion over the whole split and reports its curve and statistics beside buy-and-hold. */
export async function evaluateChampion(
  evaluator: TradingEvaluator, market: MarketData, params: EnvParams, champion: Champion, split: SplitName, step: number, elapsedMs: number,
  pause?: () => Promise<void>,
): Promise<ChampionEvaluation> {
  const range = market.splits[split];
  const steps = range.end - range.start - 1;
  const { equity, positions } = await evaluator.trace(champion, range, range.start, steps, pause);
  const championMetrics = computePortfolioMetrics(equity, positions, market.barIntervalMs);
  // Buy-and-hold: all in at the first bar's close (paying fee and slippage), held to the end.
  // (Over the same steps as the champion, who may stop early if it goes bankrupt.)
  const taken = positions.length;
  const holdEquity = new Float64Array(taken + 1);
  const units = params.startCapital / (market.close[range.start] * stepConstants(params).buyFactor);
  holdEquity[0] = params.startCapital;
  for (let k = 1; k <= taken; k++) holdEquity[k] = units * market.close[range.start + k];
  const holdMetrics = computePortfolioMetrics(holdEquity, new Float64Array(taken).fill(1), market.barIntervalMs);
  return {
    report: {
      split,
      step,
      elapsedMs,
      bars: taken + 1,
      curves: [
        { policy: 'champion', equity: downsampleCurve(equity, 1024) },
        { policy: 'buy-and-hold', equity: downsampleCurve(holdEquity, 1024) },
      ],
      stats: [statsFromMetrics('champion', championMetrics), statsFromMetrics('buy-and-hold', holdMetrics)],
    },
    champion: championMetrics,
    buyAndHold: holdMetrics,
  };
}

export interface ChampionExport {
  role: 'single' | 'macro' | 'micro';
  genome: GenomeJson;
  graph: GenomeGraph;
}

/** The champion's networks as JSON and as drawable graphs, inputs labelled with feature names. */
export function exportChampion(run: NeatRun, champion: Champion = runChampion(run)): ChampionExport[] {
  const macroNames = MACRO_FEATURES.map((feature) => `macro ${feature.name}`);
  const microNames = MICRO_FEATURES.map((feature) => `micro ${feature.name}`);
  const signalNames = Array.from({ length: run.options.macroSignalSize }, (_, k) => `signal ${k}`);
  const labels = {
    single: { inputs: [...macroNames, ...microNames, 'position', 'cash'], outputs: [...ACTION_NAMES] },
    macro: { inputs: macroNames, outputs: signalNames },
    micro: { inputs: [...microNames, ...signalNames, 'position', 'cash'], outputs: [...ACTION_NAMES] },
  };
  return run.populations.flatMap((entry) => {
    const genome = champion[entry.role];
    return genome ? [{ role: entry.role, genome: genomeToJson(genome, entry.config.genome), graph: genomeToGraph(genome, entry.config.genome, labels[entry.role]) }] : [];
  });
}

/** The champion of a saved run (chosen on validation, else its last generation's best genomes), without the dataset. */
export function exportChampionFromCheckpoint(bytes: Uint8Array): ChampionExport[] {
  const saved = decodeCheckpoint(bytes).config as { shape?: FeatureShape; train?: BarSpan };
  if (!saved?.shape || !saved.train) throw new Error('checkpoint does not hold a NEAT trading run');
  return exportChampion(NeatRun.restore(bytes, saved.shape, saved.train).run);
}
