// The `tfjs-node` backend: native TensorFlow through @tensorflow/tfjs-node, an optional dependency.
// Its native binary is downloaded at install time; where that failed the import fails and the
// backend reports itself unavailable with the loader's reason.
import type { BackendAvailability, BackendOptions, ComputeBackend } from './types.ts';
import { TfjsBackend } from './tfjs-network.ts';

type TfModule = typeof import('@tensorflow/tfjs-core');

let loading: Promise<TfModule> | undefined;

async function loadTfNode(): Promise<TfModule> {
  loading ??= (async () => {
    // a variable specifier keeps bundlers and the type checker from requiring the optional package
    const specifier = '@tensorflow/tfjs-node';
    const tf = (await import(specifier)) as TfModule & { default?: TfModule };
    const module = tf.default ?? tf;
    if (!(await module.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
    return module;
  })();
  return loading;
}

export async function probe(): Promise<BackendAvailability> {
  try {
    await loadTfNode();
    return { name: 'tfjs-node', available: true, device: 'cpu (native TensorFlow)', fp16: false };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return { name: 'tfjs-node', available: false, reason: `@tensorflow/tfjs-node is not installed or its native binary is missing (${message})` };
  }
}

export async function create(options: BackendOptions): Promise<ComputeBackend> {
  if (options.fp16) throw new Error('backend tfjs-node: fp16 is not supported on the CPU');
  const tf = await loadTfNode();
  return new TfjsBackend(tf, 'tfjs-node', 'cpu (native TensorFlow)', options.layout, 'tensorflow');
}
