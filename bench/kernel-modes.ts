import {
  registerFastWasmKernels,
  unregisterFastWasmKernels,
} from '../packages/core/src/tfjs/fast-wasm-kernels.ts';
import { registerFastWasmMatMul } from '../packages/core/src/tfjs/fast-wasm-matmul.ts';
import { createOrtGemm, type OrtGemm } from '../packages/core/src/tfjs/ort-gemm.ts';
import { createSyncOrtSessionOpener } from '../packages/core/src/node/tfjs/ort-sync-session.ts';

/** Which tf.js WASM kernels head training runs on. */
export const KERNEL_MODES = ['stock', 'transpose', 'wasm-only', 'ours'] as const;
export type KernelMode = (typeof KERNEL_MODES)[number];

export const KERNEL_MODE_LABELS: Record<KernelMode, string> = {
  stock: 'stock tfjs-backend-wasm kernels + tf.js Adam',
  transpose: 'explicit-transpose matmul only (no ORT gemm, stock Adam)',
  'wasm-only': 'ours without ORT gemm (1 thread)',
  ours: 'ours: ORT gemm + fused Adam + shared Identity',
};

let ortGemm: OrtGemm | undefined;

/** Puts the kernels of `mode` in place on the (already started) WASM backend. */
export function useKernelMode(mode: KernelMode, threads: number): void {
  unregisterFastWasmKernels();
  if (mode === 'transpose') registerFastWasmMatMul();
  if (mode === 'wasm-only') registerFastWasmKernels();
  if (mode === 'ours') {
    ortGemm ??= createOrtGemm({ openSession: createSyncOrtSessionOpener({ threads }) });
    registerFastWasmKernels({ gemm: ortGemm.gemm });
  }
}

export function disposeKernelModes(): void {
  unregisterFastWasmKernels();
  ortGemm?.dispose();
  ortGemm = undefined;
}
