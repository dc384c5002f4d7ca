/** Copies the rows at `rows` (indices into a row-major matrix of width `dim`) into a new matrix. */
export function gatherRows(options: {
  matrix: Float32Array;
  dim: number;
  rows: readonly number[];
}): Float32Array {
  const { matrix, dim, rows } = options;
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => out.set(matrix.subarray(row * dim, (row + 1) * dim), i * dim));
  return out;
}
