// VectorTradingEnv: N episodes stepped together, as struct-of-arrays typed arrays with no per-env
// objects. Observations are row indices into the shared macro/micro matrices plus a small
// position/cash block; gatherObservations copies them into one N x 122 batch when a policy needs
// it. Semantics are those of ScalarTradingEnv, operation for operation, so results match exactly.

import type { Random, RandomState } from '../random.ts';
import type { BarRange } from '../features/splits.ts';
import { checkEnvMarket, DEFAULT_ENV_PARAMS, maxPositionLevel, minPositionLevel, writeActionMask, type EnvMarket, type EnvParams } from './params.ts';
import { checkEpisodeRange, sampleEpisodeStart, stepConstants } from './scalar.ts';
import { ACTION_COUNT, ACTIONS, MACRO_FEATURE_COUNT, MICRO_FEATURE_COUNT, OBSERVATION_WIDTH } from './observation.ts';

/** Everything needed to resume a vector env exactly (plain typed arrays; serialise as you like). */
export interface VectorEnvSnapshot {
  readonly count: number;
  readonly completedEpisodes: number;
  readonly random: RandomState;
  readonly rows: Int32Array;
  readonly account: Float32Array;
  readonly startBar: Int32Array;
  readonly endBar: Int32Array;
  readonly cash: Float64Array;
  readonly units: Float64Array;
  readonly level: Int32Array;
  readonly active: Uint8Array;
  readonly episodeReward: Float64Array;
}

export interface VectorEnvOptions {
  /** Number of envs N, an integer in [1, 1e6]. */
  readonly count: number;
  /** Reset finished envs inside step() (default true). When false they stay done until reset. */
  readonly autoReset?: boolean;
}

export class VectorTradingEnv {
  readonly market: EnvMarket;
  readonly range: BarRange;
  readonly params: EnvParams;
  readonly count: number;
  readonly autoReset: boolean;
  /** Current bar of each env: the row of its observation in market.macro / market.micro. */
  readonly rows: Int32Array;
  /** Position (holding value / equity, signed) at [2i] and cash fraction (cash / equity) at [2i + 1]. */
  readonly account: Float32Array;
  /** Reward of each env's last step. */
  readonly rewards: Float64Array;
  /** 1 where the last step ended an episode (the env has since been reset if autoReset). */
  readonly dones: Uint8Array;
  /** 1 where the last step changed the position. */
  readonly traded: Uint8Array;
  /** Equity after the last step, before any automatic reset. */
  readonly stepEquity: Float64Array;
  /** Sum of rewards of the current episode so far. */
  readonly episodeReward: Float64Array;
  /** Sum of rewards of the episode that ended on the last step (valid where dones is 1). */
  readonly finishedEpisodeReward: Float64Array;
  /** Episodes completed since construction. */
  completedEpisodes = 0;

  private readonly random: Random;
  /** First bar of each env's episode. */
  private readonly startBar: Int32Array;
  /** Bar each env's episode ends on: it is done when its current bar reaches this. */
  private readonly endBar: Int32Array;
  private readonly cash: Float64Array;
  private readonly units: Float64Array;
  private readonly level: Int32Array;
  private readonly active: Uint8Array;
  /** Float64 views for gathering, built for the last target batch seen. */
  private pairCache: { source: Float32Array; views: PairViews } | null = null;

  /** `random` draws episode starts, one draw per reset in env-index order. */
  constructor(market: EnvMarket, range: BarRange, random: Random, options: VectorEnvOptions, params: EnvParams = DEFAULT_ENV_PARAMS) {
    checkEnvMarket(market);
    checkEpisodeRange(market, range, params.episodeLength);
    const { count } = options;
    if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new RangeError(`vector env count must be an integer in [1, 1000000], got ${count}`);
    this.market = market;
    this.range = range;
    this.params = params;
    this.count = count;
    this.autoReset = options.autoReset ?? true;
    this.random = random;
    this.rows = new Int32Array(count);
    this.account = new Float32Array(count * 2);
    this.rewards = new Float64Array(count);
    this.dones = new Uint8Array(count);
    this.traded = new Uint8Array(count);
    this.stepEquity = new Float64Array(count);
    this.episodeReward = new Float64Array(count);
    this.finishedEpisodeReward = new Float64Array(count);
    this.startBar = new Int32Array(count);
    this.endBar = new Int32Array(count);
    this.cash = new Float64Array(count);
    this.units = new Float64Array(count);
    this.level = new Int32Array(count);
    this.active = new Uint8Array(count);
  }

  /** Resets every env to a random start, in index order. */
  reset(): void {
    for (let i = 0; i < this.count; i++) this.resetEnvAt(i, sampleEpisodeStart(this.range, this.params.episodeLength, this.random));
  }

  /** Resets env i to start at `startBar` for `steps` steps (fixed windows for evaluation). */
  resetEnvAt(i: number, startBar: number, steps: number = this.params.episodeLength): void {
    if (startBar < this.range.start) throw new RangeError(`episode start ${startBar} is before the range start ${this.range.start}`);
    checkEpisodeRange(this.market, { start: startBar, end: this.range.end }, steps);
    this.startEpisode(i, startBar, steps);
  }

  private startEpisode(i: number, startBar: number, steps: number): void {
    const capital = this.params.startCapital;
    this.startBar[i] = startBar;
    this.endBar[i] = startBar + steps;
    this.cash[i] = capital;
    this.units[i] = 0;
    this.level[i] = 0;
    this.episodeReward[i] = 0;
    this.active[i] = 1;
    this.rows[i] = startBar;
    this.account[2 * i] = 0;
    this.account[2 * i + 1] = 1;
  }

  /** Exposure level of env i in [-1, 1] (level / maxLevel: what the metrics call its position). */
  exposure(i: number): number {
    return this.level[i] / maxPositionLevel(this.params);
  }

  /** Equity of env i at its current bar. */
  currentEquity(i: number): number {
    return this.cash[i] + this.units[i] * this.market.close[this.rows[i]];
  }

  /** Steps env i has taken in its current episode. */
  stepInEpisode(i: number): number {
    return this.rows[i] - this.startBar[i];
  }

  /** Steps every active env with its action (HOLD 0, BUY 1, SELL 2); see ScalarTradingEnv for the semantics. */
  step(actions: ArrayLike<number>): void {
    if (actions.length < this.count) throw new RangeError(`step needs ${this.count} actions, got ${actions.length}`);
    const { params, count, rows, account, rewards, dones, traded, stepEquity, episodeReward } = this;
    const { endBar, cash, units, level, active } = this;
    const close = this.market.close;
    const { buyFactor, sellFactor, rewardScale } = stepConstants(params);
    const maxLevel = maxPositionLevel(params);
    const minLevel = minPositionLevel(params);
    const tradePenalty = params.tradePenalty;
    for (let i = 0; i < count; i++) {
      if (active[i] === 0) {
        rewards[i] = 0;
        dones[i] = 1;
        traded[i] = 0;
        continue;
      }
      const bar = rows[i];
      const price = close[bar];
      const nextPrice = close[bar + 1];
      let envCash = cash[i];
      let envUnits = units[i];
      const equityBefore = envCash + envUnits * price;
      const previousLevel = level[i];
      const action = actions[i];
      let envLevel = previousLevel;
      if (action === ACTIONS.BUY && envLevel < maxLevel) envLevel++;
      else if (action === ACTIONS.SELL && envLevel > minLevel) envLevel--;
      let penalty = 0;
      if (envLevel !== previousLevel) {
        if (envLevel === 0) {
          if (envUnits > 0) envCash += envUnits * (price * sellFactor);
          else envCash -= -envUnits * (price * buyFactor);
          envUnits = 0;
        } else if (envLevel > previousLevel) {
          const spend = (envLevel / maxLevel) * equityBefore - envUnits * price;
          envUnits += spend / (price * buyFactor);
          envCash -= spend;
        } else {
          const unitsSold = (envUnits * price - (envLevel / maxLevel) * equityBefore) / price;
          envUnits -= unitsSold;
          envCash += unitsSold * (price * sellFactor);
        }
        level[i] = envLevel;
        penalty = tradePenalty;
        traded[i] = 1;
      } else {
        traded[i] = 0;
      }
      const envEquity = envCash + envUnits * nextPrice;
      const reward = (envEquity - equityBefore) * rewardScale - penalty;
      const total = episodeReward[i] + reward;
      rewards[i] = reward;
      stepEquity[i] = envEquity;
      if (bar + 1 >= endBar[i] || !(envEquity > 0)) {
        this.finishEpisode(i, total, envCash, envUnits, envEquity, bar + 1);
        continue;
      }
      dones[i] = 0;
      cash[i] = envCash;
      units[i] = envUnits;
      episodeReward[i] = total;
      rows[i] = bar + 1;
      const inverseEquity = 1 / envEquity;
      account[2 * i] = envUnits * nextPrice * inverseEquity;
      account[2 * i + 1] = envCash * inverseEquity;
    }
  }

  /** Records a finished episode and resets the env (autoReset) or parks it as done. */
  private finishEpisode(i: number, total: number, envCash: number, envUnits: number, envEquity: number, bar: number): void {
    this.dones[i] = 1;
    this.finishedEpisodeReward[i] = total;
    this.completedEpisodes++;
    if (this.autoReset) {
      this.startEpisode(i, sampleEpisodeStart(this.range, this.params.episodeLength, this.random), this.params.episodeLength);
      return;
    }
    this.active[i] = 0;
    this.cash[i] = envCash;
    this.units[i] = envUnits;
    this.episodeReward[i] = total;
    this.rows[i] = bar;
    const solvent = envEquity > 0;
    const inverseEquity = 1 / envEquity;
    this.account[2 * i] = solvent ? envUnits * this.market.close[bar] * inverseEquity : 0;
    this.account[2 * i + 1] = solvent ? envCash * inverseEquity : 0;
  }

  /** A copy of the whole env state (and the episode-start RNG state) for checkpoints. */
  snapshot(): VectorEnvSnapshot {
    return {
      count: this.count,
      completedEpisodes: this.completedEpisodes,
      random: this.random.getState(),
      rows: this.rows.slice(),
      account: this.account.slice(),
      startBar: this.startBar.slice(),
      endBar: this.endBar.slice(),
      cash: this.cash.slice(),
      units: this.units.slice(),
      level: this.level.slice(),
      active: this.active.slice(),
      episodeReward: this.episodeReward.slice(),
    };
  }

  /** Restores a snapshot taken from an env with the same count; stepping then continues exactly. */
  restore(snapshot: VectorEnvSnapshot): void {
    if (snapshot.count !== this.count) throw new RangeError(`snapshot is of ${snapshot.count} envs, this env has ${this.count}`);
    this.completedEpisodes = snapshot.completedEpisodes;
    this.random.setState(snapshot.random);
    this.rows.set(snapshot.rows);
    this.account.set(snapshot.account);
    this.startBar.set(snapshot.startBar);
    this.endBar.set(snapshot.endBar);
    this.cash.set(snapshot.cash);
    this.units.set(snapshot.units);
    this.level.set(snapshot.level);
    this.active.set(snapshot.active);
    this.episodeReward.set(snapshot.episodeReward);
  }

  /** Writes each env's action mask (N x 3: 1 where the action changes the position or is HOLD; see writeActionMask). */
  gatherActionMasks(target: Uint8Array): void {
    if (target.length < this.count * ACTION_COUNT) throw new RangeError(`action-mask batch needs ${this.count * ACTION_COUNT} values, got ${target.length}`);
    for (let i = 0; i < this.count; i++) writeActionMask(this.level[i], this.params, target, i * ACTION_COUNT);
  }

  /** Writes the N x 122 observation batch (macro row, micro row, position, cash) into `target`. */
  gatherObservations(target: Float32Array): void {
    if (target.length < this.count * OBSERVATION_WIDTH) throw new RangeError(`observation batch needs ${this.count * OBSERVATION_WIDTH} values, got ${target.length}`);
    const pairs = this.pairViews(target);
    if (pairs !== null) gatherPairs(pairs.macro, pairs.micro, pairs.account, pairs.target, this.rows, this.count);
    else gatherFloats(this.market.macro, this.market.micro, this.account, target, this.rows, this.count);
  }

  /**
   * Float64 views over the same bytes, so gathering moves two Float32 values per load and store. This
   * is bit-exact for finite values: the high half of such a pair never has the all-ones exponent
   * of a Float64 NaN, so nothing can be canonicalised. Null when some array is not 8-byte aligned.
   */
  private pairViews(target: Float32Array): PairViews | null {
    if (this.pairCache !== null && this.pairCache.source === target) return this.pairCache.views;
    const { macro, micro } = this.market;
    const arrays = [macro, micro, this.account, target];
    if (arrays.some((array) => array.byteOffset % 8 !== 0)) return null;
    const views: PairViews = {
      macro: new Float64Array(macro.buffer, macro.byteOffset, this.market.rows * (MACRO_FEATURE_COUNT / 2)),
      micro: new Float64Array(micro.buffer, micro.byteOffset, this.market.rows * (MICRO_FEATURE_COUNT / 2)),
      account: new Float64Array(this.account.buffer, this.account.byteOffset, this.count),
      target: new Float64Array(target.buffer, target.byteOffset, this.count * (OBSERVATION_WIDTH / 2)),
    };
    this.pairCache = { source: target, views };
    return views;
  }
}

interface PairViews {
  readonly macro: Float64Array;
  readonly micro: Float64Array;
  readonly account: Float64Array;
  readonly target: Float64Array;
}

const MACRO_PAIRS = MACRO_FEATURE_COUNT / 2;
const MICRO_PAIRS = MICRO_FEATURE_COUNT / 2;
const OBSERVATION_PAIRS = OBSERVATION_WIDTH / 2;

function gatherPairs(macro: Float64Array, micro: Float64Array, account: Float64Array, target: Float64Array, rows: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const bar = rows[i];
    let offset = i * OBSERVATION_PAIRS;
    const macroStart = bar * MACRO_PAIRS;
    for (let k = 0; k < MACRO_PAIRS; k++) target[offset + k] = macro[macroStart + k];
    offset += MACRO_PAIRS;
    const microStart = bar * MICRO_PAIRS;
    for (let k = 0; k < MICRO_PAIRS; k++) target[offset + k] = micro[microStart + k];
    target[offset + MICRO_PAIRS] = account[i];
  }
}

function gatherFloats(macro: Float32Array, micro: Float32Array, account: Float32Array, target: Float32Array, rows: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const bar = rows[i];
    let offset = i * OBSERVATION_WIDTH;
    const macroStart = bar * MACRO_FEATURE_COUNT;
    for (let k = 0; k < MACRO_FEATURE_COUNT; k++) target[offset + k] = macro[macroStart + k];
    offset += MACRO_FEATURE_COUNT;
    const microStart = bar * MICRO_FEATURE_COUNT;
    for (let k = 0; k < MICRO_FEATURE_COUNT; k++) target[offset + k] = micro[microStart + k];
    offset += MICRO_FEATURE_COUNT;
    target[offset] = account[2 * i];
    target[offset + 1] = account[2 * i + 1];
  }
}
