import * as tf from '@tensorflow/tfjs-core';

const BACKEND = 'wasm';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * tf.js clones every input a kernel keeps for its gradient (a matmul keeps its weights: 100 MB for a
 * 25,088 × 1000 kernel), and the WASM backend's Identity copies the data to do it. Tensors are
 * immutable, so sharing the buffer under a reference count — as the backend's own Reshape and the CPU
 * backend's Identity already do — gives the same values without the copy.
 */
function sharedIdentity(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock.kernelFunc(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

let stockIdentity: tf.KernelConfig | undefined;

/** Replaces the WASM backend's Identity with a buffer-sharing one; calling it again does nothing. */
export function registerSharedWasmIdentity(): boolean {
  if (stockIdentity) return true;
  const stock = tf.getKernel(tf.Identity, BACKEND);
  if (!stock) return false;
  stockIdentity = stock;
  tf.unregisterKernel(tf.Identity, BACKEND);
  tf.registerKernel({ ...stock, kernelFunc: sharedIdentity(stock) });
  return true;
}

/** Puts the stock (copying) Identity back. */
export function unregisterSharedWasmIdentity(): void {
  if (!stockIdentity) return;
  tf.unregisterKernel(tf.Identity, BACKEND);
  tf.registerKernel(stockIdentity);
  stockIdentity = undefined;
}
