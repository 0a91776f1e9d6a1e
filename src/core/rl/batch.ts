// Rollout storage and the per-batch pieces both modes share: dropout masks drawn from the seeded
// generator, action sampling, and the observation batch a backend learns from.
import { type ObservationBatch } from '../compute/types.ts';
import type { Random } from '../random.ts';
import { type NetworkLayout } from '../compute/network.ts';
import { ACTION_COUNT, OBSERVATION_WIDTH } from '../env/observation.ts';

/** Four seed words per MacroNet block for one batch's dropout masks, drawn from the (checkpointed) dropout stream. */
export function drawDropoutSeeds(layout: NetworkLayout, random: Random): Uint32Array | undefined {
  if (layout.spec.dropout <= 0) return undefined;
  const seeds = new Uint32Array(layout.macro.length * 4);
  for (let i = 0; i < seeds.length; i++) seeds[i] = random.nextUint32();
  return seeds;
}

/** What a helper thread needs to make masks: the drop probability and the MacroNet block widths. */
export interface DropoutMaskShape {
  dropout: number;
  widths: number[];
}

export function dropoutMaskShape(layout: NetworkLayout): DropoutMaskShape {
  return { dropout: layout.spec.dropout, widths: layout.macro.map((layer) => layer.outputs) };
}

/**
 * Dropout keep-masks for `rows` rows of every MacroNet block: 0 with probability p, else 1. A pure
 * function of the seeds, so any thread makes the same masks. An optimized learning batch needs
 * ~2.3 M of them, so each block's mask comes from a local xorshift128 generator seeded with its four
 * words, each 32-bit draw gives two 16-bit uniforms (p is resolved to 1/65536), and four mask bytes
 * are written as one little-endian word (every block width is a multiple of 4). Masks for fewer rows
 * are a prefix of the masks for more.
 */
export function fillDropoutMasks(shape: DropoutMaskShape, seeds: Uint32Array, rows: number, into?: Uint8Array[]): Uint8Array[] {
  const threshold = Math.round(shape.dropout * 65536);
  return shape.widths.map((width, block) => {
    if (width % 4 !== 0) throw new RangeError(`dropout masks need block widths that are multiples of 4, got ${width}`);
    const mask = into ? into[block].subarray(0, rows * width) : new Uint8Array(rows * width);
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length / 4);
    let a = seeds[block * 4] | 0;
    let b = seeds[block * 4 + 1] | 0;
    let c = seeds[block * 4 + 2] | 0;
    let d = seeds[block * 4 + 3] | 1; // never all zero
    for (let i = 0; i < words.length; i++) {
      let t = a ^ (a << 11);
      a = b;
      b = c;
      c = d;
      d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
      const first = d;
      t = a ^ (a << 11);
      a = b;
      b = c;
      c = d;
      d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
      words[i] = ((first & 0xffff) < threshold ? 0 : 1)
        | (first >>> 16 < threshold ? 0 : 0x100)
        | ((d & 0xffff) < threshold ? 0 : 0x10000)
        | (d >>> 16 < threshold ? 0 : 0x1000000);
    }
    return mask;
  });
}

/** Dropout keep-masks for `size` rows drawn here and now (undefined without dropout). */
export function drawDropoutMasks(layout: NetworkLayout, size: number, random: Random): Uint8Array[] | undefined {
  const seeds = drawDropoutSeeds(layout, random);
  return seeds ? fillDropoutMasks(dropoutMaskShape(layout), seeds, size) : undefined;
}

/**
 * Makes dropout masks from seeds. The optimized REINFORCE path asks for the next batch's masks
 * when a rollout starts, so a generator on a helper thread has them ready when learning begins.
 */
export interface DropoutMaskGenerator {
  /** `into`: storage for the masks (a rollout buffer's), which a generator may use instead of new arrays. */
  generate(shape: DropoutMaskShape, seeds: Uint32Array, rows: number, into?: Uint8Array[]): Promise<Uint8Array[]>;
  dispose(): Promise<void>;
}

/** Masks made on the calling thread when asked for, into the storage given. */
export const inlineMaskGenerator: DropoutMaskGenerator = {
  generate: async (shape, seeds, rows, into) => fillDropoutMasks(shape, seeds, rows, into),
  dispose: async () => {},
};

/** Draws an action from probabilities (row `row` of a size × 3 array) with one uniform. */
export function sampleAction(probabilities: Float32Array, row: number, random: Random): number {
  const base = row * ACTION_COUNT;
  let threshold = random.nextFloat() * (probabilities[base] + probabilities[base + 1] + probabilities[base + 2]);
  for (let action = 0; action < ACTION_COUNT - 1; action++) {
    threshold -= probabilities[base + action];
    if (threshold < 0) return action;
  }
  return ACTION_COUNT - 1;
}

/** Most probable action of a row (ties to the lower index: HOLD before BUY before SELL). */
export function greedyAction(probabilities: Float32Array, row: number): number {
  const base = row * ACTION_COUNT;
  let best = 0;
  for (let action = 1; action < ACTION_COUNT; action++) if (probabilities[base + action] > probabilities[base + best]) best = action;
  return best;
}

/** Observations, actions and rewards of one rollout of `envs` envs × `horizon` steps, time-major (row = t·N + env). */
export class RolloutBuffer implements ObservationBatch {
  readonly envs: number;
  readonly horizon: number;
  readonly size: number;
  /** size × 122 observations in the env's layout. */
  readonly observations: Float32Array;
  readonly actions: Uint8Array;
  readonly rewards: Float32Array;
  /** 1 while the row's episode is running; 0 after an early end (bankruptcy), excluded from learning. */
  readonly alive: Uint8Array;
  /** Probability of the taken action under the acting policy (PPO's π_old). */
  readonly actionProbabilities: Float32Array;
  /** Value estimates while acting (PPO). */
  readonly values: Float32Array;
  /** size × 3 action masks (see writeActionMask), when the policy masks no-op actions. */
  readonly actionMasks: Uint8Array | undefined;
  /** Storage for the rollout's dropout masks (size × width per MacroNet block), when asked for. */
  readonly dropoutMasks: Uint8Array[] | undefined;

  /**
   * `shared`: in SharedArrayBuffers, so that a learning thread reads the batch in place instead of
   * receiving a copy per rollout (~5 MB for RL-std, which its heap frees only now and then).
   */
  constructor(envs: number, horizon: number, maskActions = false, options: { shared?: boolean; dropout?: DropoutMaskShape } = {}) {
    this.envs = envs;
    this.horizon = horizon;
    this.size = envs * horizon;
    const Memory = options.shared ? SharedArrayBuffer : ArrayBuffer;
    const floats = (length: number) => new Float32Array(new Memory(length * 4));
    const bytes = (length: number) => new Uint8Array(new Memory(length));
    this.observations = floats(this.size * OBSERVATION_WIDTH);
    this.actions = bytes(this.size);
    this.rewards = floats(this.size);
    this.alive = bytes(this.size);
    this.actionProbabilities = floats(this.size);
    this.values = floats(this.size);
    this.actionMasks = maskActions ? bytes(this.size * ACTION_COUNT) : undefined;
    this.dropoutMasks = options.dropout?.widths.map((width) => bytes(this.size * width));
  }

  /** Rows [start, start + count) as an observation batch (a view, no copy). */
  rows(start: number, count: number): ObservationBatch {
    return {
      size: count,
      observations: this.observations.subarray(start * OBSERVATION_WIDTH, (start + count) * OBSERVATION_WIDTH),
      actionMasks: this.actionMasks?.subarray(start * ACTION_COUNT, (start + count) * ACTION_COUNT),
    };
  }

  /** Indices of the rows to learn from, or undefined when every row is alive (the usual case). */
  aliveRows(): Int32Array | undefined {
    let alive = 0;
    for (let row = 0; row < this.size; row++) alive += this.alive[row];
    if (alive === this.size) return undefined;
    const rows = new Int32Array(alive);
    for (let row = 0, k = 0; row < this.size; row++) if (this.alive[row]) rows[k++] = row;
    return rows;
  }
}

/** Gathers the given rows into a new compact batch (PPO minibatches, dead rows left out). */
export function gatherRows(source: ObservationBatch, indices: Int32Array): ObservationBatch {
  const observations = new Float32Array(indices.length * OBSERVATION_WIDTH);
  const sourceMasks = source.actionMasks;
  const actionMasks = sourceMasks ? new Uint8Array(indices.length * ACTION_COUNT) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k];
    observations.set(source.observations.subarray(row * OBSERVATION_WIDTH, (row + 1) * OBSERVATION_WIDTH), k * OBSERVATION_WIDTH);
    if (actionMasks) actionMasks.set(sourceMasks!.subarray(row * ACTION_COUNT, (row + 1) * ACTION_COUNT), k * ACTION_COUNT);
  }
  return { size: indices.length, observations, actionMasks };
}
