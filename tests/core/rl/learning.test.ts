// Learning, not just running: on a small deterministic market whose features announce the next
// moves, REINFORCE and PPO must lift the test-split Sharpe of their sampled policy well above where
// the untrained policy starts, within a short budget. Fails if learning breaks (a sign error in the
// loss, advantages that ignore the action, a baseline that leaks, an optimizer that does not step).
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../../src/core/compute/js.ts';
import { createEnvParams } from '../../../src/core/env/create-params.ts';
import { resolveRlSettings } from '../../../src/core/rl/config.ts';
import { evaluateSplits } from '../../../src/core/rl/evaluation.ts';
import { layoutFor, RlTraining } from '../../../src/core/rl/training.ts';
import { Random } from '../../../src/core/random.ts';
import { signalMarket } from '../../fixtures/market.ts';

const market = signalMarket(1500, 21);
// low costs, so what there is to learn is the signal rather than only "trade less"
const params = createEnvParams({ takerFee: 0.0002, tradePenalty: 0 });

async function testSharpe(training: RlTraining, backend: JsBackend): Promise<{ policy: number; buyAndHold: number }> {
  const [test] = await evaluateSplits({
    market, params: params, backend, state: training.state, splits: ['test'], segments: 4,
    sampling: new Random(7), randomSeed: 7, maskInvalidActions: true,
  });
  return { policy: test.metrics['policy (sampled)'].sharpe, buyAndHold: test.metrics['buy-and-hold'].sharpe };
}

describe('RL learns on a market with signal', () => {
  // budgets that learn within a few seconds each on 2 cores (js backend); learning rates above the defaults for the short budget
  const runs = [
    { label: 'reinforce (learned baseline)', algorithm: 'reinforce', rollouts: 25, overrides: { envs: 16, learningRate: 3e-3 } },
    { label: 'reinforce (state baseline)', algorithm: 'reinforce', rollouts: 25, overrides: { envs: 16, learningRate: 3e-3, baseline: 'state' } },
    { label: 'ppo', algorithm: 'ppo', rollouts: 20, overrides: { envs: 8, learningRate: 2e-3, epochs: 2 } },
  ] as const;
  for (const { label, algorithm, rollouts, overrides } of runs) {
    it(`${label}: the test Sharpe of the sampled policy rises well above the untrained policy's`, async () => {
      const config = resolveRlSettings('optimized', { algorithm, horizon: 40, accumulation: 1, flags: { backendChoice: false, fp16: false }, ...overrides });
      const backend = new JsBackend(layoutFor(config));
      const training = new RlTraining(config, 1, { market, range: market.splits.train, params: params }, backend, backend);
      const before = await testSharpe(training, backend);
      while (training.counters.rollouts < rollouts) await training.iterate();
      const after = await testSharpe(training, backend);
      expect(after.policy, `untrained ${before.policy}`).toBeGreaterThan(before.policy + 5);
      expect(after.policy).toBeGreaterThan(after.buyAndHold);
    }, 60_000);
  }
});
