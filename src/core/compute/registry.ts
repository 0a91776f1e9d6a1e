// Backends by name, each imported only when first asked for, so a missing native package never
// breaks the others. `probeBackends` reports availability, device and the reason when unavailable.
import { backendNames, type BackendAvailability, type BackendModule, type BackendName, type BackendOptions, type ComputeBackend } from './types.ts';

const loaders: Record<BackendName, () => Promise<BackendModule>> = {
  js: () => import('./js.ts'),
  onnx: () => import('./onnx.ts'),
  'tfjs-node': () => import('./tfjs-node.ts'),
  'tfjs-webgpu': () => import('./tfjs-webgpu.ts'),
  'tfjs-wasm': () => import('./tfjs-wasm.ts'),
};

/** The packages each backend imports: one that does not resolve cannot be available. */
const backendPackages: Record<BackendName, readonly string[]> = {
  js: [],
  onnx: ['onnxruntime-node'],
  'tfjs-node': ['@tensorflow/tfjs-node'],
  'tfjs-webgpu': ['webgpu', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'],
  'tfjs-wasm': ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'],
};

/**
 * Whether a backend's packages are installed, found by resolving them without loading anything
 * (probing tfjs-webgpu starts Dawn and, without a GPU, a software rasteriser: ~60 MB). False means
 * it cannot be available; true only that it may be; undefined where this runtime cannot resolve
 * modules (then only a probe can tell).
 */
export function backendInstalled(name: BackendName): boolean | undefined {
  if (typeof import.meta.resolve !== 'function') return undefined;
  try {
    for (const specifier of backendPackages[name]) import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

export function isBackendName(name: string): name is BackendName {
  return (backendNames as readonly string[]).includes(name);
}

/** Availability of one backend; never throws (a failing import is reported as the reason). */
export async function probeBackend(name: BackendName): Promise<BackendAvailability> {
  try {
    return await (await loaders[name]()).probe();
  } catch (error) {
    return { name, available: false, reason: `backend module failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Availability of every backend (or the named ones), in registry order. */
export async function probeBackends(names: readonly BackendName[] = backendNames): Promise<BackendAvailability[]> {
  const results: BackendAvailability[] = [];
  // sequential: native runtimes load more predictably one at a time
  for (const name of names) results.push(await probeBackend(name));
  return results;
}

/** Creates a named backend; throws with the reason when it is unavailable. */
export async function createBackend(name: BackendName, options: BackendOptions): Promise<ComputeBackend> {
  const module = await loaders[name]();
  const availability = await module.probe();
  if (!availability.available) throw new Error(`backend ${name} is unavailable: ${availability.reason ?? 'unknown reason'}`);
  return module.create(options);
}
