// Per-update diagnostics of RL training (issue #11, the REINFORCE drift): runs RlTraining on a
// dataset and prints one JSON line per optimizer step with what the policy does (long share,
// trades per episode, P(BUY | flat), P(SELL | long)), the loss weights (mean normalised return per
// position state and action, per quarter of the episode), entropy, KL between the acting pass
// (running BatchNorm statistics, no dropout) and the learning pass (batch statistics, dropout),
// per-layer gradient norms and the gap between BatchNorm batch and running statistics.
// Usage: node scripts/rl-diagnose.ts [--data-dir DIR] [--dataset NAME] [--seed S] [--updates N] [--every K] [--set key=value ...]
import { parseArgs } from 'node:util';
import { loadMarket } from '../src/host/trainers/market.ts';
import { autoBackendCacheFile as autoBackendCache } from '../src/host/compute-choice.ts';
import { resolveRlSettings } from '../src/core/rl/config.ts';
import { selectBackends } from '../src/core/rl/backends.ts';
import { RlTraining } from '../src/core/rl/training.ts';
import { linearLayers } from '../src/core/compute/network.ts';
import { drawDropoutMasks } from '../src/core/rl/batch.ts';
import { Random } from '../src/core/random.ts';
import { closingCosts, createReturnBaseline, fullClosingCost, positionState, reinforceAdvantagesVectorized } from '../src/core/rl/reinforce.ts';
import { DEFAULT_ENV_PARAMS } from '../src/core/env/params.ts';
import { buyAndHoldCurve } from '../src/core/env/evaluate.ts';
import { OBSERVATION_WIDTH, POSITION_INDEX } from '../src/core/env/observation.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '/tmp/td-data' },
    dataset: { type: 'string', default: 'default' },
    seed: { type: 'string', default: '1' },
    updates: { type: 'string', default: '400' },
    every: { type: 'string', default: '10' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const options: Record<string, unknown> = {};
for (const pair of values.set!) {
  const [key, raw] = pair.split('=');
  options[key] = raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
}
const market = await loadMarket({ dataDir: values['data-dir']!, dataset: values.dataset! });
const config = resolveRlSettings('optimized', { algorithm: 'reinforce', ...options }); // the REINFORCE diagnosis (PPO is the default)
const backends = await selectBackends(config, (await import('../src/core/rl/training.ts')).layoutFor(config), autoBackendCache(values['data-dir']!), () => performance.now());
const training = new RlTraining(config, Number(values.seed), { market, range: market.splits.train, params: DEFAULT_ENV_PARAMS }, backends.acting, backends.learning);

// what the train split offers: buy-and-hold's mean return per 150-bar window
{
  const { start, end } = market.splits.train;
  let sum = 0;
  let count = 0;
  for (let first = start; first + config.horizon + 1 <= end; first += config.horizon) {
    sum += buyAndHoldCurve(market, { start: first, end: first + config.horizon + 1 }).metrics.totalReturn * 100;
    count++;
  }
  console.log(JSON.stringify({ trainWindowBuyAndHoldMeanPct: sum / count, windows: count, backend: `${backends.acting.name}/${backends.learning.name}` }));
}

const diagnosticRandom = new Random(12345); // its own stream, so diagnosing changes no training draw
const updates = Number(values.updates);
const every = Number(values.every);
const buffer = training.buffer;
let returns: number[] = [];
let rollouts = 0;
let stepMax: Record<string, number> = {};
const previousBaseline = createReturnBaseline(config.horizon);
const agg = { long: 0, rows: 0, trades: 0, entropy: 0, pBuyFlat: 0, flat: 0, pSellLong: 0, longRows: 0 };
const groups = ['flat HOLD', 'flat BUY', 'long HOLD', 'long SELL'];
let groupSums = new Float64Array(8);
let explained = { state: 0, value: 0, count: 0 };
let quarterSums = new Float64Array(8);
while (training.counters.updates < updates) {
  const before = training.counters.updates;
  const parametersBefore = training.state.parameters.slice();
  const report = await training.iterate();
  if (training.counters.updates > before) {
    // the Adam step in units of the learning rate (RMS over the layer): ~1 or below normally; well
    // above 1 when gradients grow faster than Adam's second moment (β2 = 0.999) can follow
    for (const layer of linearLayers(training.layout)) {
      let squares = 0;
      for (let i = layer.weight; i < layer.bias + layer.outputs; i++) squares += (training.state.parameters[i] - parametersBefore[i]) ** 2;
      const rms = Math.sqrt(squares / (layer.bias + layer.outputs - layer.weight)) / config.learningRate;
      stepMax[layer.name] = Math.max(stepMax[layer.name] ?? 0, rms);
    }
  }
  rollouts++;
  returns.push(...report.episodeReturnsPct);
  agg.entropy += report.terms.entropy;
  // the loss weights this rollout was learned with: the baseline as it was before the rollout
  const states = Uint8Array.from({ length: buffer.size }, (_, row) => positionState(buffer.observations, row));
  // with the learned baseline, V(s) from the acting pass (in the buffer) as the training used it
  const learnedBaseline = config.baseline === 'value' ? { values: buffer.values, returns: new Float32Array(buffer.size) } : undefined;
  const weights = reinforceAdvantagesVectorized(buffer.rewards, buffer.alive, states, closingCosts(buffer, DEFAULT_ENV_PARAMS, config.closingCost ? fullClosingCost(DEFAULT_ENV_PARAMS) : 0), buffer.envs, buffer.horizon, config.gamma, { sums: previousBaseline.sums.slice(), weights: previousBaseline.weights.slice() }, new Float32Array(buffer.size), learnedBaseline);
  // how much of the returns' variance each baseline explains, 1 − Var(G − b)/Var(G): the part of an
  // action's credit that is the market's noise is what the baseline leaves unexplained
  {
    const returnsG = new Float32Array(buffer.size);
    reinforceAdvantagesVectorized(buffer.rewards, buffer.alive, states, closingCosts(buffer, DEFAULT_ENV_PARAMS, config.closingCost ? fullClosingCost(DEFAULT_ENV_PARAMS) : 0), buffer.envs, buffer.horizon, config.gamma, createReturnBaseline(config.horizon), new Float32Array(buffer.size), { values: new Float32Array(buffer.size), returns: returnsG }); // an empty b: the targets are G itself
    const residual = (baselineOf: (row: number) => number) => {
      let sumG = 0, sumG2 = 0, sumR = 0, sumR2 = 0, n = 0;
      for (let row = 0; row < buffer.size; row++) {
        if (!buffer.alive[row]) continue;
        const g = returnsG[row];
        const r = g - baselineOf(row);
        sumG += g; sumG2 += g * g; sumR += r; sumR2 += r * r; n++;
      }
      return 1 - (sumR2 / n - (sumR / n) ** 2) / (sumG2 / n - (sumG / n) ** 2);
    };
    const stateBaseline = (row: number) => {
      const cell = states[row] * buffer.horizon + Math.floor(row / buffer.envs);
      return previousBaseline.weights[cell] > 0 ? previousBaseline.sums[cell] / previousBaseline.weights[cell] : 0;
    };
    explained.state += residual(stateBaseline);
    if (training.layout.value) explained.value += residual((row) => stateBaseline(row) + buffer.values[row]);
    explained.count++;
  }
  // b(t, p) as the state baseline would have it (the training's own with that baseline; kept here
  // for comparison with the learned one, which leaves the training's unused)
  reinforceAdvantagesVectorized(buffer.rewards, buffer.alive, states, closingCosts(buffer, DEFAULT_ENV_PARAMS, config.closingCost ? fullClosingCost(DEFAULT_ENV_PARAMS) : 0), buffer.envs, buffer.horizon, config.gamma, previousBaseline, new Float32Array(buffer.size));
  for (let row = 0; row < buffer.size; row++) {
    const long = buffer.observations[row * OBSERVATION_WIDTH + POSITION_INDEX] > 0;
    const action = buffer.actions[row];
    agg.rows++;
    if (long) agg.long++;
    if (action !== 0) agg.trades++;
    const group = long ? (action === 0 ? 2 : 3) : (action === 0 ? 0 : 1);
    groupSums[group * 2] += weights[row];
    groupSums[group * 2 + 1]++;
    const quarter = Math.floor((Math.floor(row / buffer.envs) * 4) / buffer.horizon);
    quarterSums[quarter * 2] += weights[row];
    quarterSums[quarter * 2 + 1]++;
  }
  if (training.counters.updates === before || training.counters.updates % every !== 0) continue;
  // acting probabilities vs the learning pass on this rollout, and the gradient per layer
  const rows = buffer.rows(0, buffer.size);
  const acting = await backends.acting.act(training.state, rows);
  const learned = await backends.learning.learn(training.state, {
    ...rows, actions: buffer.actions, dropoutMasks: drawDropoutMasks(training.layout, buffer.size, diagnosticRandom),
    loss: { kind: 'reinforce', weights, entropyCoefficient: config.entropyCoefficient, ...(learnedBaseline ? { value: { returns: learnedBaseline.returns, valueCoefficient: config.valueCoefficient } } : {}) },
  });
  let kl = 0;
  for (let row = 0; row < buffer.size; row++) {
    const long = buffer.observations[row * OBSERVATION_WIDTH + POSITION_INDEX] > 0;
    if (long) { agg.pSellLong += acting.probabilities[row * 3 + 2]; agg.longRows++; } else { agg.pBuyFlat += acting.probabilities[row * 3 + 1]; agg.flat++; }
    for (let j = 0; j < 3; j++) {
      const p = acting.probabilities[row * 3 + j];
      if (p > 0) kl += p * (Math.log(p) - learned.logProbs[row * 3 + j]);
    }
  }
  const layerNorms: Record<string, number> = {};
  for (const layer of linearLayers(training.layout)) {
    let sum = 0;
    for (let i = layer.weight; i < layer.bias + layer.outputs; i++) sum += learned.gradient[i] ** 2;
    layerNorms[layer.name] = Number(Math.sqrt(sum).toExponential(2));
  }
  let meanGap = 0;
  let varRatio = 0;
  for (let i = 0; i < learned.batchMean.length; i++) {
    meanGap += Math.abs(learned.batchMean[i] - training.state.runningMean[i]) / Math.sqrt(training.state.runningVariance[i] + 1e-5);
    varRatio += learned.batchVariance[i] / (training.state.runningVariance[i] + 1e-5);
  }
  const round = (x: number) => Number(x.toFixed(4));
  console.log(JSON.stringify({
    update: training.counters.updates,
    episodeReturnPct: round(returns.reduce((a, b) => a + b, 0) / returns.length),
    longShare: round(agg.long / agg.rows),
    tradesPerEpisode: round((agg.trades / agg.rows) * config.horizon),
    pBuyFlat: round(agg.pBuyFlat / Math.max(1, agg.flat)),
    pSellLong: round(agg.pSellLong / Math.max(1, agg.longRows)),
    entropy: round(agg.entropy / rollouts),
    klActLearn: Number((kl / buffer.size).toExponential(2)),
    advantage: Object.fromEntries(groups.map((name, g) => [name, `${round(groupSums[g * 2] / Math.max(1, groupSums[g * 2 + 1]))} (n=${groupSums[g * 2 + 1]})`])),
    advantageByQuarter: [0, 1, 2, 3].map((q) => round(quarterSums[q * 2] / Math.max(1, quarterSums[q * 2 + 1]))),
    explainedVariance: { state: round(explained.state / explained.count), ...(training.layout.value ? { value: round(explained.value / explained.count) } : {}) },
    bnMeanGapSigma: round(meanGap / learned.batchMean.length),
    bnVarianceRatio: round(varRatio / learned.batchMean.length),
    gradientNorms: layerNorms,
    maxStepInLearningRates: Object.fromEntries(Object.entries(stepMax).map(([name, value]) => [name, Number(value.toFixed(2))])),
  }));
  stepMax = {};
  returns = [];
  rollouts = 0;
  Object.keys(agg).forEach((key) => { agg[key as keyof typeof agg] = 0; });
  groupSums = new Float64Array(8);
  explained = { state: 0, value: 0, count: 0 };
  quarterSums = new Float64Array(8);
}
await backends.acting.dispose();
if (backends.learning !== backends.acting) await backends.learning.dispose();
