import type { DecodeImage, RgbImage } from '../image/rgb-image.ts';
import type { SampleContent } from './dataset.ts';

/** Marks pixel content so it can never be mistaken for an encoded file's bytes: "rgb8" + width + height. */
const PIXELS_MAGIC = [0x72, 0x67, 0x62, 0x38];
const PIXELS_HEADER_LENGTH = 12;

/**
 * The bytes that identify a sample's content, for content-addressed caching: encoded bytes as they are;
 * for pixels a 12-byte header ("rgb8", width and height as big-endian uint32) followed by the RGB data.
 */
export function sampleContentBytes(content: SampleContent): Uint8Array {
  if (content.kind === 'encoded') return content.bytes;
  const { width, height, data } = content.image;
  const out = new Uint8Array(PIXELS_HEADER_LENGTH + data.length);
  out.set(PIXELS_MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, width, false);
  view.setUint32(8, height, false);
  out.set(data, PIXELS_HEADER_LENGTH);
  return out;
}

/** Turns sample content into pixels, decoding encoded bytes with `decode` (`name` goes into its errors). */
export async function decodeSampleContent(
  content: SampleContent,
  decode: DecodeImage,
  name?: string,
): Promise<RgbImage> {
  if (content.kind === 'pixels') return content.image;
  return decode(content.bytes, name);
}
