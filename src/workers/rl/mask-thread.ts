// Entry file of the RL dropout-mask thread: makes the masks of the next learning batch from their
// seeds while the trainer's main thread steps the envs, and posts them back (transferred, not copied).
import { parentPort } from 'node:worker_threads';
import { fillDropoutMasks } from '../../core/rl/batch.ts';
import type { MaskRequest, MaskResponse } from '../../host/threads/rl-mask-messages.ts';

if (!parentPort) throw new Error('mask-thread.ts must run as a worker thread');
const port = parentPort;

port.on('message', (request: MaskRequest) => {
  try {
    const masks = fillDropoutMasks(request.shape, request.seeds, request.rows);
    const response: MaskResponse = { id: request.id, masks };
    port.postMessage(response, masks.map((mask) => mask.buffer as ArrayBuffer));
  } catch (error) {
    const response: MaskResponse = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(response);
  }
});
