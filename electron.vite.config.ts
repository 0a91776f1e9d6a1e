// Builds the three Electron bundles: main (with the trainer worker as a second entry, run in
// utilityProcess), the sandboxed preload (CommonJS, as sandboxed preloads must be), and the renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: {
      // Optional dependencies are not externalized by default; tfjs-node may be absent (it then reports itself unavailable).
      externalizeDeps: { include: ['@tensorflow/tfjs-node'] },
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          'trainer-worker': resolve(import.meta.dirname, 'src/workers/trainer-worker.ts'),
          'neat-evaluation-thread': resolve(import.meta.dirname, 'src/workers/neat/evaluation-thread.ts'),
          'rl-mask-thread': resolve(import.meta.dirname, 'src/workers/rl/mask-thread.ts'),
          'rl-learning-thread': resolve(import.meta.dirname, 'src/workers/rl/learning-thread.ts'),
          'backend-probe': resolve(import.meta.dirname, 'src/main/backend-probe-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads can load only electron: bundle everything else.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
    plugins: [vue()],
  },
});
