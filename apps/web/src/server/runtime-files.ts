import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { ISOLATION_HEADERS, RUNTIME_MIME_TYPES } from './isolation-headers.ts';

const require = createRequire(import.meta.url);

/**
 * The WebAssembly runtimes the worker loads at run time, by the path the page requests them under:
 * onnxruntime-web's JSEP build (WASM and WebGPU execution providers: its glue module and binary) and the
 * three tf.js WASM binaries. They are served as files, never bundled, so their threads can start.
 */
export function runtimeFiles(): Record<string, string> {
  const tfjsDist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  return {
    'ort/ort-wasm-simd-threaded.jsep.mjs': require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs'),
    'ort/ort-wasm-simd-threaded.jsep.wasm':
      require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'),
    'tfjs/tfjs-backend-wasm.wasm': join(tfjsDist, 'tfjs-backend-wasm.wasm'),
    'tfjs/tfjs-backend-wasm-simd.wasm': join(tfjsDist, 'tfjs-backend-wasm-simd.wasm'),
    'tfjs/tfjs-backend-wasm-threaded-simd.wasm': join(tfjsDist, 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
}

/** Sets the isolation headers on every response, including those of other middlewares. */
export const isolationMiddleware: Connect.NextHandleFunction = (_req, res, next) => {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  next();
};

/**
 * A Vite plugin that serves the runtime files in dev (from node_modules, with the right MIME types),
 * writes them into the build under the same paths, and makes every dev and preview response cross-origin
 * isolated.
 */
export function headstartRuntime(): Plugin {
  const files = runtimeFiles();
  const serve: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0]?.replace(/^\/+/, '') ?? '';
    const file = files[path];
    if (!file) return next();
    res.setHeader('Content-Type', RUNTIME_MIME_TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.end(readFileSync(file));
  };
  return {
    name: 'headstart-runtime',
    configureServer(server) {
      server.middlewares.use(isolationMiddleware);
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(isolationMiddleware);
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(files))
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}
