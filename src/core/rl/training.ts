// One RL training run's state and its loop body: collect a rollout (original or optimized path, per
// the flags), learn from it (REINFORCE or PPO), and count. Also saves and restores all of it as a
// checkpoint so a resumed run continues exactly: weights, BatchNorm statistics, Adam moments, any
// pending accumulated gradient, and the state of every random stream. A resume refuses a checkpoint
// whose header or arrays are not what a run writes (checkpoint-checks.ts), and a run whose weights
// turn non-finite fails at once instead of training on, and saving, NaN.
import type { ComputeBackend, LearningBackend, LearnResult } from '../compute/types.ts';
import type { LossTerms } from '../compute/loss.ts';
import { Random, type RandomState } from '../random.ts';
import { Adam } from './adam.ts';
import { drawDropoutSeeds, dropoutMaskShape, inlineMaskGenerator, RolloutBuffer, type DropoutMaskGenerator } from './batch.ts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointArray } from './checkpoint.ts';
import { badValues, checkArray, checkHeader, describeBadValues, randomStreams, type CheckpointHeader, type RandomStream, type TrainingCounters } from './checkpoint-checks.ts';
import { resumeConflicts } from '../../shared/settings/resolve.ts';
import { rlSettings, type RlSettings } from '../../shared/settings/rl.ts';
import { effectiveAccumulation, effectiveEnvs, overlapsLearning } from './config.ts';
import { cloneNetworkState, initializeNetwork, networkLayout, type NetworkLayout, type NetworkState } from '../compute/network.ts';
import { ppoUpdate } from './ppo.ts';
import { absorbReinforceResult, createReturnBaseline, fullClosingCost, reinforceBatch, reinforceStep, type ReinforceBatch, type ReinforceStepOptions, type ReturnBaseline } from './reinforce.ts';
import { collectScalarEpisode, collectVectorRollout } from './rollout.ts';
import type { EnvMarket, EnvParams } from '../env/params.ts';
import { createEnvParams } from '../env/create-params.ts';
import { ScalarTradingEnv } from '../env/scalar.ts';
import { VectorTradingEnv } from '../env/vector.ts';
import type { BarRange } from '../features/splits.ts';

export { randomStreams, type RandomStream, type TrainingCounters } from './checkpoint-checks.ts';

/** What the training envs run on: market data, the bar range to sample episodes from (the train split) and env parameters. */
export interface TrainingData {
  market: EnvMarket;
  range: BarRange;
  /** Env parameters; episodeLength is replaced by the config's horizon. */
  params: EnvParams;
}

/** Milliseconds this thread spent in each phase of training since the run (or the last reset) began. */
export interface PhaseTimes {
  /** Collecting rollouts: acting and stepping the envs. */
  rolloutMs: number;
  /** Returns, advantages and learning batches. */
  batchMs: number;
  /** Learning passes on this thread, or waiting for them on the learning thread. */
  learningMs: number;
  /** Statistics, gradient accumulation and optimizer steps. */
  optimizerMs: number;
}

/** What a run may add to its backends. */
export interface TrainingHelpers {
  /** Makes REINFORCE's dropout masks while the envs step (default: on this thread, when learning starts). */
  maskGenerator?: DropoutMaskGenerator;
  /**
   * With overlappedLearning and `learning` on a helper thread: the same backend on this thread, with
   * the same intra-op threads, so that this thread learns each window's last rollout while the helper
   * thread finishes the one before it, instead of waiting for both (same numbers either way).
   */
  windowEndLearning?: LearningBackend;
}

export interface IterationReport {
  episodes: number;
  envSteps: number;
  episodeReturnsPct: number[];
  terms: LossTerms;
  /** Optimizer steps taken in this iteration. */
  updates: number;
}

/** A copy of the policy that scored best on the validation split so far. */
export interface BestPolicy {
  state: NetworkState;
  /** Optimizer steps when it was taken. */
  update: number;
  /** The score that chose it: the sampled policy's validation Sharpe. */
  validationSharpe: number;
}

/**
 * REINFORCE's dropout masks (PPO draws its own per minibatch): the helper-thread generator (from
 * `makeThreaded`) with vectorized returns, so that masks are made while the envs step; else masks
 * made on the trainer's thread. Also on the trainer's thread when learning runs on a learning thread
 * (`learningOnThread`): that thread sets the pace and the trainer's thread waits for it at each
 * window's end anyway, so the ~4 ms of masks per rollout cost no time there (RL-std measured
 * 61-65k episodes/min either way) and the process keeps one isolate fewer (~40 MB).
 */
export function maskGeneratorFor(config: RlSettings, makeThreaded: (() => DropoutMaskGenerator) | undefined, learningOnThread = false): DropoutMaskGenerator {
  return config.algorithm === 'reinforce' && config.flags.vectorizedReturns && makeThreaded && !learningOnThread ? makeThreaded() : inlineMaskGenerator;
}

export function layoutFor(config: RlSettings): NetworkLayout {
  return networkLayout({ valueHead: hasValueHead(config), dropout: config.dropout });
}

/** PPO's critic and REINFORCE's learned baseline both are the value head. */
function hasValueHead(config: Pick<RlSettings, 'algorithm' | 'baseline'>): boolean {
  return config.algorithm === 'ppo' || config.baseline === 'value';
}

/**
 * The settings that fix a checkpoint's network (and so its arrays): the algorithm and REINFORCE's
 * baseline, `state` in checkpoints written before the learned baseline existed.
 */
function savedNetworkSettings(header: CheckpointHeader): Pick<RlSettings, 'algorithm' | 'baseline'> {
  return { algorithm: header.config.algorithm, baseline: header.config.baseline ?? 'state' };
}

/** `savedNetworkSettings` of checkpoint bytes (checked like a restore). */
export function checkpointNetworkSettings(bytes: Uint8Array): Pick<RlSettings, 'algorithm' | 'baseline'> {
  return savedNetworkSettings(checkHeader(decodeCheckpoint<unknown>(bytes).header));
}

export class RlTraining {
  readonly config: RlSettings;
  readonly seed: number;
  readonly layout: NetworkLayout;
  readonly state: NetworkState;
  readonly adam: Adam;
  readonly random: Record<RandomStream, Random>;
  readonly counters: TrainingCounters = { episodes: 0, rollouts: 0, updates: 0, envSteps: 0, elapsedMs: 0 };
  /** Where this thread's time went (the bench's profile; not checkpointed). */
  readonly phases: PhaseTimes = { rolloutMs: 0, batchMs: 0, learningMs: 0, optimizerMs: 0 };
  readonly envs: number;
  /**
   * Early stopping on the validation split: the best policy seen at an evaluation. Runs on the
   * default dataset reach their best within a few minutes and can then drift (see docs/rl.md), so
   * the run keeps this copy; the test split never takes part in choosing it.
   */
  best: BestPolicy | undefined;
  /** REINFORCE's baseline: mean return per step and position state over earlier batches (reinforce.ts). */
  readonly baseline: ReturnBaseline;
  private readonly acting: ComputeBackend;
  private readonly learning: LearningBackend;
  /** With overlapped learning on a helper thread: the same backend on this thread, which learns each window's last rollout. */
  private readonly windowEndLearning: LearningBackend | undefined;
  /**
   * Rollout buffers, taken in turn (a batch views its buffer until learned): one; two when learning
   * overlaps the next rollout; three when this thread also learns a window's last rollout, so that
   * it can act that rollout while the helper thread still learns the first one.
   */
  private readonly buffers: RolloutBuffer[];
  private current = 0;
  private readonly scalarEnv: ScalarTradingEnv | undefined;
  private readonly vectorEnv: VectorTradingEnv | undefined;
  private readonly maskGenerator: DropoutMaskGenerator;
  private readonly params: EnvParams;

  constructor(config: RlSettings, seed: number, data: TrainingData, acting: ComputeBackend, learning: LearningBackend, helpers: TrainingHelpers = {}) {
    this.config = config;
    this.seed = seed;
    this.layout = layoutFor(config);
    this.random = Object.fromEntries(randomStreams.map((name, stream) => [name, Random.derive(seed, stream)])) as Record<RandomStream, Random>;
    this.state = initializeNetwork(this.layout, this.random.init);
    this.adam = new Adam(this.layout.parameterCount, { learningRate: config.learningRate, gradientClip: config.gradientClip });
    this.acting = acting;
    this.learning = learning;
    this.maskGenerator = helpers.maskGenerator ?? inlineMaskGenerator;
    this.windowEndLearning = overlapsLearning(config) ? helpers.windowEndLearning : undefined;
    this.envs = effectiveEnvs(config);
    // a window-end learner is given when learning runs on a helper thread (TrainingHelpers), which
    // then reads the batches (and REINFORCE's masks) in place
    const onThread = this.windowEndLearning !== undefined;
    const bufferOptions = { shared: onThread, ...(onThread && config.algorithm === 'reinforce' ? { dropout: dropoutMaskShape(this.layout) } : {}) };
    this.buffers = Array.from({ length: !overlapsLearning(config) ? 1 : onThread ? 3 : 2 }, () => new RolloutBuffer(this.envs, config.horizon, config.maskInvalidActions, bufferOptions));
    this.baseline = createReturnBaseline(config.horizon);
    // the env stream draws episode starts; the envs keep a reference, so checkpoints capture it here
    const params = createEnvParams({ ...data.params, episodeLength: config.horizon });
    this.params = params;
    if (config.flags.vectorizedEnvs) this.vectorEnv = new VectorTradingEnv(data.market, data.range, this.random.env, { count: this.envs, autoReset: false }, params);
    else this.scalarEnv = new ScalarTradingEnv(data.market, data.range, this.random.env, params);
  }

  /** The last rollout (read by scripts/rl-diagnose.ts between iterations). */
  get buffer(): RolloutBuffer {
    return this.buffers[this.current];
  }

  /**
   * One rollout of every env and the learning that follows it; with overlappedLearning, the rest of
   * a REINFORCE accumulation window (iterations end only between windows, so checkpoints and
   * evaluations never see a learning pass in flight).
   */
  async iterate(): Promise<IterationReport> {
    if (overlapsLearning(this.config)) return this.iterateWindow();
    const config = this.config;
    const { episodeReturnsPct, masks } = await this.rollout(this.buffer);
    const learningStarted = performance.now();
    let terms: LossTerms;
    let updates: number;
    if (config.algorithm === 'reinforce') {
      const result = await reinforceStep(this.layout, this.learning, this.state, this.adam, this.buffer, this.baseline, await masks, this.reinforceOptions());
      terms = result.terms;
      updates = result.updated ? 1 : 0;
    } else {
      const result = await ppoUpdate(this.layout, this.learning, this.state, this.adam, this.buffer, this.random.shuffle, this.random.dropout, {
        gamma: config.gamma,
        gaeLambda: config.gaeLambda,
        clipEpsilon: config.clipEpsilon,
        valueCoefficient: config.valueCoefficient,
        entropyCoefficient: config.entropyCoefficient,
        epochs: config.epochs,
        minibatches: config.minibatches,
        batchNormMomentum: config.batchNormMomentum,
        vectorizedReturns: config.flags.vectorizedReturns,
      });
      terms = result.terms;
      updates = result.updates;
    }
    // the sequential path learns in one call: batch, pass and step together
    this.phases.learningMs += performance.now() - learningStarted;
    return this.count(1, this.buffer.size, episodeReturnsPct, terms, updates);
  }

  /**
   * The rest of an accumulation window with learning overlapped: rollout k + 1 acts while rollout k
   * learns (on the learning thread, when the backend runs on one; the last rollout on this thread
   * when `windowEndLearning` is given). The weights are fixed within a window, and so are the
   * BatchNorm statistics acting uses: each batch's statistics and gradient are taken in rollout order
   * once the window has learned, then Adam steps. Everything else (random streams, baseline,
   * batches) is what the sequential path computes.
   */
  private async iterateWindow(): Promise<IterationReport> {
    const rollouts = effectiveAccumulation(this.config) - this.adam.accumulatedCount;
    const options = this.reinforceOptions();
    const buffers = this.buffers.length;
    const pending: { learned: ReinforceBatch; result: Promise<LearnResult> }[] = [];
    const episodeReturnsPct: number[] = [];
    let envSteps = 0;
    try {
      for (let k = 0; k < rollouts; k++) {
        // the buffer's previous batch (rollout k - buffers) must have been learned before the buffer is refilled
        if (k >= buffers) await this.timed('learningMs', () => pending[k - buffers].result);
        this.current = k % buffers;
        const { episodeReturnsPct: returns, masks } = await this.rollout(this.buffer);
        const ready = await masks;
        const learned = await this.timed('batchMs', async () => reinforceBatch(this.layout, this.buffer, this.baseline, ready, options));
        const learner = k === rollouts - 1 && this.windowEndLearning ? this.windowEndLearning : this.learning;
        const result = learner.learn(this.state, learned.batch);
        result.catch(() => {}); // awaited below; a later rollout that throws first must not leave it unhandled
        pending.push({ learned, result });
        episodeReturnsPct.push(...returns);
        envSteps += this.buffer.size;
      }
      const results = await this.timed('learningMs', () => Promise.all(pending.map((entry) => entry.result)));
      const terms = await this.timed('optimizerMs', async () => {
        const each = pending.map((entry, k) => absorbReinforceResult(this.state, this.adam, entry.learned, results[k], options.batchNormMomentum));
        this.adam.apply(this.state);
        return each;
      });
      return this.count(rollouts, envSteps, episodeReturnsPct, meanTerms(terms), 1);
    } finally {
      // a failed window must not leave learning passes running against the buffers
      await Promise.allSettled(pending.map((entry) => entry.result));
    }
  }

  /** Collects one rollout into `buffer`; REINFORCE's dropout masks for it are made meanwhile. */
  private async rollout(buffer: RolloutBuffer): Promise<{ episodeReturnsPct: number[]; masks: Promise<Uint8Array[]> | undefined }> {
    const config = this.config;
    // REINFORCE learns from the whole rollout, so its masks can be made while the envs step (the
    // dropout stream feeds only masks, so drawing the seeds first changes no random number)
    const seeds = config.algorithm === 'reinforce' ? drawDropoutSeeds(this.layout, this.random.dropout) : undefined;
    const masks = seeds ? this.maskGenerator.generate(dropoutMaskShape(this.layout), seeds, buffer.size, buffer.dropoutMasks) : undefined;
    masks?.catch(() => {}); // awaited by the caller; a rollout that throws first must not leave it unhandled
    const episodeReturnsPct = await this.timed('rolloutMs', () => this.vectorEnv
      ? collectVectorRollout(this.vectorEnv, this.acting, this.state, buffer, this.random.action, config.flags.batchedActing)
      : collectScalarEpisode(this.scalarEnv!, this.acting, this.state, buffer, this.random.action));
    return { episodeReturnsPct, masks };
  }

  private async timed<T>(phase: keyof PhaseTimes, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases[phase] += performance.now() - started;
    }
  }

  private reinforceOptions(): ReinforceStepOptions {
    const config = this.config;
    return {
      gamma: config.gamma,
      entropyCoefficient: config.entropyCoefficient,
      batchNormMomentum: config.batchNormMomentum,
      accumulation: effectiveAccumulation(config),
      vectorizedReturns: config.flags.vectorizedReturns,
      params: this.params,
      closingCost: config.closingCost ? fullClosingCost(this.params) : 0,
      valueCoefficient: config.baseline === 'value' ? config.valueCoefficient : undefined,
    };
  }

  private count(rollouts: number, envSteps: number, episodeReturnsPct: number[], terms: LossTerms, updates: number): IterationReport {
    this.counters.episodes += this.envs * rollouts;
    this.counters.rollouts += rollouts;
    this.counters.updates += updates;
    this.counters.envSteps += envSteps;
    if (updates > 0) this.checkFinite(this.policyArrays());
    return { episodes: this.envs * rollouts, envSteps, episodeReturnsPct, terms, updates };
  }

  /** Keeps a copy of the current policy when `validationSharpe` beats the best so far; returns whether it did. */
  considerBest(validationSharpe: number): boolean {
    if (!Number.isFinite(validationSharpe) || (this.best && validationSharpe <= this.best.validationSharpe)) return false;
    this.best = {
      // a separate state object, so backends cache its weights apart from the live policy's
      state: cloneNetworkState(this.state),
      update: this.counters.updates,
      validationSharpe,
    };
    return true;
  }

  /** Everything needed to continue exactly; taken between iterations. Throws rather than save non-finite state. */
  saveCheckpoint(elapsedMs: number): Uint8Array {
    const arrays: Record<string, CheckpointArray> = {
      ...this.policyArrays(),
      adamM: this.adam.m,
      adamV: this.adam.v,
      accumulated: this.adam.accumulated,
      baselineSums: this.baseline.sums,
      baselineWeights: this.baseline.weights,
      ...(this.best ? { bestParameters: this.best.state.parameters, bestRunningMean: this.best.state.runningMean, bestRunningVariance: this.best.state.runningVariance } : {}),
    };
    this.checkFinite(arrays);
    const header: CheckpointHeader = {
      format: 'traindeck-rl',
      seed: this.seed,
      config: this.config,
      counters: { ...this.counters, elapsedMs },
      random: Object.fromEntries(randomStreams.map((name) => [name, this.random[name].getState()])) as Record<RandomStream, RandomState>,
      adamStep: this.adam.step,
      accumulatedCount: this.adam.accumulatedCount,
      stateVersion: this.state.version,
      ...(this.best ? { best: { update: this.best.update, validationSharpe: this.best.validationSharpe } } : {}),
    };
    return encodeCheckpoint(header, arrays);
  }

  /**
   * Restores a checkpoint of a run with the same algorithm and network (the settings declared
   * `fixedOnResume`; others such as the learning rate may differ). Everything is checked before anything is changed; a DamagedCheckpointError names
   * a malformed header field or a non-finite array, a plain Error a checkpoint of another run shape.
   */
  restore(bytes: Uint8Array): void {
    const decoded = decodeCheckpoint<unknown>(bytes);
    const header = checkHeader(decoded.header);
    const conflicts = resumeConflicts(rlSettings, { ...header.config, ...savedNetworkSettings(header) }, this.config);
    if (conflicts.length > 0) throw new Error(`checkpoint is of another run shape: ${conflicts.join('; ')}`);
    const source = (name: string, length: number) => {
      const array = decoded.arrays.get(name);
      if (!array || array.length !== length) throw new Error(`checkpoint array ${name} has ${array?.length ?? 0} values, expected ${length}`);
      checkArray(name, array);
      return array;
    };
    const { parameters, runningMean, runningVariance } = this.state;
    const restored: [CheckpointArray, CheckpointArray][] = [
      [parameters, source('parameters', parameters.length)],
      [runningMean, source('runningMean', runningMean.length)],
      [runningVariance, source('runningVariance', runningVariance.length)],
      [this.adam.m, source('adamM', this.adam.m.length)],
      [this.adam.v, source('adamV', this.adam.v.length)],
      [this.adam.accumulated, source('accumulated', this.adam.accumulated.length)],
    ];
    // checkpoints from before the baseline existed lack it: the baseline then starts empty
    const saved = decoded.arrays.has('baselineSums') || decoded.arrays.has('baselineWeights');
    restored.push(
      [this.baseline.sums, saved ? source('baselineSums', this.baseline.sums.length) : new Float64Array(this.baseline.sums.length)],
      [this.baseline.weights, saved ? source('baselineWeights', this.baseline.weights.length) : new Float64Array(this.baseline.weights.length)],
    );
    let best: BestPolicy | undefined;
    if (header.best) {
      best = {
        state: { version: 0, parameters: new Float32Array(parameters.length), runningMean: new Float32Array(runningMean.length), runningVariance: new Float32Array(runningVariance.length) },
        update: header.best.update,
        validationSharpe: header.best.validationSharpe,
      };
      restored.push(
        [best.state.parameters, source('bestParameters', parameters.length)],
        [best.state.runningMean, source('bestRunningMean', runningMean.length)],
        [best.state.runningVariance, source('bestRunningVariance', runningVariance.length)],
      );
    }
    for (const [target, array] of restored) target.set(array);
    this.adam.step = header.adamStep;
    this.adam.accumulatedCount = header.accumulatedCount;
    this.state.version = header.stateVersion + 1;
    for (const name of randomStreams) this.random[name].setState(header.random[name]);
    this.best = best;
    Object.assign(this.counters, header.counters);
  }

  /** The live policy's arrays: what the network computes with. */
  private policyArrays(): Record<string, CheckpointArray> {
    return { parameters: this.state.parameters, runningMean: this.state.runningMean, runningVariance: this.state.runningVariance };
  }

  /** Fails the run when training has produced non-finite numbers, so it neither trains on nor saves them. */
  private checkFinite(arrays: Record<string, CheckpointArray>): void {
    for (const [name, array] of Object.entries(arrays)) {
      const bad = badValues(name, array);
      if (bad) {
        throw new Error(`training diverged: ${name} became ${bad.kind} at update ${this.counters.updates} (${describeBadValues(bad)}); `
          + 'the run stops without saving it, so its last checkpoint is from before');
      }
    }
  }
}

/** The mean of each loss term over a window's rollouts. */
function meanTerms(terms: LossTerms[]): LossTerms {
  const mean = { ...terms[0] };
  for (const key of Object.keys(mean) as (keyof LossTerms)[]) mean[key] = terms.reduce((sum, entry) => sum + entry[key], 0) / terms.length;
  return mean;
}
