import type { PreprocessSpec } from '../backbone/preprocess-spec.ts';
import { HeadstartError } from '../errors.ts';
import { resizeImage } from './resize.ts';
import type { RgbImage } from './rgb-image.ts';

/** Number of floats one image occupies in a backbone input tensor: 3 × inputSize × inputSize. */
export function imageTensorLength(spec: PreprocessSpec): number {
  return 3 * spec.inputSize * spec.inputSize;
}

/**
 * One 256-entry table per tensor channel. Every pixel value maps through `(v*scale - mean) / std`
 * evaluated once in double precision, so the float written for a value is the same on every platform.
 */
const tablesByNormalisation = new Map<string, Float32Array[]>();
/** The same tables by spec object: a run passes one spec for every image, so no key is built per image. */
const tablesBySpec = new WeakMap<PreprocessSpec, Float32Array[]>();

function channelTables(spec: PreprocessSpec): Float32Array[] {
  const known = tablesBySpec.get(spec);
  if (known) return known;
  // A run uses one or two normalisations, so tables are built once each rather than per image.
  const key = `${spec.scale}|${spec.mean.join(',')}|${spec.std.join(',')}`;
  let cached = tablesByNormalisation.get(key);
  if (!cached) {
    if (tablesByNormalisation.size >= 16) tablesByNormalisation.clear();
    cached = buildChannelTables(spec);
    tablesByNormalisation.set(key, cached);
  }
  tablesBySpec.set(spec, cached);
  return cached;
}

function buildChannelTables(spec: PreprocessSpec): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const mean = spec.mean[c as 0 | 1 | 2];
    const std = spec.std[c as 0 | 1 | 2];
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v * spec.scale - mean) / std;
    return table;
  });
}

export interface WriteImageTensorOptions {
  /** Pixels already resized to `spec.inputSize × spec.inputSize`. */
  image: RgbImage;
  spec: PreprocessSpec;
  /** Destination, e.g. a batch tensor's data. */
  out: Float32Array;
  /** First float of this image's slot in `out` (a multiple of imageTensorLength for batches). */
  offset?: number;
}

/** Writes an image into its slot of a tensor following `spec`'s layout, channel order and normalisation. */
export function writeImageTensor({ image, spec, out, offset = 0 }: WriteImageTensorOptions): void {
  const side = spec.inputSize;
  if (image.width !== side || image.height !== side) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Image is ${image.width}×${image.height}; the tensor needs ${side}×${side} (resize it first).`,
    );
  }
  const length = imageTensorLength(spec);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Tensor slot at offset ${offset} needs ${length} floats but the output holds ${out.length}.`,
    );
  }
  const [t0, t1, t2] = channelTables(spec) as [Float32Array, Float32Array, Float32Array];
  // Tensor channel 0 reads R for rgb and B for bgr; channel 1 is always G.
  const first = spec.channelOrder === 'rgb' ? 0 : 2;
  const last = 2 - first;
  const data = image.data;
  const pixels = side * side;
  if (spec.layout === 'nchw') {
    for (let p = 0, q = 0; p < pixels; p++, q += 3) {
      out[offset + p] = t0[data[q + first] as number] as number;
      out[offset + pixels + p] = t1[data[q + 1] as number] as number;
      out[offset + 2 * pixels + p] = t2[data[q + last] as number] as number;
    }
  } else {
    for (let q = 0; q < 3 * pixels; q += 3) {
      out[offset + q] = t0[data[q + first] as number] as number;
      out[offset + q + 1] = t1[data[q + 1] as number] as number;
      out[offset + q + 2] = t2[data[q + last] as number] as number;
    }
  }
}

export interface PreprocessImageOptions {
  /** Decoded pixels of any size; they are resized to `spec.inputSize` square. */
  image: RgbImage;
  spec: PreprocessSpec;
}

/** Resizes an image to the backbone's input size and returns its normalised tensor data (one image). */
export function preprocessImage({ image, spec }: PreprocessImageOptions): Float32Array {
  const out = new Float32Array(imageTensorLength(spec));
  writeImageTensor({ image: resizeForSpec(image, spec), spec, out });
  return out;
}

export interface PreprocessBatchOptions {
  images: readonly RgbImage[];
  spec: PreprocessSpec;
}

/** Resizes and normalises several images into one batch tensor's data, image i at i × imageTensorLength. */
export function preprocessBatch({ images, spec }: PreprocessBatchOptions): Float32Array {
  const length = imageTensorLength(spec);
  const out = new Float32Array(length * images.length);
  images.forEach((image, i) =>
    writeImageTensor({ image: resizeForSpec(image, spec), spec, out, offset: i * length }),
  );
  return out;
}

/** The image resized to the backbone's input size (itself when it already has that size). */
export function resizeForSpec(image: RgbImage, spec: PreprocessSpec): RgbImage {
  if (spec.resize !== 'bilinear') {
    throw new HeadstartError('INVALID_OPTION', `Unknown resize "${String(spec.resize)}"; use bilinear.`);
  }
  if (image.width === spec.inputSize && image.height === spec.inputSize) return image;
  return resizeImage({ image, size: spec.inputSize });
}
