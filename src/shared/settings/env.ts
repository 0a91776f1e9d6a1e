// The trading env's settings, shared by every trainer that trains in the env (`options.env` of RL
// and NEAT runs). The episode length is not among them: each trainer sets it from its own setting
// (RL `horizon`, NEAT `stepsPerEpisode`).
import { choice, number, section } from './declare.ts';

export const positionModes = ['long-only', 'long-short'] as const;
export const positionSizings = ['all-in', 'fractional'] as const;

/** The most exposure steps fractional sizing may have (tradeFraction = 1/k, k <= this). */
export const maxPositionSteps = 100;

export const envSettings = section(
  'Trading env settings.',
  {
    startCapital: number(0, 1e12, { exclusiveMin: true, doc: 'Capital at the start of each episode, and the denominator of the reward.', unit: 'quote currency', default: 10_000 }),
    takerFee: number(0, 0.1, { doc: 'Taker fee as a fraction of traded notional (0.001 = 0.1%).', default: 0.001 }),
    slippageBps: number(0, 1000, { doc: 'Slippage: buys fill this much above the close, sells below.', unit: 'bps', default: 0 }),
    tradePenalty: number(0, 100, { doc: 'Reward subtracted on every step whose action changes the position.', default: 0.01 }),
    positionMode: choice(positionModes, { doc: 'long-only (spot) or long-short.', default: 'long-only' }),
    positionSizing: choice(positionSizings, { doc: 'all-in: BUY goes fully long, SELL flat (or fully short); fractional: steps of tradeFraction.', default: 'all-in' }),
    tradeFraction: number(0.01, 1, { doc: `Exposure change per BUY or SELL under fractional sizing: 1/k for an integer k in [1, ${maxPositionSteps}].`, default: 0.25 }),
  },
  {
    checks: [
      (env) => {
        const steps = 1 / env.tradeFraction;
        const whole = Math.abs(steps - Math.round(steps)) < 1e-9 && Math.round(steps) <= maxPositionSteps;
        return whole ? [] : [{ path: 'tradeFraction', message: `${env.tradeFraction} is not allowed; expected 1/k for an integer k in [1, ${maxPositionSteps}]` }];
      },
    ],
  },
);
