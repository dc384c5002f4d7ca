import * as ort from 'onnxruntime-web';
import { HeadstartError } from '../errors.ts';
import type { BackboneOutput, BackboneSession } from '../features/backbone-session.ts';
import { probeWebGpu } from './webgpu-probe.ts';

/** Where the browser runs a backbone: `auto` takes WebGPU when there is an adapter, else WASM. */
export const BROWSER_DEVICES = ['auto', 'webgpu', 'wasm'] as const;
export type BrowserDevice = (typeof BROWSER_DEVICES)[number];

/** URLs of onnxruntime-web's runtime files as the app serves them: a folder prefix, or each file. */
export type OrtWasmPaths = string | { wasm?: string; mjs?: string };

export interface ConfigureOrtWebOptions {
  wasmPaths?: OrtWasmPaths;
  /** WASM threads; default: the cores, at most 8, when the page is cross-origin isolated, else 1. */
  threads?: number;
}

/** How onnxruntime-web's WASM runtime was set up, and why that way. */
export interface OrtWebRuntime {
  threads: number;
  /** `2 threads` or `1 thread (not cross-origin isolated: no COOP/COEP headers)`. */
  threadNote: string;
}

let runtime: OrtWebRuntime | undefined;

/**
 * Sets onnxruntime-web's global WASM options. They take effect when its runtime starts (the first session),
 * so this is called once, before any session; later calls return the first result.
 */
export function configureOrtWeb(options: ConfigureOrtWebOptions = {}): OrtWebRuntime {
  if (runtime) return runtime;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = isolated ? Math.max(1, Math.min(options.threads ?? cores, 8)) : 1;
  ort.env.wasm.numThreads = threads;
  // The backbone already runs in the app's worker; a second proxy worker would only add copies.
  ort.env.wasm.proxy = false;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  const plural = threads === 1 ? 'thread' : 'threads';
  runtime = {
    threads,
    threadNote: isolated
      ? `${threads} ${plural}`
      : '1 thread (not cross-origin isolated: no COOP/COEP headers)',
  };
  return runtime;
}

/** A backbone session in onnxruntime-web, with what it runs on and why. */
export interface OrtWebSession extends BackboneSession {
  readonly executionProvider: 'webgpu' | 'wasm';
  /** For the page: `WebGPU (google swiftshader)` or `WebGPU unavailable: no adapter — using WASM, 2 threads`. */
  readonly note: string;
}

export interface CreateOrtWebSessionOptions extends ConfigureOrtWebOptions {
  /** The ONNX graph's bytes. */
  model: Uint8Array;
  device?: BrowserDevice;
  /** Name of the graph input to feed; default its first. */
  inputName?: string;
  /** Name of the graph output to fetch; default its first. */
  outputName?: string;
}

async function open(model: Uint8Array, provider: 'webgpu' | 'wasm'): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
  });
}

/**
 * Opens a backbone graph in onnxruntime-web. With `auto`, WebGPU is used when the browser offers an
 * adapter and the session opens on it; otherwise WASM, and `note` says why WebGPU was not used. Asking
 * for `webgpu` explicitly fails with DEVICE_UNAVAILABLE instead of falling back. Runs are queued: the
 * runtime takes one at a time.
 */
export async function createOrtWebSession(options: CreateOrtWebSessionOptions): Promise<OrtWebSession> {
  const device = options.device ?? 'auto';
  const { threadNote } = configureOrtWeb(options);
  let session: ort.InferenceSession | undefined;
  let provider: 'webgpu' | 'wasm' = 'wasm';
  let note = `WASM, ${threadNote} (WASM was chosen; WebGPU not tried)`;
  if (device !== 'wasm') {
    const probe = await probeWebGpu();
    let reason = probe.available ? undefined : probe.reason;
    if (probe.available) {
      try {
        session = await open(options.model, 'webgpu');
        provider = 'webgpu';
        note = `WebGPU (${probe.adapter})`;
      } catch (error) {
        reason = `the WebGPU session failed to open (${(error as Error).message})`;
      }
    }
    if (reason !== undefined) {
      if (device === 'webgpu')
        throw new HeadstartError('DEVICE_UNAVAILABLE', `WebGPU unavailable: ${reason}.`);
      note = `WebGPU unavailable: ${reason} — using WASM, ${threadNote}`;
    }
  }
  try {
    session ??= await open(options.model, 'wasm');
  } catch (error) {
    throw new HeadstartError(
      'BACKBONE_INVALID',
      `onnxruntime-web could not open the backbone: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const opened = session;
  const inputName = options.inputName ?? opened.inputNames[0] ?? 'input';
  const outputName = options.outputName ?? opened.outputNames[0] ?? 'features';
  let queue: Promise<unknown> = Promise.resolve();
  const runOnce = async (input: Float32Array, dims: readonly number[]): Promise<BackboneOutput> => {
    const tensor = new ort.Tensor('float32', input, [...dims]);
    try {
      const outputs = await opened.run({ [inputName]: tensor }, [outputName]);
      const output = outputs[outputName];
      if (!output)
        throw new HeadstartError('BACKBONE_IO_MISMATCH', `The backbone returned no output "${outputName}".`);
      const data = (await output.getData()) as Float32Array;
      const result = { data: data.slice(), dims: [...output.dims] };
      output.dispose();
      return result;
    } finally {
      tensor.dispose();
    }
  };
  return {
    executionProvider: provider,
    note,
    run(input, dims) {
      const next = queue.then(() => runOnce(input, dims));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      await queue;
      await opened.release();
    },
  };
}
