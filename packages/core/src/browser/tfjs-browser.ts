import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { HeadstartError, formatChoices } from '../errors.ts';
import { registerFastWasmKernels } from '../tfjs/fast-wasm-kernels.ts';

/** Backends initBrowserTfjs can select; `auto` takes WASM when it starts, else the pure-JS cpu backend. */
export const BROWSER_TFJS_BACKENDS = ['auto', 'wasm', 'cpu'] as const;
export type BrowserTfjsBackendChoice = (typeof BROWSER_TFJS_BACKENDS)[number];

/** URLs of tfjs-backend-wasm's three binaries as the app serves them: a folder prefix, or each file by name. */
export type TfjsWasmPaths =
  | string
  | {
      'tfjs-backend-wasm.wasm'?: string;
      'tfjs-backend-wasm-simd.wasm'?: string;
      'tfjs-backend-wasm-threaded-simd.wasm'?: string;
    };

export interface InitBrowserTfjsOptions {
  backend?: BrowserTfjsBackendChoice;
  wasmPaths?: TfjsWasmPaths;
  /**
   * Use tfjs-backend-wasm's threaded build when the page is cross-origin isolated (default false): it starts
   * its threads from the source text of its own functions, which minifying bundlers break, and a head's
   * small products gain little from threads while the backbone's runtime already uses the cores.
   */
  multithreaded?: boolean;
  /** Threads of the threaded build; default the cores, at most 4. */
  threads?: number;
}

export interface BrowserTfjsResult {
  backend: 'wasm' | 'cpu';
  /** For the page: `wasm (SIMD, 2 threads)` or `cpu (pure JavaScript, slow) because …`. */
  note: string;
}

async function setQuietly(name: string): Promise<true | string> {
  try {
    if (!(await tf.setBackend(name))) return `the ${name} backend failed to start`;
    await tf.ready();
    return true;
  } catch (error) {
    return `the ${name} backend failed to start (${(error as Error).message})`;
  }
}

/**
 * Starts TensorFlow.js in a page or worker: the WASM backend with the core's fast WASM kernels (explicit-
 * transpose matmuls, a buffer-sharing Identity, fused Adam), or else the cpu backend, and says which and why.
 */
export async function initBrowserTfjs(options: InitBrowserTfjsOptions = {}): Promise<BrowserTfjsResult> {
  const choice = options.backend ?? 'auto';
  if (!(BROWSER_TFJS_BACKENDS as readonly string[]).includes(choice)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown tfjs backend "${String(choice)}"; use ${formatChoices(BROWSER_TFJS_BACKENDS)}.`,
    );
  }
  let why = '';
  if (choice !== 'cpu') {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const threaded = isolated && options.multithreaded === true;
    const threads = Math.max(
      1,
      Math.min(options.threads ?? globalThis.navigator?.hardwareConcurrency ?? 1, 4),
    );
    if (options.wasmPaths !== undefined)
      setWasmPaths(options.wasmPaths as Parameters<typeof setWasmPaths>[0]);
    if (threaded) setThreadsCount(threads);
    else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerFastWasmKernels();
    const started = await setQuietly('wasm');
    if (started === true) {
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
      const threadNote = threaded
        ? `${threads} threads`
        : isolated
          ? "1 thread: tf.js's threaded build is off, it cannot start its threads from a bundled worker"
          : '1 thread: not cross-origin isolated';
      return { backend: 'wasm', note: `wasm (${simd}, ${threadNote})` };
    }
    if (choice === 'wasm')
      throw new HeadstartError('DEVICE_UNAVAILABLE', `The tf.js wasm backend is unavailable: ${started}.`);
    why = ` because ${started}`;
  }
  const cpu = await setQuietly('cpu');
  if (cpu !== true)
    throw new HeadstartError('DEVICE_UNAVAILABLE', `No TensorFlow.js backend could be started: ${cpu}.`);
  return { backend: 'cpu', note: `cpu (pure JavaScript, slow)${why}` };
}
