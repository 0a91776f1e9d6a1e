// Evaluates genomes by trading: each genome plays every episode window of the job, paired with
// each representative of the other population, and gets the mean portfolio metrics. One
// evaluator serves every combination of the three in-process optimization flags:
//   compiled     compiled program instead of the graph-walk network;
//   genomeCache  each network built once and kept while its genome lives (and the macro partner's
//                signal along each window computed once per job) instead of per (genome, env) pair;
//   batchedEnvs  all windows stepped together in a VectorTradingEnv, features read in place and,
//                with one shared network, activated for all envs in one pass; instead of one
//                ScalarTradingEnv episode after another on copied observations.
// With all three off this is original mode. Every path feeds the same numbers in the same order
// into the networks and EpisodeStats, so every combination yields bit-identical metrics.
import { Random } from '../../random.ts';
import type { BarRange } from '../../features/splits.ts';
import type { EnvMarket, EnvParams } from '../../env/params.ts';
import { ScalarTradingEnv } from '../../env/scalar.ts';
import { VectorTradingEnv } from '../../env/vector.ts';
import type { InputLayout } from '../lib/compiled.ts';
import type { GenomeConfig } from '../lib/config.ts';
import { EpisodeStats } from './episode-stats.ts';
import { EPISODE_METRIC_COUNT, type EvaluationJob, type EvaluationResult, type JobSlice, type PopulationRole } from './evaluation-jobs.ts';
import { decodeGenomeAt, encodedGenomeKeys } from '../codecs/genome-codec.ts';
import type { Genome } from '../lib/genome.ts';
import type { NeatFlags } from './options.ts';
import { createPolicy, type Policy } from './policies.ts';
import { CASH_INDEX, MACRO_FEATURE_COUNT, POSITION_INDEX, type Action } from '../../env/observation.ts';

export interface TradingEvaluatorSetup {
  /** Close prices and feature matrices (SharedArrayBuffer-backed when handed to threads). */
  market: EnvMarket;
  /** Bars episodes are played in (the training split). */
  range: BarRange;
  envParams: EnvParams;
  flags: Pick<NeatFlags, 'compiled' | 'genomeCache' | 'batchedEnvs'>;
  /** Genome config of each population role in the run. */
  genomeConfigs: Partial<Record<PopulationRole, GenomeConfig>>;
  macroSignalSize: number;
}

/** The networks of one episode (or of all episodes, when shared): single, or macro and micro. */
export interface EpisodeNetworks {
  single: Policy | undefined;
  macro: Policy | undefined;
  micro: Policy | undefined;
  /** Memory of each network (recurrent only). */
  singleState: unknown;
  macroState: unknown;
  microState: unknown;
  /** The macro partner's signal, [step][window][k], when precomputed (genomeCache). */
  signalTrack: Float64Array | undefined;
}

interface JobContext {
  genomeKeys: number[];
  partners: Genome[];
  /** Per partner: its signal track over all windows (micro jobs with genomeCache). */
  signalTracks: Float64Array[] | undefined;
}

const EMPTY_FLOAT32 = new Float32Array(0);
const EMPTY_FLOAT64 = new Float64Array(0);
const EMPTY_INT32 = new Int32Array(0);
/** Cached networks unused for this many jobs are dropped. */
const CACHE_JOBS = 6;

function argmax3(values: Float64Array, offset: number): Action {
  let best = 0;
  if (values[offset + 1] > values[offset + best]) best = 1;
  if (values[offset + 2] > values[offset + best]) best = 2;
  return best as Action;
}

export class TradingEvaluator {
  private readonly setup: TradingEvaluatorSetup;
  private readonly market: EnvMarket;
  private readonly signalSize: number;
  /** Extras row width of the micro / single network: signal (co-evolution) + position + cash. */
  private readonly extraStride: number;
  private readonly cache = new Map<string, { policy: Policy; lastJob: number }>();
  private readonly jobContexts = new Map<EvaluationJob, JobContext>();
  private jobCounter = 0;
  private scalarEnv: ScalarTradingEnv | undefined;
  private vectorEnv: VectorTradingEnv | undefined;
  private forwardPasses = 0;
  private envSteps = 0;

  constructor(setup: TradingEvaluatorSetup) {
    this.setup = setup;
    this.market = setup.market;
    this.signalSize = setup.macroSignalSize;
    this.extraStride = setup.genomeConfigs.single ? 2 : setup.macroSignalSize + 2;
  }

  /** Metrics of genomes [slice.start, slice.end) of the job (all of them by default), one row each. */
  evaluate(job: EvaluationJob, slice: JobSlice = { start: 0, end: encodedGenomeKeys(job.genomes).length }): EvaluationResult {
    this.forwardPasses = 0;
    this.envSteps = 0;
    const { genomeKeys, partners, signalTracks } = this.contextOf(job);
    const partnerRole: PopulationRole = job.role === 'macro' ? 'micro' : 'macro';
    const { genomeCache, batchedEnvs } = this.setup.flags;
    const metrics = new Float64Array((slice.end - slice.start) * EPISODE_METRIC_COUNT);
    const pairings = Math.max(1, partners.length);
    const weight = 1 / (pairings * job.episodeStarts.length);
    for (let index = slice.start; index < slice.end; index++) {
      const key = `${job.role}:${genomeKeys[index]}`;
      const genome = genomeCache && this.cache.has(key) ? undefined : decodeGenomeAt(job.genomes, index);
      const row = (index - slice.start) * EPISODE_METRIC_COUNT;
      for (let pairing = 0; pairing < pairings; pairing++) {
        // Without the cache, every (genome, env) pair builds its own networks, as original mode does.
        const networksFor = (batchSize: number): EpisodeNetworks => {
          const own = this.policyFor(job.role, genome, key);
          const partner = partners.length > 0 ? this.policyFor(partnerRole, partners[pairing]) : undefined;
          const single = job.role === 'single' ? own : undefined;
          const macro = job.role === 'macro' ? own : partner;
          const micro = job.role === 'micro' ? own : job.role === 'macro' ? partner : undefined;
          const state = (policy: Policy | undefined) => (policy === undefined ? undefined : batchSize > 0 ? policy.newBatchState(batchSize) : policy.newState());
          return {
            single, macro, micro, singleState: state(single), macroState: state(macro), microState: state(micro),
            signalTrack: signalTracks?.[pairing],
          };
        };
        if (batchedEnvs && genomeCache) this.playBatchedShared(job, networksFor(job.episodeStarts.length), metrics, row, weight);
        else if (batchedEnvs) this.playBatchedPerEnv(job, () => networksFor(0), metrics, row, weight);
        else this.playOneByOne(job, () => networksFor(0), metrics, row, weight);
      }
    }
    this.evictStale();
    return { metrics, forwardPasses: this.forwardPasses, envSteps: this.envSteps };
  }

  /** Per-job work shared by all its slices: decoded partners and their signal tracks. */
  private contextOf(job: EvaluationJob): JobContext {
    const known = this.jobContexts.get(job);
    if (known) return known;
    this.jobCounter++;
    const partners = job.role === 'single' ? [] : encodedGenomeKeys(job.partners).map((_, index) => decodeGenomeAt(job.partners, index));
    const signalTracks = job.role === 'micro' && this.setup.flags.genomeCache
      ? partners.map((partner) => this.computeSignalTrack(this.policyFor('macro', partner), job.episodeStarts, job.steps))
      : undefined;
    const context = { genomeKeys: encodedGenomeKeys(job.genomes), partners, signalTracks };
    // Jobs of both populations may interleave (in-process evaluation yields between genomes).
    this.jobContexts.set(job, context);
    if (this.jobContexts.size > 4) this.jobContexts.delete(this.jobContexts.keys().next().value as EvaluationJob);
    return context;
  }

  layoutOf(role: PopulationRole): InputLayout {
    if (role === 'single') return { primary: this.market.macroSize, secondary: this.market.microSize };
    return { primary: role === 'macro' ? this.market.macroSize : this.market.microSize, secondary: 0 };
  }

  /** The genome's network: from the cache (genomeCache) or freshly built. */
  private policyFor(role: PopulationRole, genome: Genome | undefined, key = `${role}:${genome?.key}`): Policy {
    const cached = this.setup.flags.genomeCache ? this.cache.get(key) : undefined;
    if (cached) {
      cached.lastJob = this.jobCounter;
      return cached.policy;
    }
    if (!genome) throw new Error(`no genome for ${key}`);
    const policy = this.buildPolicy(role, genome, this.setup.flags.compiled);
    if (this.setup.flags.genomeCache) this.cache.set(key, { policy, lastJob: this.jobCounter });
    return policy;
  }

  buildPolicy(role: PopulationRole, genome: Genome, compiled: boolean): Policy {
    const config = this.setup.genomeConfigs[role];
    if (!config) throw new Error(`the evaluator has no genome config for the ${role} population`);
    return createPolicy(compiled, genome, config, this.layoutOf(role));
  }

  private evictStale(): void {
    for (const [key, entry] of this.cache) if (entry.lastJob < this.jobCounter - CACHE_JOBS) this.cache.delete(key);
  }

  /** The macro partner's signal at every step of every window: it does not depend on the micro genome. */
  private computeSignalTrack(macro: Policy, starts: Int32Array, steps: number): Float64Array {
    const count = starts.length;
    const size = this.signalSize;
    const track = new Float64Array(steps * count * size);
    const offsets = new Int32Array(count);
    const state = macro.newBatchState(count);
    for (let step = 0; step < steps; step++) {
      for (let window = 0; window < count; window++) offsets[window] = (starts[window] + step) * this.market.macroSize;
      macro.runBatch(count, this.market.macro, offsets, EMPTY_FLOAT32, EMPTY_INT32, EMPTY_FLOAT64, 0, track.subarray(step * count * size), size, state);
    }
    this.forwardPasses += steps * count;
    return track;
  }

  /**
   * Plays one episode of `steps` steps from `start` inside `range` with a champion (one
   * single-population genome, or a macro and a micro genome) on freshly compiled networks.
   * Returns the equity before the first step and after each, and the exposure held on each step.
   * Awaits `pause` every 4096 steps so a long split does not block the host.
   */
  async trace(
    champion: { single?: Genome; macro?: Genome; micro?: Genome }, range: BarRange, start: number, steps: number, pause: () => Promise<void> = async () => {},
  ): Promise<{ equity: Float64Array; positions: Float64Array }> {
    const build = (role: PopulationRole, genome: Genome | undefined) => (genome ? this.buildPolicy(role, genome, true) : undefined);
    const single = build('single', champion.single);
    const macro = build('macro', champion.macro);
    const micro = build('micro', champion.micro);
    if (!single && !(macro && micro)) throw new Error('a champion needs a single-population genome or both a macro and a micro genome');
    const networks: EpisodeNetworks = {
      single, macro, micro, singleState: single?.newState(), macroState: macro?.newState(), microState: micro?.newState(), signalTrack: undefined,
    };
    const env = new ScalarTradingEnv(this.market, range, new Random(0), { ...this.setup.envParams, episodeLength: Math.min(steps, range.end - range.start - 1) });
    const extras = new Float64Array(this.extraStride);
    const outputs = new Float64Array(3);
    const equity = new Float64Array(steps + 1);
    const positions = new Float64Array(steps);
    equity[0] = this.setup.envParams.startCapital;
    let observation = env.resetAt(start, steps);
    let taken = 0;
    while (taken < steps) {
      const action = this.decide(networks, taken, 0, 1, observation, 0, observation, MACRO_FEATURE_COUNT, observation[POSITION_INDEX], observation[CASH_INDEX], extras, outputs);
      const result = env.step(action);
      positions[taken] = env.exposure;
      equity[++taken] = result.equity;
      if (result.done) break;
      observation = result.observation;
      if (taken % 4096 === 0) await pause();
    }
    return { equity: equity.slice(0, taken + 1), positions: positions.slice(0, taken) };
  }

  /**
   * One env's decision through its own networks: the macro net (or the precomputed track) writes the
   * signal into the micro net's extras, position and cash follow, the argmax of the outputs is the action.
   */
  private decide(
    networks: EpisodeNetworks, step: number, window: number, windows: number, macroRow: Float32Array, macroOffset: number,
    microRow: Float32Array, microOffset: number, position: number, cash: number, extras: Float64Array, outputs: Float64Array,
  ): Action {
    if (networks.single) {
      extras[0] = position;
      extras[1] = cash;
      networks.single.run(macroRow, macroOffset, microRow, microOffset, extras, outputs, 0, networks.singleState);
      this.forwardPasses++;
      return argmax3(outputs, 0);
    }
    const size = this.signalSize;
    if (networks.signalTrack) {
      const offset = (step * windows + window) * size;
      for (let k = 0; k < size; k++) extras[k] = networks.signalTrack[offset + k];
    } else {
      (networks.macro as Policy).run(macroRow, macroOffset, EMPTY_FLOAT32, 0, EMPTY_FLOAT64, extras, 0, networks.macroState);
      this.forwardPasses++;
    }
    extras[size] = position;
    extras[size + 1] = cash;
    (networks.micro as Policy).run(microRow, microOffset, EMPTY_FLOAT32, 0, extras, outputs, 0, networks.microState);
    this.forwardPasses++;
    return argmax3(outputs, 0);
  }

  /** Original shape: one ScalarTradingEnv episode per window, the observation copied every step. */
  private playOneByOne(job: EvaluationJob, networksFor: () => EpisodeNetworks, metrics: Float64Array, row: number, weight: number): void {
    const env = this.scalarEnv ??= new ScalarTradingEnv(this.market, this.setup.range, new Random(0), this.setup.envParams);
    const stats = new EpisodeStats(1, this.setup.envParams.startCapital);
    const extras = new Float64Array(this.extraStride);
    const outputs = new Float64Array(3);
    const windows = job.episodeStarts.length;
    for (let window = 0; window < windows; window++) {
      const networks = networksFor();
      let observation = env.resetAt(job.episodeStarts[window], job.steps);
      stats.begin(0);
      for (let step = 0; ; step++) {
        const action = this.decide(networks, step, window, windows, observation, 0, observation, MACRO_FEATURE_COUNT, observation[POSITION_INDEX], observation[CASH_INDEX], extras, outputs);
        const result = env.step(action);
        this.envSteps++;
        stats.record(0, result.equity, result.traded);
        if (result.done) break;
        observation = result.observation;
      }
      stats.addTo(0, metrics, row, weight);
    }
  }

  private startWindows(job: EvaluationJob, stats: EpisodeStats): VectorTradingEnv {
    const count = job.episodeStarts.length;
    if (this.vectorEnv?.count !== count) {
      this.vectorEnv = new VectorTradingEnv(this.market, this.setup.range, new Random(0), { count, autoReset: false }, this.setup.envParams);
    }
    for (let window = 0; window < count; window++) {
      this.vectorEnv.resetEnvAt(window, job.episodeStarts[window], job.steps);
      stats.begin(window);
    }
    return this.vectorEnv;
  }

  /** Steps the vector env and records each still-running window; returns how many still run. */
  private stepWindows(env: VectorTradingEnv, actions: Uint8Array, active: Uint8Array, stats: EpisodeStats): number {
    env.step(actions);
    let running = 0;
    for (let window = 0; window < env.count; window++) {
      if (!active[window]) continue;
      this.envSteps++;
      stats.record(window, env.stepEquity[window], env.traded[window] === 1);
      if (env.dones[window]) active[window] = 0;
      else running++;
    }
    return running;
  }

  /** Batched envs, but each window with its own networks (no cache): one decide per window. */
  private playBatchedPerEnv(job: EvaluationJob, networksFor: () => EpisodeNetworks, metrics: Float64Array, row: number, weight: number): void {
    const count = job.episodeStarts.length;
    const stats = new EpisodeStats(count, this.setup.envParams.startCapital);
    const env = this.startWindows(job, stats);
    const networks = Array.from({ length: count }, () => networksFor());
    const active = new Uint8Array(count).fill(1);
    const actions = new Uint8Array(count);
    const extras = new Float64Array(this.extraStride);
    const outputs = new Float64Array(3);
    const { macro, micro, macroSize, microSize } = this.market;
    const { rows, account } = env;
    for (let step = 0; step < job.steps; step++) {
      for (let window = 0; window < count; window++) {
        actions[window] = active[window]
          ? this.decide(networks[window], step, window, count, macro, rows[window] * macroSize, micro, rows[window] * microSize, account[2 * window], account[2 * window + 1], extras, outputs)
          : 0;
      }
      if (this.stepWindows(env, actions, active, stats) === 0) break;
    }
    for (let window = 0; window < count; window++) stats.addTo(window, metrics, row, weight);
  }

  /** The optimized shape: one shared network per role activated for all windows in one pass per step. */
  private playBatchedShared(job: EvaluationJob, networks: EpisodeNetworks, metrics: Float64Array, row: number, weight: number): void {
    const count = job.episodeStarts.length;
    const stats = new EpisodeStats(count, this.setup.envParams.startCapital);
    const env = this.startWindows(job, stats);
    const active = new Uint8Array(count).fill(1);
    const actions = new Uint8Array(count);
    const stride = this.extraStride;
    const extras = new Float64Array(count * stride);
    const outputs = new Float64Array(count * 3);
    const macroOffsets = new Int32Array(count);
    const microOffsets = new Int32Array(count);
    const { macro, micro, macroSize, microSize } = this.market;
    const { rows, account } = env;
    const size = this.signalSize;
    let running = count;
    for (let step = 0; step < job.steps && running > 0; step++) {
      for (let window = 0; window < count; window++) {
        macroOffsets[window] = rows[window] * macroSize;
        microOffsets[window] = rows[window] * microSize;
      }
      if (networks.single) {
        for (let window = 0; window < count; window++) {
          extras[window * stride] = account[2 * window];
          extras[window * stride + 1] = account[2 * window + 1];
        }
        networks.single.runBatch(count, macro, macroOffsets, micro, microOffsets, extras, stride, outputs, 3, networks.singleState);
      } else {
        if (networks.signalTrack) {
          const track = networks.signalTrack;
          for (let window = 0, from = step * count * size; window < count; window++) {
            for (let k = 0; k < size; k++) extras[window * stride + k] = track[from++];
          }
        } else {
          (networks.macro as Policy).runBatch(count, macro, macroOffsets, EMPTY_FLOAT32, EMPTY_INT32, EMPTY_FLOAT64, 0, extras, stride, networks.macroState);
          this.forwardPasses += running;
        }
        for (let window = 0; window < count; window++) {
          extras[window * stride + size] = account[2 * window];
          extras[window * stride + size + 1] = account[2 * window + 1];
        }
        (networks.micro as Policy).runBatch(count, micro, microOffsets, EMPTY_FLOAT32, EMPTY_INT32, extras, stride, outputs, 3, networks.microState);
      }
      this.forwardPasses += running;
      for (let window = 0; window < count; window++) actions[window] = active[window] ? argmax3(outputs, window * 3) : 0;
      running = this.stepWindows(env, actions, active, stats);
    }
    for (let window = 0; window < count; window++) stats.addTo(window, metrics, row, weight);
  }
}
