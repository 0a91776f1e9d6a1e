// Collecting experience on the trading envs: the original path (one ScalarTradingEnv, a batch-1
// forward pass per step) and the optimized path (a VectorTradingEnv of N envs stepped together,
// one batched forward pass per step, or a batch-1 pass per env when batched acting is off). Both
// fill the same time-major RolloutBuffer; an episode that ends early (bankruptcy, long-short only)
// leaves its remaining rows dead.
import type { ComputeBackend } from '../compute/types.ts';
import type { ScalarTradingEnv } from '../env/scalar.ts';
import type { VectorTradingEnv } from '../env/vector.ts';
import type { Random } from '../random.ts';
import { RolloutBuffer, sampleAction } from './batch.ts';
import type { NetworkState } from '../compute/network.ts';
import { ACTION_COUNT, ACTIONS } from '../env/observation.ts';

/** Original mode: one episode of one scalar env; returns its return in percent of the start capital. */
export async function collectScalarEpisode(
  env: ScalarTradingEnv, backend: ComputeBackend, state: NetworkState, buffer: RolloutBuffer, random: Random,
): Promise<number[]> {
  buffer.alive.fill(0);
  buffer.rewards.fill(0);
  let observation = env.reset();
  for (let t = 0; t < buffer.horizon; t++) {
    buffer.observations.set(observation, t * observation.length);
    buffer.actionMasks?.set(env.actionMask(), t * ACTION_COUNT);
    buffer.alive[t] = 1;
    const policy = await backend.act(state, buffer.rows(t, 1));
    const action = sampleAction(policy.probabilities, 0, random);
    buffer.actions[t] = action;
    buffer.actionProbabilities[t] = policy.probabilities[action];
    if (policy.values) buffer.values[t] = policy.values[0];
    const result = env.step(action as 0 | 1 | 2);
    buffer.rewards[t] = result.reward;
    observation = result.observation;
    if (result.done) break;
  }
  return [(env.state.equity / env.params.startCapital - 1) * 100];
}

/**
 * Optimized mode: N envs (autoReset off) stepped together for one episode each. With batched
 * acting, one forward pass of N rows per step; without it, N batch-1 passes (that flag's ablation).
 */
export async function collectVectorRollout(
  env: VectorTradingEnv, backend: ComputeBackend, state: NetworkState, buffer: RolloutBuffer, random: Random, batchedActing: boolean,
): Promise<number[]> {
  const envs = env.count;
  const actions = new Uint8Array(envs);
  const ended = new Uint8Array(envs);
  const returnsPct = new Array<number>(envs).fill(0);
  const startCapital = env.params.startCapital;
  env.reset();
  for (let t = 0; t < buffer.horizon; t++) {
    const row = t * envs;
    const observation = buffer.rows(row, envs);
    env.gatherObservations(observation.observations);
    if (observation.actionMasks) env.gatherActionMasks(observation.actionMasks);
    const policy = batchedActing ? await backend.act(state, observation) : undefined;
    for (let i = 0; i < envs; i++) {
      if (ended[i]) {
        // a finished env is parked: no draw, so the random stream matches the scalar path
        actions[i] = ACTIONS.HOLD;
        buffer.alive[row + i] = 0;
        continue;
      }
      const single = policy ?? (await backend.act(state, buffer.rows(row + i, 1)));
      const k = policy ? i : 0;
      actions[i] = sampleAction(single.probabilities, k, random);
      buffer.alive[row + i] = 1;
      buffer.actionProbabilities[row + i] = single.probabilities[k * ACTION_COUNT + actions[i]];
      if (single.values) buffer.values[row + i] = single.values[k];
    }
    buffer.actions.set(actions, row);
    env.step(actions);
    for (let i = 0; i < envs; i++) {
      buffer.rewards[row + i] = ended[i] ? 0 : env.rewards[i];
      if (!ended[i] && env.dones[i]) {
        ended[i] = 1;
        returnsPct[i] = (env.stepEquity[i] / startCapital - 1) * 100;
      }
    }
  }
  return returnsPct;
}
