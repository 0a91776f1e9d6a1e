// The registry's install check: resolving a backend's packages without loading them agrees with
// what probing (loading) them finds.
import { describe, expect, it } from 'vitest';
import { backendInstalled, probeBackend } from '../../../src/core/compute/registry.ts';
import { backendNames } from '../../../src/core/compute/types.ts';

describe('backend registry', () => {
  it('says a backend is not installed only when probing it finds it unavailable', async () => {
    expect(backendInstalled('js')).toBe(true);
    // dependencies of the project, so installed wherever its tests run
    for (const name of ['onnx', 'tfjs-webgpu', 'tfjs-wasm'] as const) expect(backendInstalled(name)).toBe(true);
    for (const name of backendNames) {
      if (backendInstalled(name) === false) expect((await probeBackend(name)).available).toBe(false);
    }
  });
});
