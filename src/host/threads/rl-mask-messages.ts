// Messages between the RL trainer and its dropout-mask thread.
import type { DropoutMaskShape } from '../../core/rl/batch.ts';

export interface MaskRequest {
  id: number;
  shape: DropoutMaskShape;
  seeds: Uint32Array;
  rows: number;
}

export type MaskResponse = { id: number; masks: Uint8Array[] } | { id: number; error: string };
