import { HeadstartError } from '../errors.ts';

/** Features held in memory: `labels.length` rows of `dim` float32 values, row-major. */
export interface FeatureArrays {
  features: Float32Array;
  labels: Int32Array;
  dim: number;
}

/**
 * Features that may live elsewhere (a feature cache, a file) and are fetched a batch at a time. Labels are
 * small and needed up front (class weights, counts), so they are held in memory.
 */
export interface FeatureSource {
  count: number;
  dim: number;
  labels: Int32Array;
  /** The rows at `indices`, in that order, as one row-major array of `indices.length × dim`. */
  getBatch(indices: readonly number[]): Float32Array | Promise<Float32Array>;
}

/** Either form trainHead and fitStandardizer accept. */
export type FeatureInput = FeatureArrays | FeatureSource;

/** Wraps in-memory features as a FeatureSource, checking their shape. */
export function arrayFeatureSource(data: FeatureArrays): FeatureSource {
  const { features, labels, dim } = data;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new HeadstartError('INVALID_OPTION', `Feature dim ${dim} must be a positive integer.`);
  }
  if (features.length !== labels.length * dim) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Features hold ${features.length} values but ${labels.length} labels × dim ${dim} need ${labels.length * dim}.`,
    );
  }
  return {
    count: labels.length,
    dim,
    labels,
    getBatch(indices) {
      const out = new Float32Array(indices.length * dim);
      indices.forEach((row, i) => out.set(features.subarray(row * dim, (row + 1) * dim), i * dim));
      return out;
    },
  };
}

/** Normalises either input form to a FeatureSource. */
export function toFeatureSource(input: FeatureInput): FeatureSource {
  return 'getBatch' in input ? input : arrayFeatureSource(input);
}

/** Checks that every label is an integer class index below `numClasses`. */
export function checkLabels(options: { labels: Int32Array; numClasses: number; what: string }): void {
  const { labels, numClasses, what } = options;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (label < 0 || label >= numClasses) {
      throw new HeadstartError(
        'INVALID_OPTION',
        `${what} label ${label} at row ${i} is outside 0..${numClasses - 1} (${numClasses} classes).`,
      );
    }
  }
}
