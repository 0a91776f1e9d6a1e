// The RL trainer's figures in its run summary (`summary.extra`), each declared once: what ran
// (algorithm, backends, flags), counts over all sessions, the final weights on the test split and
// the best-on-validation copy (early stopping) on the same split.
import { z } from 'zod';
import { rlFlagNames, rlFlagSettings, type RlFlagName } from '../settings/rl.ts';
import { figure, figureSet, type FiguresOf, type SummaryWithFigures } from './declare.ts';

/** Each optimization flag as the run set it, under its own name (the settings declare what it does). */
const flagFigures = Object.fromEntries(
  rlFlagNames.map((name) => [name, figure(z.boolean(), `Flag ${name} as the run set it: ${rlFlagSettings.fields[name].doc}`)]),
) as { [Name in RlFlagName]: z.ZodBoolean };

export const rlSummaryFigures = figureSet('The RL trainer: test figures are the final weights, best ones the best-on-validation copy.', {
  algorithm: figure(z.string(), 'Policy-gradient algorithm the run trained with (reinforce or ppo).'),
  baseline: figure(z.enum(['state', 'value']).optional(), "REINFORCE's baseline: state (b(t, p) only) or value (b + learned V); absent for PPO."),
  parameters: figure(z.number(), 'Trainable parameters of the policy network, with its value head where it has one.', 'parameters'),
  updates: figure(z.number(), 'Optimizer updates over all sessions.', 'updates'),
  envSteps: figure(z.number(), 'Env steps of training rollouts over all sessions.', 'steps'),
  envs: figure(z.number(), 'Envs stepped together in a rollout.', 'envs'),
  actingBackend: figure(z.string(), 'Compute backend that chose the actions.'),
  learningBackend: figure(z.string(), 'Compute backend that computed the gradients.'),
  device: figure(z.string(), 'Device the backends ran on, in words (each backend when they differ).'),
  fp16Note: figure(z.string().nullable(), 'Why the fp16 flag could not take effect, or null.'),
  episodesThisSession: figure(z.number(), 'Episodes completed since the run last started or resumed.', 'episodes'),
  autoCached: figure(z.boolean().optional(), 'Backend `auto`: the choice came from this machine\'s cache rather than a measurement in this run.'),
  autoMeasuredAt: figure(z.string().optional(), 'Backend `auto`: when the choice was measured (ISO 8601).'),
  autoTimings: figure(z.string().optional(), "Backend `auto`: each backend's measured acting and learning time, in words."),
  bestUpdate: figure(z.number().optional(), 'Update at which the best-on-validation copy was kept.', 'updates'),
  bestValidationSharpeSampled: figure(z.number().optional(), "The best copy's Sharpe on the validation split, actions sampled.", 'annualised'),
  bestTestSharpeSampled: figure(z.number().optional(), "The best copy's Sharpe on the test split, actions sampled.", 'annualised'),
  bestTestSharpeGreedy: figure(z.number().optional(), "The best copy's Sharpe on the test split, greedy actions.", 'annualised'),
  bestTestReturnPctSampled: figure(z.number().optional(), "The best copy's total return on the test split, actions sampled.", '%'),
  ...flagFigures,
  testSharpeGreedy: figure(z.number().optional(), "The final weights' Sharpe on the test split, greedy actions.", 'annualised'),
  testSharpeSampled: figure(z.number().optional(), "The final weights' Sharpe on the test split, actions sampled.", 'annualised'),
  testSharpeBuyAndHold: figure(z.number().optional(), "Buy-and-hold's Sharpe on the test split.", 'annualised'),
  testSharpeRandom: figure(z.number().optional(), "A uniformly random policy's Sharpe on the test split.", 'annualised'),
  testReturnPctGreedy: figure(z.number().optional(), "The final weights' total return on the test split, greedy actions.", '%'),
  testMaxDrawdownPctGreedy: figure(z.number().optional(), "The final weights' maximum drawdown on the test split, greedy actions.", '%'),
  testTradesGreedy: figure(z.number().optional(), "The final weights' position changes on the test split, greedy actions.", 'trades'),
  testReturnPctSampled: figure(z.number().optional(), "The final weights' total return on the test split, actions sampled.", '%'),
});

export type RlSummaryFigures = FiguresOf<typeof rlSummaryFigures>;

/** An RL run's figures, typed; those it lacks (an older run, a run that never evaluated) are undefined. */
export const rlFigures: (summary: SummaryWithFigures) => Partial<RlSummaryFigures> = rlSummaryFigures.read;
