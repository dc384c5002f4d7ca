import { HeadstartError } from '../errors.ts';

/**
 * Inputs of the trainable blocks, fetched a batch at a time: for `partial`, the frozen part's output
 * maps (NCHW, from ONNX Runtime through the feature cache with `flatten` pooling, whose C·H·W order is
 * exactly NCHW); for `scratch` and `full`, the preprocessed images themselves (NCHW [3, H, W]).
 */
export interface MapSource {
  count: number;
  /** [C, H, W] of one sample. */
  shape: [number, number, number];
  labels: Int32Array;
  /** The samples at `indices`, in that order: indices.length × C × H × W float32 values. */
  getBatch(indices: readonly number[]): Float32Array | Promise<Float32Array>;
}

/** Values per sample of a source: C × H × W. */
export function mapSize(shape: readonly [number, number, number]): number {
  return shape[0] * shape[1] * shape[2];
}

/** Wraps in-memory NCHW maps as a MapSource, checking their size. */
export function arrayMapSource(options: {
  data: Float32Array;
  shape: [number, number, number];
  labels: Int32Array;
}): MapSource {
  const { data, shape, labels } = options;
  const size = mapSize(shape);
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Map shape [${shape.join(', ')}] must be three positive integers.`,
    );
  }
  if (data.length !== labels.length * size) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Maps hold ${data.length} values but ${labels.length} labels × [${shape.join(', ')}] need ${labels.length * size}.`,
    );
  }
  return {
    count: labels.length,
    shape,
    labels,
    getBatch(indices) {
      const out = new Float32Array(indices.length * size);
      indices.forEach((row, i) => out.set(data.subarray(row * size, (row + 1) * size), i * size));
      return out;
    },
  };
}

/** The rows of `source` at `rows` (a split), as a source of their own. */
export function subsetMapSource(options: { source: MapSource; rows: readonly number[] }): MapSource {
  const { source, rows } = options;
  return {
    count: rows.length,
    shape: source.shape,
    labels: Int32Array.from(rows, (r) => source.labels[r] as number),
    getBatch: (indices) => source.getBatch(indices.map((i) => rows[i] as number)),
  };
}
