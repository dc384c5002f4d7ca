import {
  registerFastWasmMatMul,
  unregisterFastWasmMatMul,
  type FastWasmMatMulOptions,
} from './fast-wasm-matmul.ts';
import { setFusedAdamEnabled } from './fused-adam.ts';
import { registerSharedWasmIdentity, unregisterSharedWasmIdentity } from './wasm-identity.ts';

/**
 * Every speed-up of head training on the WASM backend at once: explicit-transpose matmuls (large ones
 * through `gemm` when given), a buffer-sharing Identity, and the fused Adam step of FusedAdamOptimizer.
 * None changes a result beyond float rounding in the matmuls (the others are bit-exact). Returns false
 * when the WASM kernels are not registered (the backend package was not imported).
 */
export function registerFastWasmKernels(options: FastWasmMatMulOptions = {}): boolean {
  const matMul = registerFastWasmMatMul(options);
  const identity = registerSharedWasmIdentity();
  setFusedAdamEnabled(true);
  return matMul && identity;
}

/** The stock tfjs-backend-wasm kernels and tf.js' own Adam, for baselines and comparisons. */
export function unregisterFastWasmKernels(): void {
  unregisterFastWasmMatMul();
  unregisterSharedWasmIdentity();
  setFusedAdamEnabled(false);
}
