// The `tfjs-webgpu` backend: TensorFlow.js's WebGPU backend on Dawn through the `webgpu` package
// (Metal on Apple Silicon, Vulkan or D3D where present). Where no hardware adapter exists it falls
// back to Dawn's OpenGL ES backend in compatibility mode, which on a machine without a GPU is a
// slow software rasteriser: usable to exercise the GPU code path, and reported as such.
import type { BackendAvailability, BackendOptions, ComputeBackend } from './types.ts';
import { TfjsBackend } from './tfjs-network.ts';

type TfModule = typeof import('@tensorflow/tfjs-core');

interface GpuAdapterInfo { vendor?: string; architecture?: string; description?: string; device?: string }
interface MinimalGpu { requestAdapter(options?: Record<string, unknown>): Promise<{ info?: GpuAdapterInfo } | null> }

let loading: Promise<{ tf: TfModule; device: string; software: boolean }> | undefined;

/** Finds an adapter: the platform's default first, then OpenGL ES in compatibility mode. */
async function findGpu(): Promise<{ gpu: MinimalGpu; device: string; software: boolean }> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const attempts: { flags: string[]; adapterOptions: Record<string, unknown>; label: string }[] = [
    { flags: [], adapterOptions: {}, label: 'default' },
    { flags: ['backend=opengles'], adapterOptions: { featureLevel: 'compatibility' }, label: 'opengles (compatibility)' },
  ];
  const failures: string[] = [];
  for (const attempt of attempts) {
    try {
      // headless Linux has no EGL display: mesa then needs the surfaceless platform
      const environment = (globalThis as { process?: { platform?: string; env?: Record<string, string | undefined> } }).process;
      if (attempt.flags.includes('backend=opengles') && environment?.platform === 'linux' && environment.env && !environment.env.EGL_PLATFORM) {
        environment.env.EGL_PLATFORM = 'surfaceless';
      }
      const base = create(attempt.flags) as unknown as MinimalGpu & Record<string, unknown>;
      const adapter = await base.requestAdapter(attempt.adapterOptions);
      if (!adapter) {
        failures.push(`${attempt.label}: no adapter`);
        continue;
      }
      const info = adapter.info ?? {};
      const name = [info.vendor, info.architecture, info.description || info.device].filter((part) => part).join(' ') || 'unknown adapter';
      const software = attempt.label !== 'default' || /llvmpipe|swiftshader|software/i.test(name);
      // tfjs asks for an adapter with its own options; keep the ones that found this one
      const gpu = new Proxy(base, {
        get: (target, property) => (property === 'requestAdapter'
          ? (options?: Record<string, unknown>) => target.requestAdapter({ ...options, ...attempt.adapterOptions })
          : Reflect.get(target, property)),
      });
      return { gpu, device: `${attempt.label === 'default' ? 'gpu' : attempt.label}: ${name}${software ? ' (software)' : ''}`, software };
    } catch (error) {
      failures.push(`${attempt.label}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no WebGPU adapter found (${failures.join('; ')})`);
}

async function loadWebGpu(): Promise<{ tf: TfModule; device: string; software: boolean }> {
  loading ??= (async () => {
    const { gpu, device, software } = await findGpu();
    const navigatorObject = ((globalThis as { navigator?: object }).navigator ??= {});
    Object.defineProperty(navigatorObject, 'gpu', { value: gpu, configurable: true });
    const tf = await import('@tensorflow/tfjs-core');
    // the backend registers itself at import time only when navigator.gpu exists
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs webgpu backend failed to initialise');
    await tf.ready();
    return { tf, device, software };
  })();
  return loading;
}

export async function probe(): Promise<BackendAvailability> {
  try {
    const { device } = await loadWebGpu();
    return { name: 'tfjs-webgpu', available: true, device, fp16: false };
  } catch (error) {
    return { name: 'tfjs-webgpu', available: false, reason: (error as Error).message };
  }
}

export async function create(options: BackendOptions): Promise<ComputeBackend> {
  if (options.fp16) throw new Error('backend tfjs-webgpu: fp16 is not supported by the tfjs WebGPU backend (it computes in float32)');
  const { tf, device } = await loadWebGpu();
  await tf.setBackend('webgpu');
  return new TfjsBackend(tf, 'tfjs-webgpu', device, options.layout, 'webgpu');
}
