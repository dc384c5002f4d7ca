import { defaultClientConditions, defineConfig } from 'vite';
import { ISOLATION_HEADERS } from './src/server/isolation-headers.ts';
import { headstartRuntime } from './src/server/runtime-files.ts';

export default defineConfig({
  // Relative asset URLs, so the built page works wherever it is served from (the API mounts it too).
  base: './',
  plugins: [headstartRuntime()],
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  // onnxruntime-web's "extern wasm" build loads its glue module from the URL the worker gives it (served
  // by headstartRuntime) instead of embedding a second copy and a second 28 MB binary in the bundle.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  // Pre-bundling would move onnxruntime-web away from the files it loads beside itself.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    // The engine worker carries onnxruntime-web, tf.js and the core: about 1.9 MB, loaded once.
    chunkSizeWarningLimit: 2048,
    sourcemap: true,
    // Most of the build is the worker's own bundle; the timing notice about it is noise.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
