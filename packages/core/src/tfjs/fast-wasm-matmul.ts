import * as tf from '@tensorflow/tfjs-core';

/**
 * The tfjs WASM backend multiplies with a transposed operand (what backprop asks for on every Dense layer)
 * through a strided path that runs ~10–20× slower than a plain product. These kernels transpose the
 * operand explicitly first (a cheap, cache-friendly copy) and then run the stock kernel untransposed.
 * This also sidesteps the stock _FusedMatMul misplacing its bias when an operand is transposed.
 */
const PATCHED_KERNELS = [tf.BatchMatMul, tf._FusedMatMul] as const;
const BACKEND = 'wasm';

type TensorInfo = tf.TensorInfo;
interface KernelBackend {
  disposeData(dataId: object): boolean;
}

/** Stock configs, kept so the patch can be undone and is never applied twice. */
const stockConfigs = new Map<string, tf.KernelConfig>();

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function wrapKernel(stock: tf.KernelConfig, transpose: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
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
 * explicit. Call it after importing `@tensorflow/tfjs-backend-wasm`, before or after the backend starts;
 * calling it again does nothing. Returns false when the WASM kernels are not registered.
 */
export function registerFastWasmMatMul(): boolean {
  const transpose = tf.getKernel(tf.Transpose, BACKEND);
  if (!transpose) return false;
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
}

/** Whether the explicit-transpose kernels are in place. */
export function isFastWasmMatMulRegistered(): boolean {
  return stockConfigs.size > 0;
}
