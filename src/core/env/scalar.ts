// ScalarTradingEnv: one episode at a time, the readable reference for the trading semantics. State
// is an explicit immutable object and `transition` is a pure function of (market, params, state,
// action), gymnax style; the class only holds the current state and the episode-start RNG. The
// vector env must reproduce it exactly (tests/core/env/parity.test.ts).

import type { Random } from '../random.ts';
import type { BarRange } from '../features/splits.ts';
import { checkEnvMarket, DEFAULT_ENV_PARAMS, maxPositionLevel, minPositionLevel, writeActionMask, type EnvMarket, type EnvParams } from './params.ts';
import { ACTION_COUNT, ACTIONS, CASH_INDEX, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT, OBSERVATION_WIDTH, POSITION_INDEX, type Action } from './observation.ts';

export interface ScalarEnvState {
  /** Bar the episode started on. */
  readonly startBar: number;
  /** Steps in this episode. */
  readonly episodeSteps: number;
  /** Steps taken so far; the current bar is startBar + step. */
  readonly step: number;
  readonly cash: number;
  /** Units of the asset held (negative when short). */
  readonly units: number;
  /** Position level; exposure is level / maxLevel. */
  readonly level: number;
  /** Cash + units x close of the current bar. */
  readonly equity: number;
  readonly done: boolean;
}

export interface TransitionResult {
  readonly state: ScalarEnvState;
  readonly reward: number;
  /** Whether the action changed the position (a trade happened). */
  readonly traded: boolean;
}

/** Number of bars an episode of `episodeSteps` steps can start on inside `range`. */
export function episodeStartCount(range: BarRange, episodeSteps: number): number {
  return range.end - range.start - episodeSteps;
}

/** Throws unless `range` fits at least one episode of `episodeSteps` steps (each step needs the next bar). */
export function checkEpisodeRange(market: EnvMarket, range: BarRange, episodeSteps: number): void {
  if (!(Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.end <= market.rows)) {
    throw new RangeError(`bar range [${range.start}, ${range.end}) is outside the ${market.rows} bars of the market`);
  }
  if (episodeStartCount(range, episodeSteps) < 1) {
    throw new RangeError(`a split of ${range.end - range.start} bars is too short for episodes of ${episodeSteps} steps (needs ${episodeSteps + 1} bars)`);
  }
}

/** A uniformly drawn episode start: any bar that leaves room for the episode and its final next bar. */
export function sampleEpisodeStart(range: BarRange, episodeSteps: number, random: Random): number {
  return range.start + random.nextInt(episodeStartCount(range, episodeSteps));
}

/** Flat account at the start of an episode. */
export function initialState(params: EnvParams, startBar: number, episodeSteps: number): ScalarEnvState {
  return { startBar, episodeSteps, step: 0, cash: params.startCapital, units: 0, level: 0, equity: params.startCapital, done: false };
}

/** Per-step constants derived from the params (shared with the vector env so the arithmetic is identical). */
export function stepConstants(params: EnvParams): { buyFactor: number; sellFactor: number; rewardScale: number } {
  const slippage = params.slippageBps / 10_000;
  return {
    buyFactor: (1 + slippage) * (1 + params.takerFee), // cost per unit bought, per unit of price
    sellFactor: (1 - slippage) * (1 - params.takerFee), // proceeds per unit sold, per unit of price
    rewardScale: 100 / params.startCapital, // reward is equity change as a percentage of start capital
  };
}

/**
 * One step. The action trades at the close of the current bar t (buys at close x (1 + slippage),
 * sells at close x (1 - slippage), taker fee on the notional), then the market moves to bar t + 1.
 * reward = (equity change incl. costs) / startCapital x 100 - tradePenalty if the position changed.
 */
export function transition(market: EnvMarket, params: EnvParams, state: ScalarEnvState, action: Action): TransitionResult {
  const bar = state.startBar + state.step;
  const price = market.close[bar];
  const nextPrice = market.close[bar + 1];
  const { buyFactor, sellFactor, rewardScale } = stepConstants(params);
  const maxLevel = maxPositionLevel(params);
  const equityBefore = state.cash + state.units * price;

  let level = state.level;
  if (action === ACTIONS.BUY && level < maxLevel) level++;
  else if (action === ACTIONS.SELL && level > minPositionLevel(params)) level--;
  const traded = level !== state.level;

  let cash = state.cash;
  let units = state.units;
  if (traded) {
    if (level === 0) {
      // Close the whole position, so no dust is left behind.
      if (units > 0) cash += units * (price * sellFactor);
      else cash -= -units * (price * buyFactor);
      units = 0;
    } else if (level > state.level) {
      // Buy up to the target exposure; `spend` includes costs.
      const spend = (level / maxLevel) * equityBefore - units * price;
      units += spend / (price * buyFactor);
      cash -= spend;
    } else {
      const unitsSold = (units * price - (level / maxLevel) * equityBefore) / price;
      units -= unitsSold;
      cash += unitsSold * (price * sellFactor);
    }
  }
  const equity = cash + units * nextPrice;
  const reward = (equity - equityBefore) * rewardScale - (traded ? params.tradePenalty : 0);
  const step = state.step + 1;
  const done = step >= state.episodeSteps || !(equity > 0);
  return { state: { startBar: state.startBar, episodeSteps: state.episodeSteps, step, cash, units, level, equity, done }, reward, traded };
}

/** Writes the 122-value observation of `state` (macro row, micro row, position, cash fraction) at `offset`. */
export function writeObservation(market: EnvMarket, state: ScalarEnvState, target: Float32Array, offset = 0): void {
  const bar = state.startBar + state.step;
  target.set(market.macro.subarray(bar * MACRO_FEATURE_COUNT, (bar + 1) * MACRO_FEATURE_COUNT), offset);
  target.set(market.micro.subarray(bar * MICRO_FEATURE_COUNT, (bar + 1) * MICRO_FEATURE_COUNT), offset + MACRO_FEATURE_COUNT);
  const solvent = state.equity > 0;
  const inverseEquity = 1 / state.equity; // multiply by the inverse, exactly as the vector env does
  target[offset + POSITION_INDEX] = solvent ? state.units * market.close[bar] * inverseEquity : 0;
  target[offset + CASH_INDEX] = solvent ? state.cash * inverseEquity : 0;
}

export interface ScalarStepResult {
  /** Observation of the next bar (a fresh array). */
  readonly observation: Float32Array;
  readonly reward: number;
  readonly done: boolean;
  /** Equity after the step. */
  readonly equity: number;
  readonly traded: boolean;
}

/** One trading episode at a time over a bar range (usually a split). */
export class ScalarTradingEnv {
  readonly market: EnvMarket;
  readonly range: BarRange;
  readonly params: EnvParams;
  private readonly random: Random;
  private current: ScalarEnvState;

  /** `random` draws episode starts; give several envs the same generator to share one stream. */
  constructor(market: EnvMarket, range: BarRange, random: Random, params: EnvParams = DEFAULT_ENV_PARAMS) {
    checkEnvMarket(market);
    checkEpisodeRange(market, range, params.episodeLength);
    this.market = market;
    this.range = range;
    this.params = params;
    this.random = random;
    this.current = initialState(params, range.start, params.episodeLength);
  }

  get state(): ScalarEnvState {
    return this.current;
  }

  /** Exposure of the current position in [-1, 1]. */
  get exposure(): number {
    return this.current.level / maxPositionLevel(this.params);
  }

  /** Starts an episode of `episodeLength` steps at a random bar; returns its first observation. */
  reset(): Float32Array {
    return this.resetAt(sampleEpisodeStart(this.range, this.params.episodeLength, this.random));
  }

  /** Starts an episode at `startBar` lasting `steps` steps (evaluation uses the whole split). */
  resetAt(startBar: number, steps: number = this.params.episodeLength): Float32Array {
    checkEpisodeRange(this.market, { start: startBar, end: this.range.end }, steps);
    if (startBar < this.range.start) throw new RangeError(`episode start ${startBar} is before the range start ${this.range.start}`);
    this.current = initialState(this.params, startBar, steps);
    return this.observation();
  }

  /** Continues from a state (e.g. from a checkpoint); the RNG state is the caller's to restore. */
  restore(state: ScalarEnvState): void {
    checkEpisodeRange(this.market, { start: state.startBar, end: this.range.end }, state.episodeSteps);
    this.current = state;
  }

  step(action: Action): ScalarStepResult {
    if (this.current.done) throw new Error('step() after the episode ended: call reset() first');
    const result = transition(this.market, this.params, this.current, action);
    this.current = result.state;
    return { observation: this.observation(), reward: result.reward, done: result.state.done, equity: result.state.equity, traded: result.traded };
  }

  /** Which actions change the position now (see writeActionMask): 3 values, 1 allowed, 0 a no-op. */
  actionMask(): Uint8Array {
    const mask = new Uint8Array(ACTION_COUNT);
    writeActionMask(this.current.level, this.params, mask, 0);
    return mask;
  }

  /** The current observation (a fresh array of OBSERVATION_WIDTH values). */
  observation(): Float32Array {
    const target = new Float32Array(OBSERVATION_WIDTH);
    writeObservation(this.market, this.current, target);
    return target;
  }
}
