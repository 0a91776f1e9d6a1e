// The one run loop every trainer runs in, and the RL bench with it. It owns what is the same for
// every run: the budget (seconds counted over all the run's sessions, so a resumed run ends when
// the total reaches it; episodes; generations), the throughput meters (one definition of
// episodes/min and generations/min, src/core/metrics/throughput.ts), the metric, evaluation and
// checkpoint cadence, stop requests, and yielding to the host. A trainer supplies a step (one
// rollout with its learning, one generation, a batch of episodes), its metrics, evaluation and
// checkpoint, and a typed summary. Per step the loop's own work is O(1) and allocates nothing.
import type { Budget, PolicyResult, RunSummary } from '../shared/run.ts';
import { budgetFraction, type BudgetSpent } from '../shared/budget.ts';
import { perMinute, ThroughputMeter } from './metrics/throughput.ts';
import type { TrainerRunContext } from './trainer.ts';

/** When a piece of periodic work is due, checked after every step. */
export type Cadence =
  /** Every `everyMs` of run time (0: after every step); `atStart`: also after the first step. */
  | { everyMs: number; atStart?: boolean }
  /** Whenever `count()` crosses a multiple of `every` (0 or less: never), e.g. every 5 updates. */
  | { every: number; count: () => number };

/** The run's totals over all its sessions, read by the loop after each step (getters on live counters). */
export interface RunLoopCounts {
  readonly episodes: number;
  /** Completed generations; left out by trainers without generations. */
  readonly generations?: number;
}

export interface RunLoopOptions {
  budget: Budget;
  /** Milliseconds of training the run spent in earlier sessions (from its checkpoint). */
  priorMs: number;
  counts: RunLoopCounts;
  /** Monotonic milliseconds. */
  now: () => number;
  stopRequested?: () => boolean;
  yieldToHost?: () => Promise<void>;
  /** Least time between yields; default 0 (after every step). */
  yieldEveryMs?: number;
  /** Progress towards the budget, reported at the metric cadence and at the end. */
  progress?: (fraction: number, message?: string) => void;
  metricsEvery?: Cadence;
  evaluationEvery?: Cadence;
  checkpointEvery?: Cadence;
}

/** What a trainer does inside the loop. */
export interface RunLoopSteps {
  /**
   * One unit of work. `episodesLeft`: what the episode budget still allows (Infinity without one).
   * Returns true when the run has ended by itself (NEAT's fitness threshold).
   */
  step(episodesLeft: number): Promise<boolean | void> | boolean | void;
  /** Reports metric samples: at the metric cadence, and at the end when steps ran since. */
  metrics?(): void;
  /** The status line sent with progress. */
  progressMessage?(): string;
  /** Evaluates on held-out data at the evaluation cadence. */
  evaluate?(): Promise<void> | void;
  /**
   * The final evaluation, after the end-of-run checkpoint (so a stop never waits on it to keep its
   * work). True when it changed what a checkpoint holds (a newly chosen policy): it is saved again.
   */
  finish?(): Promise<boolean> | boolean;
  /** Saves a checkpoint that records `elapsedMs`, the run's training time over all sessions. */
  checkpoint?(elapsedMs: number): Promise<void> | void;
}

export interface RunLoopOutcome {
  /** The run ended because stop was requested, before its budget. */
  stopped: boolean;
  /** The run ended by itself (a step said so). */
  solved: boolean;
}

/** Figures a summary may carry besides the common ones (units in the name, e.g. `generationsPerMin`); undefined ones are left out. */
export type SummaryFigures = Record<string, number | string | boolean | null | undefined>;

/** A trainer's part of its run summary, typed by the trainer (e.g. `NeatSummaryFigures`). */
export interface TrainerSummary<Figures extends SummaryFigures> {
  result?: PolicyResult;
  finalEquity?: number;
  extra: Figures;
}

/** Completions of one counter per minute, over the live window. */
export class CounterMeter {
  private readonly count: () => number;
  private readonly meter = new ThroughputMeter();
  private last: number;
  private at: number;

  constructor(count: () => number, now: number) {
    this.count = count;
    this.last = count();
    this.at = now;
    this.meter.start(now);
  }

  record(now: number): void {
    const value = this.count();
    if (value !== this.last) this.meter.record(now, value - this.last); // a counter that did not move keeps no entry
    this.last = value;
    this.at = now;
  }

  /** Per minute over the window, as of the last step. */
  perMinute(): number {
    return this.meter.perMinute(this.at);
  }

  perSecond(): number {
    return this.perMinute() / 60;
  }
}

/** A cadence's state: the next time it is due, or the counter value before the step. */
interface CadenceState {
  cadence: Cadence | undefined;
  nextAt: number;
  before: number;
}

export class RunLoop {
  readonly budget: Budget;
  private readonly options: RunLoopOptions;
  private readonly counts: RunLoopCounts;
  private readonly startedAt: number;
  private readonly startEpisodes: number;
  private endedAt: number | undefined;
  private readonly spent: BudgetSpent = { seconds: 0, episodes: 0, generations: 0 };
  private readonly meters: CounterMeter[] = [];
  private readonly cadences: { metrics: CadenceState; evaluation: CadenceState; checkpoint: CadenceState };
  private readonly cadenceList: CadenceState[];
  /** Episodes per minute over the live window. */
  readonly episodes: CounterMeter;
  /** Generations per minute over the live window (0 for trainers without generations). */
  readonly generations: CounterMeter;

  constructor(options: RunLoopOptions) {
    const { budget } = options;
    if (budget.seconds === undefined && budget.episodes === undefined && budget.generations === undefined) {
      throw new RangeError('a run loop needs a budget of seconds, episodes or generations');
    }
    this.budget = budget;
    this.options = options;
    this.counts = options.counts;
    this.startedAt = options.now();
    this.startEpisodes = options.counts.episodes;
    const state = (cadence: Cadence | undefined): CadenceState => ({
      cadence,
      nextAt: cadence && 'everyMs' in cadence && !cadence.atStart ? this.startedAt + cadence.everyMs : this.startedAt,
      before: 0,
    });
    this.cadences = { metrics: state(options.metricsEvery), evaluation: state(options.evaluationEvery), checkpoint: state(options.checkpointEvery) };
    this.cadenceList = [this.cadences.metrics, this.cadences.evaluation, this.cadences.checkpoint];
    this.episodes = this.meter(() => this.counts.episodes);
    this.generations = this.meter(() => this.counts.generations ?? 0);
  }

  /** A meter of another counter (env steps, forward passes), recorded after every step. */
  meter(count: () => number): CounterMeter {
    const meter = new CounterMeter(count, this.startedAt);
    this.meters.push(meter);
    return meter;
  }

  /** Training time over all sessions, ms. */
  elapsedMs(): number {
    return this.options.priorMs + this.sessionMs();
  }

  /** Time since this session's loop began, ms; once `run` has returned, up to its end. */
  sessionMs(): number {
    return (this.endedAt ?? this.options.now()) - this.startedAt;
  }

  /** Episodes completed in this session. */
  sessionEpisodes(): number {
    return this.counts.episodes - this.startEpisodes;
  }

  /** The fraction of the budget spent, 0..1, over all sessions. */
  fraction(): number {
    this.spent.seconds = this.elapsedMs() / 1000;
    this.spent.episodes = this.counts.episodes;
    this.spent.generations = this.counts.generations ?? 0;
    return budgetFraction(this.budget, this.spent);
  }

  /** Steps until the budget is spent, a stop is requested, or a step ends the run; then checkpoints and finishes. */
  async run(steps: RunLoopSteps): Promise<RunLoopOutcome> {
    const { now, stopRequested, yieldToHost, progress, yieldEveryMs = 0 } = this.options;
    const { metrics, evaluation, checkpoint } = this.cadences;
    let stopped = false;
    let solved = false;
    let stepsSinceMetrics = 0;
    let lastYield = this.startedAt;
    while (!solved && this.fraction() < 1) {
      if (stopRequested?.()) {
        stopped = true;
        break;
      }
      this.beforeStep();
      const stepped = steps.step(this.episodesLeft());
      // a synchronous step (the baseline's) is not awaited: no microtask per step
      solved = (stepped instanceof Promise ? await stepped : stepped) === true;
      const at = now();
      for (let i = 0; i < this.meters.length; i++) this.meters[i].record(at);
      stepsSinceMetrics++;
      if (this.due(metrics, at)) {
        steps.metrics?.();
        progress?.(this.fraction(), steps.progressMessage?.());
        stepsSinceMetrics = 0;
      }
      if (this.due(evaluation, at)) await steps.evaluate?.();
      if (this.due(checkpoint, at)) await steps.checkpoint?.(this.elapsedMs());
      if (yieldToHost && now() - lastYield >= yieldEveryMs) {
        await yieldToHost();
        lastYield = now();
      }
    }
    if (stepsSinceMetrics > 0) steps.metrics?.();
    // The run's time ends with its last step: the checkpoints, the final evaluation and the summary all
    // count the same span, so a resumed or continued run's timeline and spent budget start where the
    // summary says this session ended.
    this.endedAt = now();
    await steps.checkpoint?.(this.elapsedMs());
    if (await steps.finish?.()) await steps.checkpoint?.(this.elapsedMs());
    progress?.(stopped ? this.fraction() : 1, stopped ? 'stopped' : 'completed');
    return { stopped, solved };
  }

  /** The run's summary: seconds, episodes and episodes/min over all sessions, then the trainer's typed part. */
  summary<Figures extends SummaryFigures>(part: TrainerSummary<Figures>): RunSummary {
    const ms = this.elapsedMs();
    const { episodes, generations } = this.counts;
    return {
      seconds: ms / 1000,
      episodes,
      episodesPerMin: perMinute(episodes, ms),
      ...(generations === undefined ? {} : { generations }),
      ...part,
      extra: definedFigures(part.extra),
    };
  }

  private episodesLeft(): number {
    return this.budget.episodes === undefined ? Infinity : this.budget.episodes - this.counts.episodes;
  }

  private beforeStep(): void {
    for (let i = 0; i < this.cadenceList.length; i++) {
      const state = this.cadenceList[i];
      if (state.cadence && 'count' in state.cadence) state.before = state.cadence.count();
    }
  }

  private due(state: CadenceState, at: number): boolean {
    const cadence = state.cadence;
    if (cadence === undefined) return false;
    if ('count' in cadence) {
      return cadence.every > 0 && Math.floor(cadence.count() / cadence.every) > Math.floor(state.before / cadence.every);
    }
    if (at < state.nextAt) return false;
    state.nextAt = at + cadence.everyMs;
    return true;
  }
}

function definedFigures(figures: SummaryFigures): RunSummary['extra'] {
  const defined: RunSummary['extra'] = {};
  for (const [name, value] of Object.entries(figures)) if (value !== undefined) defined[name] = value;
  return defined;
}

/** The loop options a trainer's context supplies: its clock, stop requests, yield and progress. */
export function contextLoopOptions(context: TrainerRunContext): Pick<RunLoopOptions, 'budget' | 'now' | 'stopRequested' | 'yieldToHost' | 'progress'> {
  return {
    budget: context.config.budget,
    now: () => context.now(),
    stopRequested: () => context.stopRequested(),
    yieldToHost: () => context.yieldToHost(),
    progress: (fraction, message) => context.reporter.progress(fraction, message),
  };
}
