// Which compute backends a run uses: the js reference when backend choice is off (original mode),
// else the named backend or `auto` (the fastest for acting and for learning, measured once per
// machine). Evaluation always uses the fastest acting backend available, so that a baseline run
// does not spend seconds evaluating on the reference backend.
import { chooseAutoBackends, type AutoCache, type AutoChoice } from '../compute/auto.ts';
import { createBackend, probeBackend } from '../compute/registry.ts';
import type { BackendName, BackendOptions, ComputeBackend, LearningBackend } from '../compute/types.ts';
import type { RlSettings } from '../../shared/settings/rl.ts';
import { effectiveEnvs, overlapsLearning } from './config.ts';
import type { NetworkLayout } from '../compute/network.ts';

export interface RunBackends {
  acting: ComputeBackend;
  learning: LearningBackend;
  /** With learning on a helper thread: the same backend on the trainer's thread, for each window's last rollout (training.ts). */
  windowEndLearning: LearningBackend | undefined;
  evaluation: ComputeBackend;
  /** The auto benchmark behind the choice, when `auto` was used. */
  auto: AutoChoice | undefined;
  /** Whether float16 is actually in use, and why not when asked for but unavailable. */
  fp16: boolean;
  fp16Note: string | undefined;
}

/** Rows per learning call: a rollout (REINFORCE) or a minibatch (PPO). */
export function learningBatchSize(config: RlSettings): number {
  const rollout = effectiveEnvs(config) * config.horizon;
  return config.algorithm === 'ppo' ? Math.ceil(rollout / config.minibatches) : rollout;
}

/** Makes a learning backend on a helper thread (the host's; core cannot start threads of its own). */
export type LearningThreadFactory = (name: BackendName, options: BackendOptions) => Promise<LearningBackend>;

/**
 * With overlappedLearning and a `learningThread` factory, learning runs on a helper thread with one
 * intra-op thread (the trainer's thread acts on the other core meanwhile), and the same backend with
 * one intra-op thread on the trainer's thread learns each window's last rollout; without a factory
 * learning stays on this thread. The numbers are the same either way.
 */
export async function selectBackends(
  config: RlSettings, layout: NetworkLayout, cache: AutoCache | undefined, now: () => number, learningThread?: LearningThreadFactory,
): Promise<RunBackends> {
  const threads = config.threads;
  let actingName: BackendName = 'js';
  let learningName: BackendName = 'js';
  let auto: AutoChoice | undefined;
  if (config.flags.backendChoice) {
    if (config.backend === 'auto') {
      auto = await chooseAutoBackends({
        layout, actingBatch: config.flags.batchedActing ? effectiveEnvs(config) : 1, learningBatch: learningBatchSize(config), cache, now,
      });
      actingName = auto.acting;
      learningName = auto.learning;
    } else {
      actingName = config.backend;
      learningName = config.backend;
    }
  }
  let fp16 = false;
  let fp16Note: string | undefined;
  if (config.flags.fp16 && config.flags.backendChoice) {
    const availability = await probeBackend(actingName);
    if (availability.fp16) fp16 = true;
    else fp16Note = `fp16 off: ${actingName} runs on ${availability.device ?? 'an unknown device'}, which has no float16 path`;
  }
  const created = new Map<string, ComputeBackend>();
  const get = async (name: BackendName, half: boolean, threadCount = threads) => {
    const key = `${name}:${half}:${threadCount}`;
    let backend = created.get(key);
    if (!backend) {
      backend = await createBackend(name, { layout, fp16: half, threads: threadCount });
      created.set(key, backend);
    }
    return backend;
  };
  const onThread = learningThread !== undefined && overlapsLearning(config);
  // threads only set the learning session's intra-op threads (acting uses 1 unless set): with learning
  // on a helper thread, the acting backend can also be the window-end learner
  const acting = await get(actingName, fp16, onThread ? threads || 1 : threads);
  const learning = onThread ? await learningThread(learningName, { layout, threads: threads || 1 }) : await get(learningName, false);
  const windowEndLearning = onThread ? await get(learningName, false, threads || 1) : undefined;
  let evaluation = acting;
  if (acting.name === 'js') {
    const onnx = await probeBackend('onnx');
    if (onnx.available) evaluation = await get('onnx', false);
  }
  return { acting, learning, windowEndLearning, evaluation, auto, fp16, fp16Note };
}

export async function disposeBackends(backends: RunBackends): Promise<void> {
  const unique = new Set([backends.acting, backends.learning, backends.windowEndLearning, backends.evaluation].filter((backend) => backend !== undefined));
  for (const backend of unique) await backend.dispose();
}
