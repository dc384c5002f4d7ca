/** Decoded pixels: 8-bit RGB, interleaved, row-major, no alpha (length = width × height × 3). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes encoded image bytes (PNG, JPEG, WebP, GIF, …) into RGB pixels. Platform adapters implement it. */
export type DecodeImage = (bytes: Uint8Array, name?: string) => Promise<RgbImage>;

/** Builds an RgbImage from 8-bit grayscale pixels by repeating the channel three times. */
export function grayToRgb(width: number, height: number, gray: ArrayLike<number>): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const v = gray[i] ?? 0;
    data[3 * i] = v;
    data[3 * i + 1] = v;
    data[3 * i + 2] = v;
  }
  return { width, height, data };
}
