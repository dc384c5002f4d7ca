import * as tf from '@tensorflow/tfjs-core';
import type { SyncGemm } from './gemm.ts';

/** The parts of tfjs-backend-wasm's backend this kernel reads: tensors live on its heap. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/** Rows, columns and inner size of a product, and the flattened batch it repeats over. */
interface ProductShape {
  m: number;
  n: number;
  k: number;
  batchA: number;
  batchB: number;
  outShape: number[];
}

function productShape(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean) {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const k = (transposeA ? a.shape[ra - 2] : a.shape[ra - 1]) as number;
  const kb = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
  const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  if (k !== kb) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return undefined;
  }
  // Only whole-batch broadcasting (one side a single matrix) maps onto a loop of plain products.
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  if (tf.util.sizeFromShape(outer) !== Math.max(batchA, batchB)) return undefined;
  const shape: ProductShape = { m, n, k, batchA, batchB, outShape: [...outer, m, n] };
  return shape;
}

/** Multiply-adds in a BatchMatMul, or undefined when its shapes are not ones runGemmBatchMatMul takes. */
export function batchMatMulMacs(options: {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
}): number | undefined {
  const { a, b, transposeA, transposeB } = options;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const shape = productShape(a, b, transposeA, transposeB);
  if (!shape) return undefined;
  return shape.m * shape.n * shape.k * Math.max(shape.batchA, shape.batchB);
}

/**
 * A WASM-backend BatchMatMul through `gemm`, reading both operands and writing the result in place on
 * the backend's heap. Returns undefined (the caller falls back to the stock kernel, which also reports
 * bad shapes) for non-float32 inputs, mismatched inner sizes and batch broadcasts other than one-to-many.
 */
export function runGemmBatchMatMul(options: {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  backend: unknown;
  gemm: SyncGemm;
}): tf.TensorInfo | undefined {
  const { a, b, transposeA, transposeB, gemm } = options;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const shape = productShape(a, b, transposeA, transposeB);
  if (!shape) return undefined;
  const { m, n, k, batchA, batchB, outShape } = shape;
  const backend = options.backend as WasmHeapBackend;
  const out = backend.makeOutput(outShape, 'float32');
  // Views are taken after makeOutput: an allocation may grow the heap and detach earlier ones.
  const outView = backend.typedArrayFromHeap(out) as Float32Array;
  if (m * n === 0) return out;
  if (k === 0) {
    outView.fill(0);
    return out;
  }
  const aView = backend.typedArrayFromHeap(a) as Float32Array;
  const bView = backend.typedArrayFromHeap(b) as Float32Array;
  const batch = Math.max(batchA, batchB);
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? 0 : i;
    const bi = batchB === 1 ? 0 : i;
    gemm({
      a: aView.subarray(ai * m * k, (ai + 1) * m * k),
      b: bView.subarray(bi * k * n, (bi + 1) * k * n),
      out: outView.subarray(i * m * n, (i + 1) * m * n),
      m,
      n,
      k,
      transposeA,
      transposeB,
    });
  }
  return out;
}
