/**
 * One single-precision matrix product `out = op(a) · op(b)` over row-major arrays, where op transposes
 * when asked: `a` holds m×k values ([k, m] when transposeA), `b` holds k×n ([n, k] when transposeB) and
 * `out` receives m×n. `out` never aliases `a` or `b`.
 */
export interface GemmRequest {
  a: Float32Array;
  b: Float32Array;
  out: Float32Array;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * A matrix multiply that finishes before it returns: tf.js kernels are synchronous, so a faster product
 * (a native BLAS, several threads) can only stand in for one when it blocks the caller until done.
 */
export type SyncGemm = (request: GemmRequest) => void;

/**
 * A plain JavaScript SyncGemm: slow, but exact in its summation order (k ascending, in float64) and
 * dependency-free, for tests and as the reference others are checked against.
 */
export const referenceGemm: SyncGemm = ({ a, b, out, m, n, k, transposeA, transposeB }) => {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? (a[p * m + i] as number) : (a[i * k + p] as number);
        const bv = transposeB ? (b[j * k + p] as number) : (b[p * n + j] as number);
        sum += av * bv;
      }
      out[i * n + j] = sum;
    }
  }
};
