// An experiment's report: its trials with their runs' results, groups of seeds (one per point of
// the space and mode) summarised figure by figure, learning curves as mean lines with 95% bands,
// and paired comparisons (optimized vs original at each point; each point vs the best one).
import { experimentFigures, type ExperimentComparison, type ExperimentFigure, type ExperimentGroup, type ExperimentRecord, type ExperimentReport, type SettingValue, type TrialRecord, type Band } from '../../shared/experiment.ts';
import { neatFigures } from '../../shared/figures/neat.ts';
import type { RunSummary, TrainingMode } from '../../shared/run.ts';
import { bootstrapInterval, describeSample, mean, pairedDifference, pairedRatio, probabilityOfImprovement } from '../../core/metrics/statistics.ts';
import type { RunStore } from '../store/run-store.ts';

/** Points of each group's learning curves (a common time grid). */
const curvePoints = 40;
/** Bootstrap resamples for each band point (fewer than the table's: 2 x 40 points per group). */
const bandResamples = 400;

interface TrialResult {
  trial: TrialRecord;
  summary: RunSummary | null;
}

export function buildExperimentReport(record: ExperimentRecord, trials: TrialRecord[], store: RunStore): ExperimentReport {
  const results: TrialResult[] = trials.map((trial) => ({ trial, summary: trial.runId ? (store.getRun(trial.runId)?.summary ?? null) : null }));
  const throughputName = record.spec.trainer === 'neat' ? 'generationsPerMin' : 'episodesPerMin';
  const groups = groupTrials(results).map(({ mode, params, members }) => {
    const done = members.filter((member) => member.trial.status === 'completed' && member.summary);
    const figures: ExperimentGroup['figures'] = {};
    for (const figure of experimentFigures) {
      const values = done.flatMap((member) => finite(figureOf(member.summary!, figure, record.spec.trainer)));
      if (values.length > 0) figures[figure] = describeSample(values);
    }
    const runIds = done.map((member) => member.trial.runId!);
    const curves = {
      ...optionalBand('testSharpe', band(runIds.map((runId) => store.getMetrics(runId, { names: ['testSharpe'] }).testSharpe))),
      ...optionalBand('throughput', band(runIds.map((runId) => store.getMetrics(runId, { names: [throughputName] })[throughputName]))),
    };
    return { group: { mode, params, n: done.length, figures, curves }, done };
  });

  const bySeed = (done: TrialResult[], figure: ExperimentFigure) => new Map(done.flatMap((member) => finite(figureOf(member.summary!, figure, record.spec.trainer)).map((value) => [member.trial.seed, value] as const)));
  const compare = (kind: ExperimentComparison['kind'], mode: TrainingMode, params: Record<string, SettingValue>, candidate: TrialResult[], baseline: TrialResult[], against?: Record<string, SettingValue>): ExperimentComparison => {
    const pairs = (figure: ExperimentFigure) => {
      const base = bySeed(baseline, figure);
      const other = bySeed(candidate, figure);
      const seeds = [...other.keys()].filter((seed) => base.has(seed));
      return { base: seeds.map((seed) => base.get(seed)!), other: seeds.map((seed) => other.get(seed)!) };
    };
    const throughput = pairs('throughput');
    const sharpe = pairs('testSharpe');
    const strip = (value: { mean: number; ci95: [number, number]; n: number } | null) => (value ? { mean: value.mean, ci95: value.ci95, n: value.n } : null);
    return {
      kind,
      mode,
      params,
      ...(against ? { against } : {}),
      speedup: strip(pairedRatio(throughput.base, throughput.other)),
      testSharpeDifference: strip(pairedDifference(sharpe.base, sharpe.other)),
      probabilityOfImprovement: sharpe.other.length > 0 ? probabilityOfImprovement(sharpe.base, sharpe.other) : null,
    };
  };

  const comparisons: ExperimentComparison[] = [];
  for (const optimized of groups.filter(({ group }) => group.mode === 'optimized')) {
    const original = groups.find(({ group }) => group.mode === 'original' && samePoint(group.params, optimized.group.params));
    if (original) comparisons.push(compare('optimized-vs-original', 'optimized', optimized.group.params, optimized.done, original.done));
  }
  const ranked = groups.filter(({ group }) => group.figures.testSharpe).sort((a, b) => b.group.figures.testSharpe!.median - a.group.figures.testSharpe!.median);
  const best = ranked[0]?.group;
  const points = new Set(groups.map(({ group }) => JSON.stringify(group.params)));
  if (best && points.size > 1) {
    for (const { group, done } of groups) {
      if (group.mode !== best.mode || samePoint(group.params, best.params)) continue;
      comparisons.push(compare('vs-best', group.mode, group.params, done, ranked[0].done, best.params));
    }
  }

  return {
    id: record.id,
    name: record.spec.name,
    status: record.status,
    executor: record.executor,
    spec: record.spec,
    trials: results.map(({ trial, summary }) => ({ ...trial, summary })),
    groups: groups.map(({ group }) => group),
    comparisons,
    best: best ? { mode: best.mode, params: best.params } : null,
  };
}

/** A figure of one run's summary; throughput in the trainer's unit (episodes or generations per minute). */
function figureOf(summary: RunSummary, figure: ExperimentFigure, trainer: string): number | undefined {
  const result = summary.result;
  switch (figure) {
    case 'throughput': {
      return trainer === 'neat' ? neatFigures(summary).generationsPerMin : summary.episodesPerMin;
    }
    case 'testSharpe':
      return result?.testSharpe;
    case 'testReturnPct':
      return result?.testReturnPct;
    case 'testMaxDrawdownPct':
      return result?.testMaxDrawdownPct;
    case 'testTrades':
      return result?.testTrades;
    case 'finalPolicyTestSharpe':
      return result ? (result.finalPolicyTestSharpe ?? result.testSharpe) : undefined;
  }
}

function finite(value: number | undefined): number[] {
  return value !== undefined && Number.isFinite(value) ? [value] : [];
}

function groupTrials(results: TrialResult[]): Array<{ mode: TrainingMode; params: Record<string, SettingValue>; members: TrialResult[] }> {
  const groups = new Map<string, { mode: TrainingMode; params: Record<string, SettingValue>; members: TrialResult[] }>();
  for (const result of results) {
    const key = `${result.trial.mode}|${JSON.stringify(result.trial.params)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { mode: result.trial.mode, params: result.trial.params, members: [] }));
    group.members.push(result);
  }
  return [...groups.values()];
}

function samePoint(a: Record<string, SettingValue>, b: Record<string, SettingValue>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function optionalBand<K extends string>(key: K, value: Band | undefined): Partial<Record<K, Band>> {
  return value ? ({ [key]: value } as Record<K, Band>) : {};
}

/**
 * Mean and 95% bootstrap band over runs of one series, on a common grid of wall-clock seconds. Each
 * run's value at a time is its latest sample up to then; a run contributes from its first sample on.
 */
export function band(series: Array<{ elapsedMs: number[]; value: number[] } | undefined>): Band | undefined {
  const runs = series.filter((entry): entry is { elapsedMs: number[]; value: number[] } => entry !== undefined && entry.value.length > 0);
  if (runs.length === 0) return undefined;
  const end = Math.max(...runs.map((run) => run.elapsedMs[run.elapsedMs.length - 1]));
  const seconds: number[] = [];
  const means: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let index = 0; index < curvePoints; index++) {
    const atMs = (end * (index + 1)) / curvePoints;
    const values = runs.flatMap((run) => {
      let last: number | undefined;
      for (let k = 0; k < run.elapsedMs.length && run.elapsedMs[k] <= atMs; k++) last = run.value[k];
      return last === undefined ? [] : [last];
    });
    if (values.length === 0) continue;
    const [lower, upper] = bootstrapInterval(values, mean, { resamples: bandResamples, seed: index });
    seconds.push(atMs / 1000);
    means.push(mean(values));
    low.push(lower);
    high.push(upper);
  }
  return { seconds, mean: means, low, high };
}

