import { HeadstartError, formatChoices } from '../errors.ts';
import type { DecodeImage, RgbImage } from '../image/rgb-image.ts';
import { BROWSER_IMAGE_FORMATS, sniffImage, type ImageHeader } from './sniff-image.ts';

export interface BrowserDecoderOptions {
  /** Images whose header declares more pixels (width × height) are refused before decoding. Default 40 megapixels. */
  maxPixels?: number;
}

const FORMAT_NAMES: Record<(typeof BROWSER_IMAGE_FORMATS)[number], string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  webp: 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
};
const DEFAULT_MAX_PIXELS = 40_000_000;
const FORMAT_LIST = formatChoices(BROWSER_IMAGE_FORMATS.map((f) => FORMAT_NAMES[f]));

function decodeFailed(name: string, reason: string, cause?: unknown): HeadstartError {
  return new HeadstartError('IMAGE_DECODE_FAILED', `Cannot decode image "${name}": ${reason}.`, { cause });
}

function checkSize(name: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new HeadstartError(
      'IMAGE_TOO_LARGE',
      `Image "${name}" is ${width}×${height} (${(width * height).toLocaleString('en-US')} pixels); ` +
        `the limit is ${maxPixels.toLocaleString('en-US')} pixels.`,
    );
  }
}

/**
 * The checks the browser decoder makes before decoding, on a file's first bytes (64 kB hold the header of
 * every format read here): empty (IMAGE_DECODE_FAILED), not an image (UNSUPPORTED_MEDIA_TYPE, naming the
 * formats read) and declared too large (IMAGE_TOO_LARGE). Cheap enough for thousands of dropped files.
 */
export function checkImageHeader(options: {
  bytes: Uint8Array;
  name: string;
  maxPixels?: number;
}): ImageHeader {
  const { bytes, name } = options;
  if (bytes.length === 0) throw decodeFailed(name, 'the file is empty (0 bytes)');
  const header = sniffImage(bytes);
  if (!header) {
    throw new HeadstartError(
      'UNSUPPORTED_MEDIA_TYPE',
      `"${name}" is not an image this page reads; use ${FORMAT_LIST}.`,
    );
  }
  if (header.width !== undefined && header.height !== undefined) {
    checkSize(name, header.width, header.height, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  }
  return header;
}

/** RGBA from a 2D canvas, opaque because it was filled white first, to interleaved RGB. */
function rgbaToRgb(rgba: Uint8ClampedArray, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; q < data.length; p += 4, q += 3) {
    data[q] = rgba[p] as number;
    data[q + 1] = rgba[p + 1] as number;
    data[q + 2] = rgba[p + 2] as number;
  }
  return { width, height, data };
}

/**
 * A DecodeImage for browsers and Web Workers: the file's signature is checked first (UNSUPPORTED_MEDIA_TYPE
 * for anything but PNG, JPEG, WebP, GIF or AVIF, so SVG and text are refused by name), the declared size
 * against `maxPixels` (IMAGE_TOO_LARGE), then createImageBitmap decodes it with the EXIF orientation
 * applied and an OffscreenCanvas turns it into RGB with transparency flattened onto white — what the
 * sharp decoder does in Node, so lossless images give the same pixels on both.
 */
export function createBrowserDecoder({
  maxPixels = DEFAULT_MAX_PIXELS,
}: BrowserDecoderOptions = {}): DecodeImage {
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new HeadstartError(
      'INVALID_OPTION',
      `maxPixels ${String(maxPixels)} is not valid; use a positive integer.`,
    );
  }
  return async (bytes: Uint8Array, name = 'image'): Promise<RgbImage> => {
    const header = checkImageHeader({ bytes, name, maxPixels });
    let bitmap: ImageBitmap;
    try {
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` });
      bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'default' });
    } catch (error) {
      throw decodeFailed(name, `corrupt or truncated ${FORMAT_NAMES[header.format]} data`, error);
    }
    try {
      const { width, height } = bitmap;
      if (width === 0 || height === 0) throw decodeFailed(name, 'it has no pixels');
      checkSize(name, width, height, maxPixels);
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context)
        throw new HeadstartError(
          'DEVICE_UNAVAILABLE',
          'This browser offers no 2D canvas to decode images with.',
        );
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height);
      context.drawImage(bitmap, 0, 0);
      return rgbaToRgb(context.getImageData(0, 0, width, height).data, width, height);
    } finally {
      bitmap.close();
    }
  };
}
