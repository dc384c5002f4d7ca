import { PNG } from 'pngjs';
import { inflateSync } from 'node:zlib';
import type { RgbImage } from '../../image/rgb-image.ts';
import { readPlainPngLayout, type PlainPngLayout } from './plain-png-layout.ts';

/**
 * Largest image (width × height) the plain path takes by default: 128 × 128. Measured (sharp 0.35,
 * pngjs 7, RGB noise), pngjs costs under half of sharp's CPU up to about here, draws level near
 * 224 × 224 and costs twice as much at 512 × 512; it also blocks the calling thread, where sharp's
 * libvips work runs on the libuv pool.
 */
export const PLAIN_PNG_MAX_PIXELS = 16_384;

export interface PlainPngOptions {
  /** Larger images are left to sharp (default PLAIN_PNG_MAX_PIXELS). */
  maxPixels?: number;
}

/**
 * Decodes a small, plain PNG synchronously with pngjs, giving exactly the pixels sharp would, or returns
 * undefined so the caller uses sharp. "Plain" is decided from the chunk headers (see readPlainPngLayout):
 * no transparency, colour profile, gamma or EXIF, nothing sharp would convert. A malformed file also
 * gives undefined, never an error, so that sharp reports it in its usual words.
 */
export function decodePlainPng(
  bytes: Uint8Array,
  { maxPixels = PLAIN_PNG_MAX_PIXELS }: PlainPngOptions = {},
): RgbImage | undefined {
  const layout = readPlainPngLayout(bytes, maxPixels);
  if (layout === undefined || !inflatesExactly(layout)) return undefined;
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, layout.end));
  } catch {
    // Bad CRCs, bad filter bytes, palette indices past the palette: sharp's to accept or reject.
    return undefined;
  }
  const { width, height, data: rgba } = png;
  if (width !== layout.width || height !== layout.height || rgba.length !== width * height * 4)
    return undefined;
  // No tRNS was allowed, so alpha is always 255; grey arrives already spread over three channels.
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i] as number;
    rgb[j + 1] = rgba[i + 1] as number;
    rgb[j + 2] = rgba[i + 2] as number;
  }
  return { width, height, data: rgb };
}

/**
 * True when the IDAT stream is valid zlib (checksum included) that inflates to exactly the image's size.
 * pngjs' own inflate stops at the expected size without checking the stream's end or checksum, so a
 * truncated or corrupt stream would decode to wrong pixels where sharp fails; node's zlib is strict.
 */
function inflatesExactly(layout: PlainPngLayout): boolean {
  const stream = layout.idat.length === 1 ? (layout.idat[0] as Uint8Array) : Buffer.concat(layout.idat);
  try {
    // One output buffer of the exact size: zlib's default 16 KiB chunk per call is garbage that, at
    // thousands of small images per second, keeps the collector busy on the cores inference needs.
    const inflated = inflateSync(stream, {
      maxOutputLength: layout.inflatedBytes + 1,
      chunkSize: Math.max(64, layout.inflatedBytes + 1),
    });
    return inflated.length === layout.inflatedBytes;
  } catch {
    return false;
  }
}
