// Public surface of the RL module for workers, the CLI and tests.
export { rlTrainer, type RlResources } from './trainer.ts';
export { defaultRlSettings, resolveRlSettings } from './config.ts';
export { describeNetwork, networkLayout, type NetworkLayout, type NetworkState } from '../compute/network.ts';
export { layoutFor, RlTraining, type TrainingData, type IterationReport } from './training.ts';
export { evaluateSplits, toEvaluationReport, type SplitEvaluation } from './evaluation.ts';
