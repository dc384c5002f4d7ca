import { PNG } from 'pngjs';
import { inflateSync } from 'node:zlib';
import type { RgbImage } from '../../image/rgb-image.ts';
import { readPlainPngLayout, type PlainPngLayout } from './plain-png-layout.ts';
import { unfilterRows } from './png-unfilter.ts';

/**
 * Largest image (width × height) the plain path takes by default: 128 × 128. Measured (sharp 0.35,
 * pngjs 7, RGB noise), pngjs, the slower of the plain path's two decoders, costs under half of sharp's
 * CPU up to about here, draws level near 224 × 224 and costs twice as much at 512 × 512; the plain path
 * also blocks the calling thread, where sharp's libvips work runs on the libuv pool.
 */
export const PLAIN_PNG_MAX_PIXELS = 16_384;

export interface PlainPngOptions {
  /** Larger images are left to sharp (default PLAIN_PNG_MAX_PIXELS). */
  maxPixels?: number;
}

/**
 * Decodes a small, plain PNG synchronously, giving exactly the pixels sharp would, or returns undefined
 * so the caller uses sharp. "Plain" is decided from the chunk headers (see readPlainPngLayout): no
 * transparency, colour profile, gamma or EXIF, nothing sharp would convert. A malformed file also gives
 * undefined, never an error, so that sharp reports it in its usual words.
 *
 * 8-bit grey and RGB rows (what datasets of small images nearly always are) are unfiltered here, straight
 * from the one strict inflate: pngjs would inflate the stream a second time and leave about 20 KiB of
 * short-lived objects per image, and at thousands of images per second the collector then competes with
 * inference for the cores. Palette, low bit depths and interlacing go through pngjs.
 */
export function decodePlainPng(
  bytes: Uint8Array,
  { maxPixels = PLAIN_PNG_MAX_PIXELS }: PlainPngOptions = {},
): RgbImage | undefined {
  const layout = readPlainPngLayout(bytes, maxPixels);
  if (layout === undefined) return undefined;
  const inflated = inflateExactly(layout);
  if (inflated === undefined) return undefined;
  const { width, height, colourType, bitDepth, interlaced } = layout;
  if (bitDepth === 8 && !interlaced && (colourType === 0 || colourType === 2)) {
    return rowsToRgb(inflated, width, height, colourType === 0 ? 1 : 3);
  }
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, layout.end));
  } catch {
    // Bad filter bytes, palette indices past the palette: sharp's to accept or reject.
    return undefined;
  }
  const { data: rgba } = png;
  if (png.width !== width || png.height !== height || rgba.length !== width * height * 4) return undefined;
  // No tRNS was allowed, so alpha is always 255; grey arrives already spread over three channels.
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i] as number;
    rgb[j + 1] = rgba[i + 1] as number;
    rgb[j + 2] = rgba[i + 2] as number;
  }
  return { width, height, data: rgb };
}

/** Unfilters 8-bit rows of 1 (grey) or 3 (RGB) samples per pixel into RGB; undefined on a bad filter type. */
function rowsToRgb(rows: Uint8Array, width: number, height: number, samples: 1 | 3): RgbImage | undefined {
  const stride = width * samples;
  if (!unfilterRows(rows, { height, stride, bytesPerPixel: samples })) return undefined;
  const rgb = new Uint8Array(width * height * 3);
  // Plain loops, not set(subarray()): a view per row is garbage the collector would have to chase.
  for (let y = 0, j = 0; y < height; y++) {
    const from = y * (stride + 1) + 1;
    if (samples === 3) {
      for (let i = from; i < from + stride; i++, j++) rgb[j] = rows[i] as number;
      continue;
    }
    for (let i = from; i < from + stride; i++, j += 3) {
      const v = rows[i] as number;
      rgb[j] = v;
      rgb[j + 1] = v;
      rgb[j + 2] = v;
    }
  }
  return { width, height, data: rgb };
}

/**
 * The inflated IDAT stream when it is valid zlib (checksum included) that inflates to exactly the image's
 * size, else undefined. pngjs' own inflate stops at the expected size without checking the stream's end
 * or checksum, so a truncated or corrupt stream would decode to wrong pixels where sharp fails; node's
 * zlib is strict.
 */
function inflateExactly(layout: PlainPngLayout): Uint8Array | undefined {
  const stream = layout.idat.length === 1 ? (layout.idat[0] as Uint8Array) : Buffer.concat(layout.idat);
  try {
    // One output buffer of the exact size: zlib's default 16 KiB chunk per call is garbage that, at
    // thousands of small images per second, keeps the collector busy on the cores inference needs.
    const inflated = inflateSync(stream, {
      maxOutputLength: layout.inflatedBytes + 1,
      chunkSize: Math.max(64, layout.inflatedBytes + 1),
    });
    return inflated.length === layout.inflatedBytes ? inflated : undefined;
  } catch {
    return undefined;
  }
}
