import {
  configureOrtWeb,
  createOrtWebSession,
  initBrowserTfjs,
  probeWebGpu,
  type BackboneSpec,
  type BrowserDevice,
  type OrtWebSession,
} from '@headstart/core/browser';
import type { RuntimeStatus, RuntimeUrls } from '../shared/protocol.ts';

interface RuntimeState {
  urls: RuntimeUrls;
  device: BrowserDevice;
  status: RuntimeStatus;
}

let state: RuntimeState | undefined;

/** Starts tf.js and configures onnxruntime-web once; the device applies to every session opened after. */
export async function initRuntime(options: {
  urls: RuntimeUrls;
  device: BrowserDevice;
  tfjsBackend?: 'auto' | 'wasm' | 'cpu';
}): Promise<RuntimeStatus> {
  if (state) return state.status;
  const { urls, device } = options;
  const ort = configureOrtWeb({ wasmPaths: { wasm: urls.ortWasm, mjs: urls.ortMjs } });
  const tfjs = await initBrowserTfjs({
    backend: options.tfjsBackend ?? 'auto',
    wasmPaths: {
      'tfjs-backend-wasm.wasm': `${urls.tfjsPrefix}tfjs-backend-wasm.wasm`,
      'tfjs-backend-wasm-simd.wasm': `${urls.tfjsPrefix}tfjs-backend-wasm-simd.wasm`,
      'tfjs-backend-wasm-threaded-simd.wasm': `${urls.tfjsPrefix}tfjs-backend-wasm-threaded-simd.wasm`,
    },
  });
  const status: RuntimeStatus = {
    device,
    webgpu: await probeWebGpu(),
    ortThreads: ort.threadNote,
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    tfjs,
  };
  state = { urls, device, status };
  return status;
}

export function runtimeStatus(): RuntimeStatus {
  if (!state) throw new Error('The engine has not been started (init).');
  return state.status;
}

/** Opens a backbone on the chosen device and records which provider it got, and why, for the page. */
export async function openSession(options: {
  bytes: Uint8Array;
  spec: BackboneSpec;
}): Promise<OrtWebSession> {
  const current = state;
  if (!current) throw new Error('The engine has not been started (init).');
  const session = await createOrtWebSession({
    model: options.bytes,
    device: current.device,
    outputName: options.spec.outputName,
    wasmPaths: { wasm: current.urls.ortWasm, mjs: current.urls.ortMjs },
  });
  current.status = {
    ...current.status,
    backbone: { executionProvider: session.executionProvider, note: session.note },
  };
  return session;
}

export function runtimeWasmPaths(): { wasm: string; mjs: string } {
  if (!state) throw new Error('The engine has not been started (init).');
  return { wasm: state.urls.ortWasm, mjs: state.urls.ortMjs };
}

export function runtimeDevice(): BrowserDevice {
  return state?.device ?? 'auto';
}

export function noteSession(session: OrtWebSession): void {
  if (state)
    state.status = {
      ...state.status,
      backbone: { executionProvider: session.executionProvider, note: session.note },
    };
}
