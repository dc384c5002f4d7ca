import type { DecodeImage, RgbImage } from '../../image/rgb-image.ts';
import { createSharpDecoder, type SharpDecoderOptions } from './decode-image-sharp.ts';
import { decodePlainPng, PLAIN_PNG_MAX_PIXELS } from './decode-png-plain.ts';

/** Options of createImageDecoder: the same as sharp's, validated the same way. */
export type ImageDecoderOptions = SharpDecoderOptions;

/**
 * The DecodeImage Node callers should use. Small plain PNGs (see decodePlainPng) are decoded on the
 * calling thread, which costs about a fortieth of sharp's CPU at 28 × 28 and gives the same
 * pixels; every other input, and every error, goes through createSharpDecoder unchanged.
 */
export function createImageDecoder(options: ImageDecoderOptions = {}): DecodeImage {
  const sharpDecode = createSharpDecoder(options);
  // Capped by maxPixels too, so an image over the caller's limit reaches sharp and its IMAGE_TOO_LARGE.
  const plainMaxPixels = Math.min(PLAIN_PNG_MAX_PIXELS, options.maxPixels ?? PLAIN_PNG_MAX_PIXELS);
  return async (bytes: Uint8Array, name?: string): Promise<RgbImage> =>
    decodePlainPng(bytes, { maxPixels: plainMaxPixels }) ?? sharpDecode(bytes, name);
}
