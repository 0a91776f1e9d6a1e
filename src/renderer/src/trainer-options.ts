// The key hyperparameters the New run form offers per trainer, with defaults and bounds. The
// trainer validates its options again (and names a bad key); this is for inline feedback.
import type { TrainerName } from '../../shared/run.ts';

export interface NumberOption {
  key: string;
  label: string;
  unit: string;
  defaultValue: number;
  min: number;
  max: number;
  integer: boolean;
  /** Shown only for these RL algorithms. */
  algorithms?: string[];
  /** Shown only in these modes (e.g. vectorized envs mean nothing in original mode). */
  modes?: Array<'original' | 'optimized'>;
}

export interface ChoiceOption {
  key: string;
  label: string;
  choices: string[];
  defaultValue: string;
}

export interface TrainerForm {
  /** Whether the trainer has optimization flags an ablation can measure one by one. */
  ablation: boolean;
  budgetUnits: Array<'seconds' | 'episodes' | 'generations'>;
  choices: ChoiceOption[];
  numbers: NumberOption[];
}

export const trainerForms: Record<TrainerName, TrainerForm> = {
  baseline: { ablation: false, budgetUnits: ['seconds', 'episodes'], choices: [], numbers: [] },
  rl: {
    ablation: true,
    budgetUnits: ['seconds', 'episodes'],
    choices: [
      { key: 'algorithm', label: 'Algorithm', choices: ['reinforce', 'ppo'], defaultValue: 'reinforce' },
      { key: 'backend', label: 'Compute backend', choices: ['auto', 'onnx', 'tfjs-node', 'tfjs-webgpu', 'tfjs-wasm', 'js'], defaultValue: 'auto' },
    ],
    numbers: [
      { key: 'learningRate', label: 'Learning rate', unit: '', defaultValue: 3e-4, min: 1e-7, max: 1, integer: false },
      { key: 'gamma', label: 'Discount γ', unit: '', defaultValue: 0.99, min: 0, max: 1, integer: false },
      { key: 'entropyCoefficient', label: 'Entropy bonus', unit: '', defaultValue: 0.01, min: 0, max: 1, integer: false },
      { key: 'envs', label: 'Vectorized envs', unit: 'envs', defaultValue: 32, min: 1, max: 1024, integer: true, modes: ['optimized'] },
      { key: 'accumulation', label: 'Gradient accumulation', unit: 'batches', defaultValue: 4, min: 1, max: 64, integer: true, modes: ['optimized'] },
    ],
  },
  neat: {
    ablation: true,
    budgetUnits: ['seconds', 'generations'],
    choices: [
      { key: 'topology', label: 'Topology', choices: ['coevolution', 'single'], defaultValue: 'coevolution' },
      { key: 'selection', label: 'Selection', choices: ['fitness', 'nsga2'], defaultValue: 'fitness' },
    ],
    numbers: [
      { key: 'neat.populationSize', label: 'Genomes per population', unit: 'genomes', defaultValue: 50, min: 2, max: 100_000, integer: true },
      { key: 'envsPerGenome', label: 'Envs per genome', unit: 'envs', defaultValue: 6, min: 1, max: 64, integer: true },
      { key: 'stepsPerEpisode', label: 'Steps per episode', unit: 'steps', defaultValue: 150, min: 2, max: 100_000, integer: true },
    ],
  },
};

/** Sets `value` at a dotted key path (`neat.populationSize`) in a nested options object. */
export function setOption(options: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let target = options;
  for (const part of parts.slice(0, -1)) {
    if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]] = value;
}

/** The problem with a number option's value, or '' when it is fine. */
export function numberOptionError(option: NumberOption, value: number): string {
  if (!Number.isFinite(value)) return `${option.label} must be a number`;
  if (option.integer && !Number.isInteger(value)) return `${option.label} must be a whole number`;
  if (value < option.min || value > option.max) return `${option.label} must be from ${option.min} to ${option.max}`;
  return '';
}

/** The problem with a seed, or '' when it is fine. */
export function seedError(seed: number): string {
  return Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32 ? '' : 'Seed must be a whole number from 0 to 4,294,967,295';
}

/** The problem with a budget in the given unit, or '' when it is fine. */
export function budgetError(value: number, unit: 'seconds' | 'episodes' | 'generations'): string {
  const max = unit === 'seconds' ? 604_800 : 1e9;
  if (!Number.isFinite(value) || value <= 0 || value > max) return `Budget must be above 0 and at most ${max.toLocaleString('en-US')} ${unit}${unit === 'seconds' ? ' (7 days)' : ''}`;
  if (unit !== 'seconds' && !Number.isInteger(value)) return `A budget in ${unit} must be a whole number`;
  return '';
}
