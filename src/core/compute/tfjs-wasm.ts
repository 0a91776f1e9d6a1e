// The `tfjs-wasm` backend: TensorFlow.js on its WebAssembly (SIMD) backend, always available.
import type { BackendAvailability, BackendOptions, ComputeBackend } from './types.ts';
import { TfjsBackend } from './tfjs-network.ts';

let ready: Promise<typeof import('@tensorflow/tfjs-core')> | undefined;

async function loadWasm(): Promise<typeof import('@tensorflow/tfjs-core')> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}

export async function probe(): Promise<BackendAvailability> {
  try {
    await loadWasm();
    return { name: 'tfjs-wasm', available: true, device: 'cpu (wasm)', fp16: false };
  } catch (error) {
    return { name: 'tfjs-wasm', available: false, reason: `tfjs wasm backend could not start: ${(error as Error).message}` };
  }
}

export async function create(options: BackendOptions): Promise<ComputeBackend> {
  if (options.fp16) throw new Error('backend tfjs-wasm: fp16 is not supported on the CPU');
  const tf = await loadWasm();
  tf.setBackend('wasm');
  return new TfjsBackend(tf, 'tfjs-wasm', 'cpu (wasm)', options.layout, 'wasm');
}
