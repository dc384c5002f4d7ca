import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { HeadstartError, formatChoices } from '../../errors.ts';
import { availableParallelism } from 'node:os';
import { registerFastWasmKernels } from '../../tfjs/fast-wasm-kernels.ts';
import { createOrtGemm } from '../../tfjs/ort-gemm.ts';
import { createSyncOrtSessionOpener } from '../tfjs/ort-sync-session.ts';

/** Backends initTfjs can select; `auto` takes the fastest one available. */
export const TFJS_BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tfjs-node'] as const;
export type TfjsBackendChoice = (typeof TFJS_BACKEND_CHOICES)[number];

/** The backend names tf.getBackend() reports for the choices. */
export type TfjsBackendName = 'wasm' | 'cpu' | 'tensorflow';

export interface InitTfjsOptions {
  backend?: TfjsBackendChoice;
}

export interface InitTfjsResult {
  backend: TfjsBackendName;
  /** Why this backend, for the place the user looks: `wasm (SIMD, 1 thread); install … for native speed`. */
  note: string;
}

const NATIVE_HINT = 'install @tensorflow/tfjs-node for native speed';

/**
 * Selects the TensorFlow.js backend for Node. `auto` uses `@tensorflow/tfjs-node` when it is installed,
 * else WASM (with the explicit-transpose matmul kernels), else the pure-JS cpu backend. The WASM backend
 * loads its .wasm files from its own package directory, so no paths need setting in Node.
 */
export async function initTfjs(options: InitTfjsOptions = {}): Promise<InitTfjsResult> {
  const choice = options.backend ?? 'auto';
  if (!(TFJS_BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Unknown tfjs backend "${String(choice)}"; use ${formatChoices(TFJS_BACKEND_CHOICES)}.`,
    );
  }
  const reasons: string[] = [];
  if (choice === 'auto' || choice === 'tfjs-node') {
    const native = await tryNative();
    if (typeof native === 'object') return { backend: 'tensorflow', note: native.note };
    if (choice === 'tfjs-node') {
      throw new HeadstartError('DEVICE_UNAVAILABLE', `The tfjs-node backend is unavailable: ${native}.`);
    }
    reasons.push(native);
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasm = await tryWasm();
    if (wasm === true) {
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
      const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi-threaded' : '1 thread';
      return { backend: 'wasm', note: `wasm (${simd}, ${threads}; ${gemmNote}); ${NATIVE_HINT}` };
    }
    if (choice === 'wasm') {
      throw new HeadstartError('DEVICE_UNAVAILABLE', `The wasm backend is unavailable: ${wasm}.`);
    }
    reasons.push(wasm);
  }
  // The cpu backend warns once, through tfjs' own warn(), that tfjs-node would be faster; production
  // mode is tfjs' switch for its warnings, and the note below already tells the user.
  tf.enableProdMode();
  if (!(await tf.setBackend('cpu'))) {
    throw new HeadstartError('DEVICE_UNAVAILABLE', 'No TensorFlow.js backend could be started (tried cpu).');
  }
  await tf.ready();
  const why = reasons.length > 0 ? ` because ${reasons.join('; ')}` : '';
  return { backend: 'cpu', note: `cpu (pure JavaScript, slow)${why}; ${NATIVE_HINT}` };
}

/** The native packages, GPU build first: both register the `tensorflow` backend. */
const NATIVE_PACKAGES = [
  { specifier: '@tensorflow/tfjs-node-gpu', note: 'tfjs-node-gpu (native TensorFlow with CUDA)' },
  { specifier: '@tensorflow/tfjs-node', note: 'tfjs-node (native TensorFlow)' },
] as const;

/** The note of the native package that registered its backend on our tfjs-core and started, else why not. */
async function tryNative(): Promise<{ note: string } | string> {
  for (const { specifier, note } of NATIVE_PACKAGES) {
    try {
      // A variable specifier keeps bundlers and the type checker from requiring the optional package.
      const name: string = specifier;
      await import(name);
    } catch {
      continue;
    }
    if (!tf.findBackendFactory('tensorflow')) {
      return `${specifier} is installed but bound to another copy of @tensorflow/tfjs-core`;
    }
    return (await setQuietly('tensorflow')) ? { note } : `${specifier} failed to start`;
  }
  return 'tfjs-node is not installed';
}

/** How the wasm backend's products run: ONNX Runtime's multi-threaded gemm, or the WASM kernels alone. */
let gemmNote = '';

async function tryWasm(): Promise<true | string> {
  if (!(await setQuietly('wasm'))) return 'the wasm backend failed to start';
  try {
    // Large products go to ONNX Runtime's native matmul, which uses every core; the WASM backend has one.
    registerFastWasmKernels({ gemm: createOrtGemm({ openSession: createSyncOrtSessionOpener() }).gemm });
    gemmNote = `large matmuls on ONNX Runtime, ${availableParallelism()} threads`;
  } catch (error) {
    registerFastWasmKernels();
    gemmNote = `WASM matmuls only (ONNX Runtime's gemm did not start: ${(error as Error).message.split('\n')[0]})`;
  }
  return true;
}

async function setQuietly(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

let started: Promise<InitTfjsResult> | undefined;

/**
 * Starts TensorFlow.js once per process with `initTfjs` (later calls get the first result), for code
 * that loads heads without caring which backend runs them.
 */
export function ensureTfjs(options: InitTfjsOptions = {}): Promise<InitTfjsResult> {
  started ??= initTfjs(options).catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}
