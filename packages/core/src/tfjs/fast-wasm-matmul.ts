import * as tf from '@tensorflow/tfjs-core';
import type { SyncGemm } from './gemm.ts';
import { batchMatMulMacs, runGemmBatchMatMul } from './wasm-gemm-matmul.ts';

/**
 * The tfjs WASM backend multiplies with a transposed operand (what backprop asks for on every Dense layer)
 * through a strided path that runs ~10–20× slower than a plain product. These kernels transpose the
 * operand explicitly first (a cheap, cache-friendly copy) and then run the stock kernel untransposed.
 * This also sidesteps the stock _FusedMatMul misplacing its bias when an operand is transposed.
 * Given a SyncGemm (a native, multi-threaded product), BatchMatMul hands it every large product instead.
 */
const PATCHED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;
const BACKEND = 'wasm';

type TensorInfo = tf.TensorInfo;
interface KernelBackend {
  disposeData(dataId: object): boolean;
}

/** Stock configs, kept so the patch can be undone and is never applied twice. */
const stockConfigs = new Map<string, tf.KernelConfig>();

export interface FastWasmMatMulOptions {
  /** A faster product for BatchMatMul (e.g. from createOrtGemm); without it, only the transposes change. */
  gemm?: SyncGemm;
  /**
   * Products of fewer multiply-adds than this stay on the WASM kernel, whose per-call cost is lower.
   * Default 65,536 (a 64×32×32 product).
   */
  minGemmMacs?: number;
}

const DEFAULT_MIN_GEMM_MACS = 65_536;

/** The gemm BatchMatMul delegates to, when one was given. */
let gemmRoute: { gemm: SyncGemm; minMacs: number } | undefined;

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** The product through the given gemm, or undefined when there is none or the product is too small for it. */
function viaGemm(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | undefined {
  if (!gemmRoute) return undefined;
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
  const product = { a, b, transposeA: attrs?.transposeA ?? false, transposeB: attrs?.transposeB ?? false };
  const macs = batchMatMulMacs(product);
  if (macs === undefined || macs < gemmRoute.minMacs) return undefined;
  return runGemmBatchMatMul({ ...product, backend: args.backend, gemm: gemmRoute.gemm });
}

function wrapKernel(stock: tf.KernelConfig, transpose: tf.KernelConfig): tf.KernelConfig {
  const useGemm = stock.kernelName === tf.BatchMatMul;
  const kernelFunc: tf.KernelFunc = (args) => {
    if (useGemm) {
      const out = viaGemm(args);
      if (out) return out;
    }
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
    if (!attrs?.transposeA && !attrs?.transposeB) return stock.kernelFunc(args);
    const inputs = { ...args.inputs } as Record<string, TensorInfo>;
    const backend = args.backend as unknown as KernelBackend;
    const intermediates: TensorInfo[] = [];
    const explicit = (name: 'a' | 'b'): void => {
      const x = inputs[name] as TensorInfo;
      const transposed = transpose.kernelFunc({
        inputs: { x },
        backend: args.backend,
        attrs: { perm: swapLastTwo(x.shape.length) },
      }) as TensorInfo;
      intermediates.push(transposed);
      inputs[name] = transposed;
    };
    try {
      if (attrs.transposeA) explicit('a');
      if (attrs.transposeB) explicit('b');
      return stock.kernelFunc({
        inputs,
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of intermediates) backend.disposeData(t.dataId);
    }
  };
  return { ...stock, kernelFunc };
}

/**
 * Replaces the WASM backend's BatchMatMul and _FusedMatMul kernels with ones that make transposes
 * explicit, and that send large BatchMatMul products to `gemm` when one is given. Call it after importing
 * `@tensorflow/tfjs-backend-wasm`, before or after the backend starts; calling it again only replaces the
 * options. Returns false when the WASM kernels are not registered.
 */
export function registerFastWasmMatMul(options: FastWasmMatMulOptions = {}): boolean {
  const transpose = tf.getKernel(tf.Transpose, BACKEND);
  if (!transpose) return false;
  const minMacs = options.minGemmMacs ?? DEFAULT_MIN_GEMM_MACS;
  gemmRoute = options.gemm ? { gemm: options.gemm, minMacs } : undefined;
  let registered = false;
  for (const name of PATCHED_KERNELS) {
    if (stockConfigs.has(name)) {
      registered = true;
      continue;
    }
    const stock = tf.getKernel(name, BACKEND);
    if (!stock) continue;
    stockConfigs.set(name, stock);
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(wrapKernel(stock, transpose));
    registered = true;
  }
  return registered;
}

/** Puts the stock WASM matmul kernels back (for comparisons and tests). */
export function unregisterFastWasmMatMul(): void {
  for (const [name, stock] of stockConfigs) {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel(stock);
  }
  stockConfigs.clear();
  gemmRoute = undefined;
}

/** Whether the explicit-transpose kernels are in place. */
export function isFastWasmMatMulRegistered(): boolean {
  return stockConfigs.size > 0;
}

/** Whether BatchMatMul currently hands large products to a gemm. */
export function isWasmGemmActive(): boolean {
  return stockConfigs.size > 0 && gemmRoute !== undefined;
}
