// Entry file of the RL dropout-mask thread: makes the masks of the next learning batch from their
// seeds while the trainer's main thread steps the envs, and posts them back (transferred, not copied).
import { fillDropoutMasks } from '../../core/rl/batch.ts';
import { answerRequests } from '../../host/threads/request-thread.ts';
import type { MaskRequest } from '../../host/threads/rl-mask-messages.ts';

answerRequests(
  (request: MaskRequest) => fillDropoutMasks(request.shape, request.seeds, request.rows),
  (masks) => masks.map((mask) => mask.buffer as ArrayBuffer),
);
