import { HeadstartError } from '../errors.ts';
import type { FeatureSource } from './feature-source.ts';

/**
 * Per-feature mean and standard deviation of the training features. Features of random-weight backbones
 * differ in scale by orders of magnitude, which stalls a head trained on them raw; standardised features
 * train well with one learning rate. It is saved with the head so prediction applies the same numbers.
 */
export interface FeatureStandardizer {
  mean: Float32Array;
  /** Already floored: a (near-)constant feature has std 1, so it maps to ~0 instead of blowing up. */
  std: Float32Array;
}

/**
 * Below this a feature counts as constant. Features are float32 activations of order 1–1000, so a
 * spread this small is rounding noise, and dividing by it would turn noise into huge inputs.
 */
export const MIN_FEATURE_STD = 1e-6;

const ROWS_PER_PASS = 1024;

/** Computes mean and std (population) over every row of `source`, accumulating in float64. */
export async function fitStandardizer(options: { source: FeatureSource }): Promise<FeatureStandardizer> {
  const { source } = options;
  const { dim, count } = source;
  if (count < 1) throw new HeadstartError('INVALID_OPTION', 'Cannot standardise features of 0 samples.');
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  // Shifting by the first row keeps sum of squares accurate when a feature's mean dwarfs its spread.
  let shift: Float64Array | undefined;
  for (let start = 0; start < count; start += ROWS_PER_PASS) {
    const indices = Array.from({ length: Math.min(ROWS_PER_PASS, count - start) }, (_, i) => start + i);
    const rows = await source.getBatch(indices);
    if (!shift) shift = Float64Array.from(rows.subarray(0, dim));
    for (let r = 0; r < indices.length; r++) {
      const offset = r * dim;
      for (let j = 0; j < dim; j++) {
        const v = (rows[offset + j] as number) - (shift[j] as number);
        sum[j] = (sum[j] as number) + v;
        sumSq[j] = (sumSq[j] as number) + v * v;
      }
    }
  }
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const m = (sum[j] as number) / count;
    const variance = Math.max(0, (sumSq[j] as number) / count - m * m);
    const s = Math.sqrt(variance);
    mean[j] = m + ((shift as Float64Array)[j] as number);
    std[j] = s < MIN_FEATURE_STD ? 1 : s;
  }
  return { mean, std };
}

/** Returns `(features - mean) / std` for `features` of rows of the standardizer's width. */
export function applyStandardizer(options: {
  standardizer: FeatureStandardizer;
  features: Float32Array;
}): Float32Array {
  const { standardizer, features } = options;
  const dim = standardizer.mean.length;
  if (features.length % dim !== 0) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Features of length ${features.length} are not rows of the standardizer's width ${dim}.`,
    );
  }
  const out = new Float32Array(features.length);
  const { mean, std } = standardizer;
  for (let offset = 0; offset < features.length; offset += dim) {
    for (let j = 0; j < dim; j++) {
      out[offset + j] = ((features[offset + j] as number) - (mean[j] as number)) / (std[j] as number);
    }
  }
  return out;
}

/** Serialises a standardizer as little-endian float32: all means, then all stds. */
export function standardizerToBytes(standardizer: FeatureStandardizer): Uint8Array {
  const dim = standardizer.mean.length;
  const bytes = new Uint8Array(dim * 8);
  const view = new DataView(bytes.buffer);
  for (let j = 0; j < dim; j++) {
    view.setFloat32(j * 4, standardizer.mean[j] as number, true);
    view.setFloat32((dim + j) * 4, standardizer.std[j] as number, true);
  }
  return bytes;
}

/** Reads what standardizerToBytes wrote; `dim`, when given, must match. */
export function standardizerFromBytes(options: { bytes: Uint8Array; dim?: number }): FeatureStandardizer {
  const { bytes, dim: expected } = options;
  if (bytes.byteLength === 0 || bytes.byteLength % 8 !== 0) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `Standardizer data of ${bytes.byteLength} bytes is not a whole number of (mean, std) float32 pairs.`,
    );
  }
  const dim = bytes.byteLength / 8;
  if (expected !== undefined && dim !== expected) {
    throw new HeadstartError(
      'BUNDLE_INVALID',
      `Standardizer has ${dim} features but the head expects ${expected}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j] = view.getFloat32(j * 4, true);
    std[j] = view.getFloat32((dim + j) * 4, true);
    if (!(std[j]! > 0) || !Number.isFinite(mean[j]!)) {
      throw new HeadstartError(
        'BUNDLE_INVALID',
        `Standardizer feature ${j} has mean ${mean[j]} and std ${std[j]}.`,
      );
    }
  }
  return { mean, std };
}
