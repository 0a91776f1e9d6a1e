// What the RL trainer asks its dropout-mask thread (answered with one mask per macro layer).
import type { DropoutMaskShape } from '../../core/rl/batch.ts';

export interface MaskRequest {
  shape: DropoutMaskShape;
  seeds: Uint32Array;
  rows: number;
}
