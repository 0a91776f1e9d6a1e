// Entry file of the RL learning thread: holds a compute backend and runs learning passes on it, so
// that the trainer's thread can step the envs of the next rollout meanwhile (overlappedLearning).
// The network's arrays arrive only when they changed; each arrival is a new version for the
// backend's weight caches.
import { workerData } from 'node:worker_threads';
import { networkLayout, type NetworkState } from '../../core/compute/network.ts';
import { createBackend } from '../../core/compute/registry.ts';
import type { ComputeBackend } from '../../core/compute/types.ts';
import { answerRequests } from '../../host/threads/request-thread.ts';
import type { LearningAnswer, LearningRequest, LearningThreadSetup } from '../../host/threads/rl-learning-messages.ts';

const setup = workerData as LearningThreadSetup;
let backend: Promise<ComputeBackend> | undefined;
const state: NetworkState = { version: 0, parameters: new Float32Array(0), runningMean: new Float32Array(0), runningVariance: new Float32Array(0) };

answerRequests(async (request: LearningRequest): Promise<LearningAnswer> => {
  const ready = await (backend ??= createBackend(setup.backend, { layout: networkLayout(setup.spec), threads: setup.threads }));
  if (request.kind === 'start') return { device: ready.device };
  if (request.state) Object.assign(state, request.state, { version: state.version + 1 });
  return ready.learn(state, request.batch);
}, resultBuffers);

/**
 * A pass's result arrays are new for each pass (every backend's learn returns fresh arrays), so they
 * move to the trainer's thread instead of being copied: a copy would leave ~0.4 MB per pass on this
 * thread, whose heap, allocating little else, frees such buffers only now and then.
 */
function resultBuffers(answer: LearningAnswer): ArrayBuffer[] {
  if (!('gradient' in answer)) return [];
  const arrays = [answer.gradient, answer.batchMean, answer.batchVariance, answer.logProbs, answer.values];
  const whole = arrays.filter((array) => array !== undefined && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && array.buffer instanceof ArrayBuffer);
  return [...new Set(whole.map((array) => array!.buffer as ArrayBuffer))];
}
