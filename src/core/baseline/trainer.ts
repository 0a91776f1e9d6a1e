// The baseline trainer: a uniformly random policy and buy-and-hold, played on the same trading env
// the learning trainers use. It learns nothing on purpose; it is the yardstick every other
// trainer's throughput and portfolio are compared against, and the simplest end-to-end run.
// Original mode plays one scalar env; optimized mode steps `vectorEnvs` episodes at once in the
// struct-of-arrays vector env, so even the baseline shows what vectorization buys.
import { Random, type RandomState } from '../random.ts';
import type { TrainerOutcome, TrainerRunContext } from '../trainer.ts';
import { DamagedCheckpointError, restoreFrom } from '../checkpoint-integrity.ts';
import type { MarketData } from '../features/market-data.ts';
import { DEFAULT_ENV_PARAMS, type EnvParams } from '../env/params.ts';
import { ScalarTradingEnv } from '../env/scalar.ts';
import { VectorTradingEnv } from '../env/vector.ts';
import { contextLoopOptions, RunLoop } from '../run-loop.ts';
import { buyAndHoldCurve, randomCurve } from '../env/evaluate.ts';
import { evaluationReport, policyResult } from '../env/evaluation-report.ts';
import type { EvaluationReport, MetricSample } from '../../shared/metrics.ts';
import type { BaselineSummaryFigures } from '../../shared/figures/baseline.ts';
import type { Action } from '../env/observation.ts';

export interface BaselineResources {
  market: MarketData;
  envParams?: EnvParams;
}

/** Episodes stepped together in optimized mode. */
export const vectorEnvs = 64;
/** How often (ms of training time) the random policy is evaluated on the test split. */
const evaluationIntervalMs = 2_000;
/** How often metrics are sampled; the host batches them further. */
const metricIntervalMs = 200;
/** How often a checkpoint is written while running (and always on stop). */
const checkpointIntervalMs = 10_000;
/** Longest stretch of work between yields to the host (so Stop is answered promptly). */
const yieldIntervalMs = 20;
/** The evaluation's random policy has its own fixed seed, so curves are comparable across time. */
const evaluationSeedStream = 0xe7a1;

interface BaselineCheckpoint {
  version: 1;
  episodes: number;
  elapsedMs: number;
  random: RandomState;
}

const checkpointVersion = 1;

export async function runBaselineTrainer(context: TrainerRunContext<BaselineResources>): Promise<TrainerOutcome> {
  const { config, reporter, resources } = context;
  const params = resources.envParams ?? DEFAULT_ENV_PARAMS;
  const market = resources.market;

  const restored = await restoreFrom(context.checkpoints, decodeCheckpoint);
  const random = restored ? Random.fromState(restored.random) : new Random(config.seed);
  const playEpisodes = config.mode === 'optimized' ? vectorEpisodes(market, params, random) : scalarEpisodes(market, params, random);
  reporter.device('js', config.mode === 'optimized' ? `cpu (single thread, ${vectorEnvs} vectorized envs)` : 'cpu (single thread)');

  const counts = { episodes: restored?.episodes ?? 0 };
  const loop = new RunLoop({
    ...contextLoopOptions(context),
    priorMs: restored?.elapsedMs ?? 0,
    counts,
    yieldEveryMs: yieldIntervalMs,
    metricsEvery: { everyMs: metricIntervalMs },
    evaluationEvery: { everyMs: evaluationIntervalMs, atStart: true },
    checkpointEvery: { everyMs: checkpointIntervalMs },
  });

  let returnSum = 0;
  let buyAndHoldSum = 0;
  let windowEpisodes = 0;
  let latestEvaluation: EvaluationReport | undefined;
  // Both curves are fixed for a given seed; only their timestamps change between reports.
  const testRange = market.splits.test;
  const evaluationCurves = [
    { policy: 'random', curve: randomCurve(market, testRange, Random.derive(config.seed, evaluationSeedStream).nextUint32(), params) },
    { policy: 'buy-and-hold', curve: buyAndHoldCurve(market, testRange, params) },
  ];
  const evaluate = () => {
    const elapsedMs = loop.elapsedMs();
    latestEvaluation = evaluationReport('test', counts.episodes, elapsedMs, market.barIntervalMs, evaluationCurves);
    reporter.evaluation(latestEvaluation);
    // Learning over time, as every trainer records it: the reported (random) policy's test Sharpe.
    reporter.metrics([{ name: 'testSharpe', value: latestEvaluation.stats[0].sharpe, elapsedMs, step: counts.episodes }]);
  };

  const { stopped } = await loop.run({
    step: (episodesLeft) => {
      const finished = playEpisodes(episodesLeft);
      counts.episodes += finished.count;
      windowEpisodes += finished.count;
      returnSum += finished.returnPctSum;
      buyAndHoldSum += finished.buyAndHoldPctSum;
    },
    metrics: () => {
      const elapsedMs = loop.elapsedMs();
      const sample = (name: string, value: number): MetricSample => ({ name, value, elapsedMs, step: counts.episodes });
      const samples = [sample('episodes', counts.episodes), sample('episodesPerMin', loop.episodes.perMinute())];
      if (windowEpisodes > 0) samples.push(sample('meanEpisodeReturnPct', returnSum / windowEpisodes), sample('buyAndHoldReturnPct', buyAndHoldSum / windowEpisodes));
      reporter.metrics(samples);
      returnSum = buyAndHoldSum = windowEpisodes = 0;
    },
    progressMessage: () => `${counts.episodes} episodes`,
    evaluate,
    finish: () => {
      evaluate();
      return false;
    },
    checkpoint: (elapsedMs) => context.checkpoints.save(encodeCheckpoint({ version: 1, episodes: counts.episodes, elapsedMs, random: random.getState() })),
  });

  const randomStats = latestEvaluation?.stats.find((stats) => stats.policy === 'random');
  const holdStats = latestEvaluation?.stats.find((stats) => stats.policy === 'buy-and-hold');
  return {
    stopped,
    summary: loop.summary<BaselineSummaryFigures>({
      finalEquity: randomStats?.finalEquity,
      // The baseline hands over the random policy: the yardstick every learner must beat.
      ...(randomStats && holdStats ? { result: policyResult('uniformly random actions (the baseline learns nothing)', randomStats, holdStats, randomStats) } : {}),
      extra: {
        testSharpe: randomStats?.sharpe ?? null,
        testMaxDrawdownPct: randomStats?.maxDrawdownPct ?? null,
        testTrades: randomStats?.trades ?? null,
        buyAndHoldFinalEquity: holdStats?.finalEquity ?? null,
        buyAndHoldSharpe: holdStats?.sharpe ?? null,
      },
    }),
  };
}

/** Episodes finished by one call of an episode source, and their summed returns. */
interface FinishedEpisodes {
  count: number;
  returnPctSum: number;
  buyAndHoldPctSum: number;
}

/** One random episode at a time on the scalar env (the readable original). */
function scalarEpisodes(market: MarketData, params: EnvParams, random: Random): (limit: number) => FinishedEpisodes {
  const env = new ScalarTradingEnv(market, market.splits.train, random, params);
  return () => {
    env.reset();
    const startBar = env.state.startBar;
    let result;
    do result = env.step(random.nextInt(3) as Action);
    while (!result.done);
    return { count: 1, returnPctSum: (result.equity / params.startCapital - 1) * 100, buyAndHoldPctSum: buyAndHoldReturnPct(market.close, startBar, params) };
  };
}

/** `vectorEnvs` random episodes stepped together; each call advances every env one full episode length. */
function vectorEpisodes(market: MarketData, params: EnvParams, random: Random): (limit: number) => FinishedEpisodes {
  const env = new VectorTradingEnv(market, market.splits.train, random, { count: vectorEnvs, autoReset: true }, params);
  env.reset();
  const actions = new Uint8Array(vectorEnvs);
  const startBars = Int32Array.from(env.rows);
  return (limit) => {
    const finished: FinishedEpisodes = { count: 0, returnPctSum: 0, buyAndHoldPctSum: 0 };
    for (let step = 0; step < params.episodeLength && finished.count < limit; step++) {
      for (let i = 0; i < vectorEnvs; i++) actions[i] = random.nextInt(3);
      env.step(actions);
      for (let i = 0; i < vectorEnvs; i++) {
        if (!env.dones[i]) continue;
        if (finished.count < limit) {
          finished.count++;
          finished.returnPctSum += (env.stepEquity[i] / params.startCapital - 1) * 100;
          finished.buyAndHoldPctSum += buyAndHoldReturnPct(market.close, startBars[i], params);
        }
        startBars[i] = env.rows[i]; // auto-reset started the env's next episode here
      }
    }
    return finished;
  };
}

/** Buy at the episode's first close, sell at its last, paying the taker fee both ways. */
function buyAndHoldReturnPct(close: Float64Array, startBar: number, params: EnvParams): number {
  const feeFactor = (1 - params.takerFee) ** 2;
  return ((close[startBar + params.episodeLength] / close[startBar]) * feeFactor - 1) * 100;
}

function encodeCheckpoint(checkpoint: BaselineCheckpoint): Uint8Array {
  const view = new DataView(new ArrayBuffer(4 + 8 + 8 + 16));
  view.setUint32(0, checkpointVersion, true);
  view.setFloat64(4, checkpoint.episodes, true);
  view.setFloat64(12, checkpoint.elapsedMs, true);
  checkpoint.random.forEach((word, index) => view.setUint32(20 + index * 4, word, true));
  return new Uint8Array(view.buffer);
}

/** Reads a checkpoint, refusing one whose size, version or values could not have been written by this trainer. */
function decodeCheckpoint(bytes: Uint8Array): BaselineCheckpoint {
  if (bytes.byteLength !== 36) throw new DamagedCheckpointError(`baseline checkpoint is ${bytes.byteLength} bytes, expected 36`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, true);
  if (version !== checkpointVersion) throw new DamagedCheckpointError(`baseline checkpoint version ${version} is not supported (expected ${checkpointVersion})`);
  const episodes = view.getFloat64(4, true);
  const elapsedMs = view.getFloat64(12, true);
  if (!Number.isSafeInteger(episodes) || episodes < 0) throw new DamagedCheckpointError(`baseline checkpoint field episodes is ${episodes}, expected a whole number from 0`);
  if (!Number.isFinite(elapsedMs) || elapsedMs < 0) throw new DamagedCheckpointError(`baseline checkpoint field elapsedMs is ${elapsedMs}, expected a finite number from 0`);
  const random = [0, 1, 2, 3].map((index) => view.getUint32(20 + index * 4, true)) as RandomState;
  // xoshiro's all-zero state is a fixed point: it would "play" the same action forever
  if (random.every((word) => word === 0)) throw new DamagedCheckpointError('baseline checkpoint field random is all zero, which no generator can be in');
  return { version: 1, episodes, elapsedMs, random };
}
