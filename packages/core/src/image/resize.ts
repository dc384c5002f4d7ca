import { HeadstartError } from '../errors.ts';
import type { RgbImage } from './rgb-image.ts';

/**
 * Separable triangle-filter resampling with half-pixel centres, widened when shrinking (antialiasing), in
 * the same 22-bit fixed point as Pillow's BILINEAR resize (its Resample.c, step for step: coefficients,
 * rounding, horizontal pass then vertical, uint8 in between). Integer arithmetic only, so Node and
 * browsers produce the same bytes.
 */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel along one axis: the first input pixel, how many follow, and their fixed-point weights. */
interface AxisWeights {
  taps: number;
  starts: Int32Array;
  counts: Int32Array;
  weights: Int32Array;
}

const weightCache = new Map<string, AxisWeights>();
const WEIGHT_CACHE_LIMIT = 64;

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

function computeAxisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const inverse = 1 / filterScale;
  const row = new Float64Array(taps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - first;
    let sum = 0;
    for (let t = 0; t < count; t++) {
      const w = triangle((t + first - center + 0.5) * inverse);
      row[t] = w;
      sum += w;
    }
    for (let t = 0; t < count; t++) {
      const w = sum !== 0 ? (row[t] as number) / sum : (row[t] as number);
      weights[o * taps + t] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    starts[o] = first;
    counts[o] = count;
  }
  return { taps, starts, counts, weights };
}

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const key = `${inSize}>${outSize}`;
  let cached = weightCache.get(key);
  if (cached === undefined) {
    if (weightCache.size >= WEIGHT_CACHE_LIMIT) weightCache.clear();
    cached = computeAxisWeights(inSize, outSize);
    weightCache.set(key, cached);
  }
  return cached;
}

function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resamples RGB rows from `inWidth` to `outWidth` pixels: all three channels, or, for a grey image
 * (`channels` 1), channel 0 alone into a one-sample-per-pixel plane. RGB has its own loop with the three
 * sums side by side: a loop over channels costs half as much time again at photo sizes.
 */
function resizeHorizontal(
  rgb: Uint8Array,
  {
    inWidth,
    height,
    outWidth,
    channels,
  }: { inWidth: number; height: number; outWidth: number; channels: 1 | 3 },
): Uint8Array {
  const { taps, starts, counts, weights } = axisWeights(inWidth, outWidth);
  const out = new Uint8Array(outWidth * height * channels);
  for (let y = 0; y < height; y++) {
    const rowIn = y * inWidth * 3;
    const rowOut = y * outWidth * channels;
    for (let o = 0; o < outWidth; o++) {
      const count = counts[o] as number;
      const k0 = o * taps;
      let p = rowIn + (starts[o] as number) * 3;
      if (channels === 1) {
        let s = HALF;
        for (let t = 0; t < count; t++, p += 3) s += (rgb[p] as number) * (weights[k0 + t] as number);
        out[rowOut + o] = clip8(s);
        continue;
      }
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < count; t++, p += 3) {
        const w = weights[k0 + t] as number;
        r += (rgb[p] as number) * w;
        g += (rgb[p + 1] as number) * w;
        b += (rgb[p + 2] as number) * w;
      }
      const q = rowOut + o * 3;
      out[q] = clip8(r);
      out[q + 1] = clip8(g);
      out[q + 2] = clip8(b);
    }
  }
  return out;
}

/** Resamples RGB columns from `inHeight` to `outHeight` rows of `width` pixels. */
function resizeVertical(
  src: Uint8Array,
  { width, inHeight, outHeight }: { width: number; inHeight: number; outHeight: number },
): Uint8Array {
  const { taps, starts, counts, weights } = axisWeights(inHeight, outHeight);
  const rowLength = width * 3;
  const out = new Uint8Array(rowLength * outHeight);
  for (let o = 0; o < outHeight; o++) {
    const count = counts[o] as number;
    const k0 = o * taps;
    const first = (starts[o] as number) * rowLength;
    const rowOut = o * rowLength;
    for (let i = 0; i < rowLength; i++) {
      let s = HALF;
      for (let t = 0, p = first + i; t < count; t++, p += rowLength) {
        s += (src[p] as number) * (weights[k0 + t] as number);
      }
      out[rowOut + i] = clip8(s);
    }
  }
  return out;
}

/**
 * resizeVertical for a grey plane (one sample per pixel), writing each value into all three channels of
 * the RGB result. Its own loop: a channel test inside the RGB one costs a quarter more at photo sizes.
 */
function resizeVerticalGrey(
  plane: Uint8Array,
  { width, inHeight, outHeight }: { width: number; inHeight: number; outHeight: number },
): Uint8Array {
  const { taps, starts, counts, weights } = axisWeights(inHeight, outHeight);
  const out = new Uint8Array(width * 3 * outHeight);
  for (let o = 0; o < outHeight; o++) {
    const count = counts[o] as number;
    const k0 = o * taps;
    const first = (starts[o] as number) * width;
    for (let i = 0, q = o * width * 3; i < width; i++, q += 3) {
      let s = HALF;
      for (let t = 0, p = first + i; t < count; t++, p += width) {
        s += (plane[p] as number) * (weights[k0 + t] as number);
      }
      const v = clip8(s);
      out[q] = v;
      out[q + 1] = v;
      out[q + 2] = v;
    }
  }
  return out;
}

/** True when all three channels are equal at every pixel; returns at the first one where they are not. */
function isGrey(rgb: Uint8Array): boolean {
  for (let q = 0; q < rgb.length; q += 3) {
    const v = rgb[q];
    if (rgb[q + 1] !== v || rgb[q + 2] !== v) return false;
  }
  return true;
}

export interface ResizeImageOptions {
  image: RgbImage;
  /** Side of the square output; `width` and `height` override it per axis. */
  size?: number;
  width?: number;
  height?: number;
}

function checkSide(name: string, value: number | undefined): number {
  if (value === undefined || !Number.isInteger(value) || value < 1) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Resize ${name} ${String(value)} is not valid; use a positive integer.`,
    );
  }
  return value;
}

/**
 * Resizes the whole image to `width × height` (aspect ratio not kept) with antialiased bilinear
 * resampling. An axis whose size does not change is copied, not resampled, so a same-size call returns a
 * copy of the pixels.
 */
export function resizeImage({ image, size, width = size, height = size }: ResizeImageOptions): RgbImage {
  const outWidth = checkSide('width', width);
  const outHeight = checkSide('height', height);
  if (image.width < 1 || image.height < 1 || image.data.length !== image.width * image.height * 3) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `Image of ${image.width}×${image.height} has ${image.data.length} bytes; expected ${image.width * image.height * 3} (RGB).`,
    );
  }
  const { width: inWidth, height: inHeight } = image;
  if (outWidth === inWidth && outHeight === inHeight) {
    return { width: outWidth, height: outHeight, data: image.data.slice() };
  }
  // Channels are resampled independently, so a grey image (R = G = B, as digits and scans are) is
  // resampled once and spread: a third of the work, the same bytes. Colour images leave the check at
  // their first coloured pixel.
  if (outWidth !== inWidth && outHeight !== inHeight && isGrey(image.data)) {
    const plane = resizeHorizontal(image.data, { inWidth, height: inHeight, outWidth, channels: 1 });
    const data = resizeVerticalGrey(plane, { width: outWidth, inHeight, outHeight });
    return { width: outWidth, height: outHeight, data };
  }
  let data = image.data;
  if (outWidth !== inWidth) {
    data = resizeHorizontal(data, { inWidth, height: inHeight, outWidth, channels: 3 });
  }
  if (outHeight !== inHeight) data = resizeVertical(data, { width: outWidth, inHeight, outHeight });
  return { width: outWidth, height: outHeight, data };
}
