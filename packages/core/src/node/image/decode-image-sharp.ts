import sharp from 'sharp';
import { HeadstartError } from '../../errors.ts';
import { grayToRgb, type DecodeImage, type RgbImage } from '../../image/rgb-image.ts';

export interface SharpDecoderOptions {
  /** Images whose header declares more pixels (width × height) are refused before any decoding. */
  maxPixels?: number;
}

/** The first line of a libvips/sharp message, made readable: no stack, no trailing punctuation. */
function describe(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line = (raw.split('\n')[0] ?? '').trim().replace(/[.:]+$/, '');
  if (/unsupported image format/i.test(line))
    return 'not a supported image format (use PNG, JPEG, WebP, GIF, TIFF or AVIF)';
  return line === '' ? 'unreadable image data' : `corrupt or truncated image data (${line})`;
}

/** Raster formats accepted (sharp's names; AVIF reports as heif). SVG and others are refused on purpose. */
const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'];

function decodeFailed(name: string, reason: string, cause?: unknown): HeadstartError {
  return new HeadstartError('IMAGE_DECODE_FAILED', `Cannot decode image "${name}": ${reason}.`, { cause });
}

/**
 * A DecodeImage backed by sharp (libvips). It reads the header first and refuses images declaring more
 * than `maxPixels` with IMAGE_TOO_LARGE, so a small file claiming 20,000 × 20,000 pixels is never
 * decoded. Decoding applies the EXIF orientation, flattens transparency onto white, converts to 8-bit
 * sRGB and returns 3-channel pixels. Failures are IMAGE_DECODE_FAILED naming the file, in one line.
 */
export function createSharpDecoder({ maxPixels = 40_000_000 }: SharpDecoderOptions = {}): DecodeImage {
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `maxPixels ${String(maxPixels)} is not valid; use a positive integer.`,
    );
  }
  return async (bytes: Uint8Array, name = 'image'): Promise<RgbImage> => {
    if (bytes.length === 0) throw decodeFailed(name, 'the file is empty (0 bytes)');
    let width: number | undefined;
    let height: number | undefined;
    let format: string | undefined;
    try {
      ({ width, height, format } = await sharp(bytes, { limitInputPixels: false }).metadata());
    } catch (error) {
      throw decodeFailed(name, describe(error), error);
    }
    if (format === undefined || !ACCEPTED_FORMATS.includes(format)) {
      throw new HeadstartError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Image "${name}" is in ${format ?? 'an unknown'} format; use PNG, JPEG, WebP, GIF, TIFF or AVIF.`,
      );
    }
    if (!width || !height) throw decodeFailed(name, 'its header declares no image size');
    if (width * height > maxPixels) {
      throw new HeadstartError(
        'IMAGE_TOO_LARGE',
        `Image "${name}" is ${width}×${height} (${(width * height).toLocaleString('en-US')} pixels); ` +
          `the limit is ${maxPixels.toLocaleString('en-US')} pixels.`,
      );
    }
    try {
      const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
        .rotate()
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (
        (info.channels !== 3 && info.channels !== 1) ||
        pixels.length !== info.width * info.height * info.channels
      ) {
        throw new Error(`unexpected ${info.channels}-channel output of ${pixels.length} bytes`);
      }
      if (info.channels === 1) return grayToRgb(info.width, info.height, pixels);
      return { width: info.width, height: info.height, data: pixels };
    } catch (error) {
      throw decodeFailed(name, describe(error), error);
    }
  };
}
